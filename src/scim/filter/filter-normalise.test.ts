/** normaliseFilter: names checked against the resource type, literals typed by the schema. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../shared/json.js';
import { defineAttribute } from '../schema/attribute-builders.js';
import { SchemaRegistry } from '../schema/schema-registry.js';
import { errorOf } from '../../../test/support/scim-error-of.js';
import type { CompareFilter, Filter } from './filter-ast.js';
import { evaluateFilter } from './filter-evaluator.js';
import { normaliseFilter } from './filter-normalise.js';
import { parseFilter } from './filter-parser.js';
import { printFilter } from './filter-printer.js';

const DEVICE = 'urn:example:params:scim:schemas:extension:device:2.0:User';
const registry = SchemaRegistry.withCoreSchemas();
registry.registerSchema({
  id: DEVICE,
  name: 'Device',
  description: '',
  attributes: [
    defineAttribute('loginCount', 'integer', ''),
    defineAttribute('quota', 'decimal', ''),
    defineAttribute('flags', 'boolean', '', { multiValued: true }),
  ],
});
registry.attachExtension('User', DEVICE);
const users = registry.compiled('User');
const groups = registry.compiled('Group');

const normalise = (text: string) => normaliseFilter(parseFilter(text), users);
const literal = (filter: Filter) => (filter as CompareFilter).value;

function detailOf(run: () => unknown): { scimType: string | undefined; detail: string } {
  const error = errorOf(run);
  return { scimType: error.scimType, detail: error.detail };
}

describe('normaliseFilter: literal types', () => {
  it.each([
    ['active eq "true"', true],
    ['active eq "True"', true],
    ['active eq "FALSE"', false],
    ['active eq " false "', false],
    ['loginCount gt "3"', 3],
    ['loginCount eq "-12"', -12],
    [`${DEVICE}:quota le "2.5e1"`, 25],
    ['flags eq "true"', true],
    ['userName eq "true"', 'true'],
    ['active eq true', true],
    ['active eq null', null],
  ])('%s compares with %j', (text, expected) => {
    expect(literal(normalise(text))).toBe(expected);
  });

  it('types literals inside value paths by the sub-attribute', () => {
    const filter = normalise('emails[type eq "work" and primary eq "True"]');
    expect(printFilter(filter)).toBe('emails[type eq "work" and primary eq true]');
  });

  it('returns the same object when nothing changes', () => {
    const filter = parseFilter('userName eq "x" or (name.givenName sw "A" and not (active eq true))');
    expect(normaliseFilter(filter, users)).toBe(filter);
  });

  it.each([
    ['active eq "yes"', 'active', '"yes"'],
    ['emails[primary eq "1"]', 'primary', '"1"'],
    ['loginCount gt "three"', 'loginCount', '"three"'],
    ['loginCount gt "0x10"', 'loginCount', '"0x10"'],
  ])('%s is invalidFilter naming the attribute', (text, name, value) => {
    const { scimType, detail } = detailOf(() => normalise(text));
    expect(scimType).toBe('invalidFilter');
    expect(detail).toContain(name);
    expect(detail).toContain(value);
  });

  it('a long or-chain is normalised without deep recursion', () => {
    const text = Array.from({ length: 3000 }, (_, i) => `active eq "${i % 2 ? 'True' : 'false'}"`).join(
      ' or ',
    );
    const filter = normalise(text);
    expect(printFilter(filter)).toBe(text.replaceAll('"True"', 'true').replaceAll('"false"', 'false'));
  });

  it('any casing of true/false matches as the boolean does', () => {
    const casing = (word: string) =>
      fc
        .array(fc.boolean(), { minLength: word.length, maxLength: word.length })
        .map((upper) => [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));
    fc.assert(
      fc.property(
        fc.oneof(casing('true'), casing('false')),
        fc.boolean(),
        fc.constantFrom('eq', 'ne'),
        (text, active, op) => {
          const user: JsonObject = { userName: 'u', active };
          const quoted = normalise(`active ${op} "${text}"`);
          const typed = parseFilter(`active ${op} ${text.toLowerCase()}`);
          expect(evaluateFilter(quoted, user, users.resolver)).toBe(
            evaluateFilter(typed, user, users.resolver),
          );
        },
      ),
    );
  });

  it('a quoted integer compares as the number', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e9, max: 1e9 }),
        fc.integer({ min: -1e9, max: 1e9 }),
        (stored, given) => {
          const user: JsonObject = { userName: 'u', [DEVICE]: { loginCount: stored } };
          for (const op of ['eq', 'gt', 'le']) {
            const quoted = normalise(`loginCount ${op} "${given}"`);
            const typed = parseFilter(`loginCount ${op} ${given}`);
            expect(evaluateFilter(quoted, user, users.resolver)).toBe(
              evaluateFilter(typed, user, users.resolver),
            );
          }
        },
      ),
    );
  });

  it('any string that is no boolean is refused for a boolean attribute', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !['true', 'false'].includes(s.trim().toLowerCase())),
        (text) => {
          const filter = parseFilter(`active eq ${JSON.stringify(text)}`);
          expect(detailOf(() => normaliseFilter(filter, users)).scimType).toBe('invalidFilter');
        },
      ),
    );
  });
});

describe('normaliseFilter: attribute names', () => {
  it.each([
    ['usrName eq "x"', 'usrName', 'userName'],
    ['name.givenNme eq "x"', 'givenNme', 'givenName'],
    ['emails[tpye eq "work"]', 'tpye', 'type'],
    [`${DEVICE}:loginCont gt 1`, 'loginCont', 'loginCount'],
    ['urn:example:nosuch:attr eq 1', 'urn:example:nosuch', undefined],
    ['userName.first eq "x"', 'userName', undefined],
    ['constructor eq "x"', 'constructor', undefined],
    ['name.__proto__ pr', '__proto__', undefined],
  ])('%s is invalidFilter naming %s', (text, name, suggestion) => {
    const { scimType, detail } = detailOf(() => normalise(text));
    expect(scimType).toBe('invalidFilter');
    expect(detail).toContain(name);
    if (suggestion) expect(detail).toContain(`did you mean "${suggestion}"`);
  });

  it('core, common, schemas, unqualified and URN-qualified extension names pass', () => {
    for (const text of [
      'id eq "1" and externalId pr and meta.lastModified gt "2020-01-01T00:00:00Z"',
      'schemas eq "x"',
      'loginCount gt 1',
      'employeeNumber eq "7" and manager.value eq "x"',
      `urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x"`,
      `${DEVICE}:loginCount gt 1`,
    ]) {
      expect(() => normalise(text)).not.toThrow();
    }
  });

  it('with unknown: keep, names another type defines are left as written', () => {
    const filter = parseFilter('userName eq "x" or displayName eq "y"');
    expect(normaliseFilter(filter, groups, { unknown: 'keep' })).toBe(filter);
    expect(() => normaliseFilter(filter, groups)).toThrow(/userName/);
  });
});
