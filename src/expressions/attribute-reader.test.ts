import { describe, expect, it } from 'vitest';
import { compileAttributeReader, toExprValue } from './attribute-reader.js';

describe('compileAttributeReader', () => {
  it('prefers the exact key, then any case', () => {
    expect(compileAttributeReader('mail')({ mail: 'a', MAIL: 'b' })).toBe('a');
    expect(compileAttributeReader('Mail')({ MAIL: 'b' })).toBe('b');
    expect(compileAttributeReader('mail')({})).toBeNull();
  });

  it('never reads inherited properties', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(compileAttributeReader(name)({})).toBeNull();
    }
    expect(compileAttributeReader('constructor')({ constructor: 'own' })).toBe('own');
    expect(compileAttributeReader('a.constructor')({ a: {} })).toBeNull();
  });

  it('walks into complex attributes and URN-keyed extensions, case-insensitively', () => {
    const urn = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
    const user = { Name: { GivenName: 'Ada' }, [urn]: { manager: { value: 'm1', displayName: 'Boss' } } };
    expect(compileAttributeReader('name.givenName')(user)).toBe('Ada');
    expect(compileAttributeReader(`${urn}:manager`)(user)).toBe('m1');
    expect(compileAttributeReader(`${urn}:manager.displayName`)(user)).toBe('Boss');
    expect(compileAttributeReader('name.givenName.x')(user)).toBeNull();
    expect(compileAttributeReader('name..x')(user)).toBeNull();
  });
});

describe('toExprValue', () => {
  it('maps source values to expression values', () => {
    expect(toExprValue(undefined)).toBeNull();
    expect(toExprValue(12n)).toBe(12);
    expect(toExprValue(new Date('2020-01-02T03:04:05Z'))).toBe('2020-01-02T03:04:05.000Z');
    expect(toExprValue(new Date(Number.NaN))).toBeNull();
    expect(toExprValue([{ value: 'a' }, 'b', null])).toEqual(['a', 'b', null]);
    expect(toExprValue({ street: 'Main' })).toBe('{"street":"Main"}');
    expect(toExprValue(() => 1)).toBeNull();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(toExprValue(cyclic)).toBeNull();
  });

  it('passes scalar arrays through without copying', () => {
    const values = ['a', 1, true];
    expect(toExprValue(values)).toBe(values);
  });
});
