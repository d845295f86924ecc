import { describe, expect, it } from 'vitest';
import {
  BOUNDARY_CASES,
  BOUNDARY_URN,
  COMPARE_OPS,
  boundaryRegistry,
  expectedMatch,
  type BoundaryCase,
  type BoundaryRow,
} from '../../../test/support/filter-boundary-cases.js';
import type { JsonObject, JsonValue } from '../../shared/json.js';
import { compileFilter, compileValueFilter } from './filter-compiler.js';
import { parseFilter } from './filter-parser.js';

const registry = boundaryRegistry();
const resolver = registry.resolver('User');
const absent: BoundaryRow = { value: null, order: null, present: false };

/** A User holding `value` at the case's attribute (a sub-attribute path stores the whole row value). */
function userWith(c: BoundaryCase, value: JsonValue | undefined): JsonObject {
  const attribute = c.path.slice(BOUNDARY_URN.length + 1).split('.')[0]!;
  const extension: JsonObject = value === undefined ? {} : { [attribute]: value };
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', BOUNDARY_URN],
    userName: 'u',
    [BOUNDARY_URN]: extension,
  };
}

/** Every (case, operator, row) with what the filter must answer, as one readable line each. */
function table(c: BoundaryCase, rows: readonly BoundaryRow[]) {
  return COMPARE_OPS.flatMap((op) =>
    rows.map((row) => ({
      filter: `${c.path} ${op} ${c.literal}`,
      value: row.value,
      match: expectedMatch(c, op, row),
    })),
  );
}

describe('compileFilter: every operator at the boundaries of every attribute type', () => {
  for (const c of BOUNDARY_CASES) {
    it(`${c.label}: equal, just below and just above ${c.literal}`, () => {
      const actual = table(c, c.rows).map(({ filter, value }) => ({
        filter,
        value,
        match: compileFilter(parseFilter(filter), resolver)(userWith(c, value)),
      }));
      expect(actual).toEqual(table(c, c.rows));
    });

    it(`${c.label}: an absent or null attribute matches only ne`, () => {
      for (const value of [undefined, null]) {
        const actual = table(c, [absent]).map(({ filter }) => ({
          filter,
          value: null,
          match: compileFilter(parseFilter(filter), resolver)(userWith(c, value)),
        }));
        expect(actual).toEqual(table(c, [absent]));
      }
    });

    it(`${c.label}: pr is true exactly where a value is present`, () => {
      const filter = compileFilter(parseFilter(`${c.path} pr`), resolver);
      expect(c.rows.map((row) => ({ value: row.value, pr: filter(userWith(c, row.value)) }))).toEqual(
        c.rows.map((row) => ({ value: row.value, pr: row.present })),
      );
      expect(filter(userWith(c, undefined))).toBe(false);
    });

    it(`${c.label}: a multi-valued holder matches when any value does`, () => {
      // The same rows held together: eq matches when one equals, gt when one is above, ...
      const all = c.rows.map((row) => row.value);
      const holder = userWith(c, all);
      for (const op of COMPARE_OPS) {
        const filter = `${c.path} ${op} ${c.literal}`;
        const any = c.rows.some((row) => expectedMatch(c, op === 'ne' ? 'eq' : op, row));
        const expected = op === 'ne' ? !any : any;
        expect({ filter, match: compileFilter(parseFilter(filter), resolver)(holder) }).toEqual({
          filter,
          match: expected,
        });
      }
    });
  }
});

describe('compileValueFilter: the same boundaries inside a value filter', () => {
  // `emails[value gt 10]`-style filters see one value at a time; a typed parent gives the types.
  const ordered = BOUNDARY_CASES.filter((c) => !c.path.endsWith('.value'));
  for (const c of ordered) {
    it(`${c.label}: value <op> ${c.literal} on each value`, () => {
      const attribute = c.path.slice(BOUNDARY_URN.length + 1);
      const resolved = resolver.resolve(BOUNDARY_URN, attribute, undefined);
      expect(resolved).toBeDefined();
      const actual = table(c, c.rows).map(({ filter, value }) => {
        const inner = filter.replace(c.path, 'value');
        return { filter, value, match: compileValueFilter(parseFilter(inner), resolved)(value) };
      });
      expect(actual).toEqual(table(c, c.rows));
    });
  }
});
