import { describe, expect, it } from 'vitest';
import { BOUNDARY_URN, COMPARE_OPS, boundaryRegistry } from '../../../test/support/filter-boundary-cases.js';
import type { JsonValue } from '../../shared/json.js';
import { compileFilter } from './filter-compiler.js';
import { parseFilter } from './filter-parser.js';

const resolver = boundaryRegistry().resolver('User');

/** Each typed attribute, a literal of its type, and stored values of other JSON types. */
const CASES: [attribute: string, literal: string, others: JsonValue[]][] = [
  ['text', '"Bob"', [7, 0, true, false, { value: 7 }, { value: true }, [7, false]]],
  ['code', '"Bob"', [7, true, { value: 1 }, [0]]],
  ['at', '"2024-03-10T12:00:00Z"', [1710072000000, 0, true, { value: 1710072000000 }, [1710072000000]]],
  ['link', '"https://example.com/a"', [1, false, { value: 2 }]],
  ['blob', '"QUJD"', [1, true, { value: false }]],
  ['badge', '"Gold"', [{ value: 7 }, { value: true }, { value: ['Gold'] }, { value: { value: 'Gold' } }]],
  ['count', '10', ['10', 'x', true, false, { value: '10' }, ['10', true]]],
  ['ratio', '1.5', ['1.5', true, { value: '1.5' }]],
  ['flag', 'true', ['true', 'True', 1, { value: 'true' }, [1, 'true']]],
  ['flag', 'false', ['false', 0, '', { value: 0 }]],
];

describe('compileFilter: a value of another JSON type never compares (RFC 7644 §3.4.2.2)', () => {
  for (const [attribute, literal, others] of CASES) {
    it(`${attribute} against ${literal}: only ne matches, nothing throws`, () => {
      for (const value of others) {
        const user = { schemas: [BOUNDARY_URN], userName: 'u', [BOUNDARY_URN]: { [attribute]: value } };
        const actual = COMPARE_OPS.map((op) => {
          const filter = `${BOUNDARY_URN}:${attribute} ${op} ${literal}`;
          return [op, compileFilter(parseFilter(filter), resolver)(user)];
        });
        expect({ value, actual }).toEqual({ value, actual: COMPARE_OPS.map((op) => [op, op === 'ne']) });
      }
    });
  }
});
