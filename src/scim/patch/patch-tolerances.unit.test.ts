/** The tolerance helpers on their own, with the values identity providers send. */
import { describe, expect, it } from 'vitest';
import type { Filter } from '../filter/filter-ast.js';
import { parseFilter } from '../filter/filter-parser.js';
import type { AttributeDefinition } from '../schema/schema-types.js';
import { isScimError } from '../scim-error.js';
import {
  coerceBooleanString,
  normaliseOpName,
  splitValueKey,
  unwrapSingularComplex,
  valueFromEqualityFilter,
} from './patch-tolerances.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('normaliseOpName (T1)', () => {
  it('reads the three op names in any case and nothing else', () => {
    expect(normaliseOpName('Add')).toBe('add');
    expect(normaliseOpName('REMOVE')).toBe('remove');
    expect(normaliseOpName('replace')).toBe('replace');
    expect(normaliseOpName('move')).toBeUndefined();
    expect(normaliseOpName('')).toBeUndefined();
  });
});

describe('coerceBooleanString (T2)', () => {
  it('reads "true" and "false" in any case, and nothing else', () => {
    expect(coerceBooleanString('True')).toBe(true);
    expect(coerceBooleanString('FALSE')).toBe(false);
    expect(coerceBooleanString('false')).toBe(false);
    expect(coerceBooleanString('yes')).toBeUndefined();
    expect(coerceBooleanString('')).toBeUndefined();
    expect(coerceBooleanString('true ')).toBeUndefined();
  });
});

describe('splitValueKey (T3, T4)', () => {
  it('keeps a plain key as the name', () => {
    expect(splitValueKey('userName')).toEqual({ name: 'userName' });
  });

  it('splits a dotted key into name and sub-attribute', () => {
    expect(splitValueKey('name.givenName')).toEqual({ name: 'name', subAttr: 'givenName' });
  });

  it('splits a URN-prefixed key at its last colon, in any case of the urn: prefix', () => {
    expect(splitValueKey(`${ENTERPRISE}:manager`)).toEqual({ uri: ENTERPRISE, name: 'manager' });
    expect(splitValueKey(`${ENTERPRISE}:manager.value`)).toEqual({
      uri: ENTERPRISE,
      name: 'manager',
      subAttr: 'value',
    });
    expect(splitValueKey('URN:x:y:title')).toEqual({ uri: 'URN:x:y', name: 'title' });
  });

  it('does not split a key with colons that is not a URN', () => {
    expect(splitValueKey('a:b')).toEqual({ name: 'a:b' });
  });
});

describe('valueFromEqualityFilter (T6)', () => {
  const from = (filter: string) => valueFromEqualityFilter(parseFilter(filter));

  it('builds the value an and of eq comparisons describes', () => {
    expect(from('type eq "work"')).toEqual({ type: 'work' });
    expect(from('type eq "work" and primary eq true')).toEqual({ type: 'work', primary: true });
  });

  it('gives undefined for anything not unambiguous', () => {
    expect(from('type ne "work"')).toBeUndefined();
    expect(from('type eq "work" or type eq "home"')).toBeUndefined();
    expect(from('type eq "work" and primary ne true')).toBeUndefined();
    expect(from('primary ne true and type eq "work"')).toBeUndefined();
    expect(from('type pr')).toBeUndefined();
    expect(from('not (type eq "work")')).toBeUndefined();
    expect(from('type eq null')).toBeUndefined();
    expect(from('type eq "work" and type eq "home"')).toBeUndefined();
    expect(from('name.givenName eq "x"')).toBeUndefined();
    expect(from(`${ENTERPRISE}:type eq "x"`)).toBeUndefined();
  });

  it('makes __proto__ an ordinary key, never the prototype', () => {
    // Not a valid ATTRNAME, so built as a tree: a caller may hand any parsed tree over.
    const span = { start: 0, end: 0 };
    const filter: Filter = { kind: 'compare', op: 'eq', path: { name: '__proto__', span }, value: 'x', span };
    const value = valueFromEqualityFilter(filter);
    expect(value).toBeDefined();
    expect(Object.keys(value ?? {})).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(JSON.stringify(value)).toBe('{"__proto__":"x"}');
  });
});

describe('unwrapSingularComplex (T11)', () => {
  const def = (type: AttributeDefinition['type'], multiValued: boolean): AttributeDefinition =>
    ({ name: 'manager', type, multiValued }) as AttributeDefinition;

  it('unwraps a one-element array for a singular complex attribute', () => {
    expect(unwrapSingularComplex(def('complex', false), [{ value: 'id' }], 'manager')).toEqual({
      value: 'id',
    });
  });

  it('leaves other values and other attributes as they are', () => {
    expect(unwrapSingularComplex(def('complex', false), { value: 'id' }, 'm')).toEqual({ value: 'id' });
    expect(unwrapSingularComplex(def('complex', true), [{ value: 'a' }], 'm')).toEqual([{ value: 'a' }]);
    expect(unwrapSingularComplex(def('string', false), ['a'], 'm')).toEqual(['a']);
    expect(unwrapSingularComplex(def('string', false), ['a', 'b'], 'm')).toEqual(['a', 'b']);
  });

  it('rejects an array of any other length, naming the attribute and the length', () => {
    for (const value of [[], [{ value: 'a' }, { value: 'b' }]]) {
      try {
        unwrapSingularComplex(def('complex', false), value, 'Operations[0]');
        expect.unreachable();
      } catch (error) {
        expect(isScimError(error) && error.scimType).toBe('invalidValue');
        expect(isScimError(error) && error.detail).toBe(
          `Operations[0]: "manager" is single-valued; expected one value, got an array of ${value.length}`,
        );
      }
    }
  });
});
