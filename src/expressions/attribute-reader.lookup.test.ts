import { describe, expect, it } from 'vitest';
import { compileAttributeReader, toExprValue } from './attribute-reader.js';

const read = (name: string, attributes: Record<string, unknown>) => compileAttributeReader(name)(attributes);

describe('compileAttributeReader: which key wins', () => {
  it('an exact key wins even when it holds null or a number', () => {
    expect(read('mail', { mail: null, MAIL: 'other' })).toBeNull();
    expect(read('mail', { MAIL: 'other', mail: 7 })).toBe(7);
    expect(read('mail', { MAIL: 'other', mail: false })).toBe(false);
    expect(read('mail', { Mail: 'x' })).toBe('x');
    expect(read('MAIL', { mailbox: 'no', mail: 'yes' })).toBe('yes');
    expect(read('mail', { mai: 'no', mails: 'no' })).toBeNull();
  });

  it('never finds a key on the prototype, exact or in another case', () => {
    const inherited = Object.create({ mail: 'proto', Title: 'proto' }) as Record<string, unknown>;
    expect(read('title', inherited)).toBeNull();
    expect(read('TITLE', inherited)).toBeNull();
    const own = Object.assign(Object.create({ Mail: 'proto' }) as Record<string, unknown>, { MAIL: 'own' });
    expect(read('mail', own)).toBe('own');
    expect(read('toString', { TOSTRING: 'own' })).toBe('own');
    expect(read('valueOf', {})).toBeNull();
  });
});

describe('compileAttributeReader: paths into complex values and extensions', () => {
  const urn = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

  it('splits a URN at its last colon, in any case of the urn: prefix', () => {
    const user = { [urn]: { employeeNumber: '42', manager: { displayName: 'Boss' } } };
    expect(read(`${urn}:employeeNumber`, user)).toBe('42');
    expect(read(`${urn.toUpperCase()}:EMPLOYEENUMBER`, user)).toBe('42');
    expect(read(`URN:${urn.slice(4)}:manager.displayName`, user)).toBe('Boss');
    expect(read(`${urn}:missing`, user)).toBeNull();
    // A dotted name that is not a URN is a path of sub-attributes; one segment is not walked.
    expect(read('a.b.c', { a: { b: { c: 'deep' } } })).toBe('deep');
    expect(read('a.b.c', { A: { B: { C: 'deep' } } })).toBe('deep');
    expect(read('a.b', { 'a.b': 'flat', a: { b: 'nested' } })).toBe('flat');
  });

  it('stops at arrays, primitives, null, inherited members and empty segments', () => {
    expect(read('emails.value', { emails: [{ value: 'a@x' }] })).toBeNull();
    expect(read('name.given', { name: 'Ada' })).toBeNull();
    expect(read('name.given', { name: null })).toBeNull();
    expect(read('name.toString', { name: {} })).toBeNull();
    expect(read('name.', { name: { '': 'x' } })).toBeNull();
    expect(read('.name', { '': { name: 'x' } })).toBeNull();
    expect(read('name.given', { name: { given: { value: 'v' } } })).toBe('v');
  });
});

describe('toExprValue: every kind of source value', () => {
  it('keeps scalars, maps the rest', () => {
    expect(toExprValue('s')).toBe('s');
    expect(toExprValue(0)).toBe(0);
    expect(toExprValue(false)).toBe(false);
    expect(toExprValue(null)).toBeNull();
    expect(toExprValue(Symbol('x'))).toBeNull();
    expect(toExprValue({ value: null })).toBeNull();
    expect(toExprValue({ value: { value: 'inner' } })).toBe('inner');
    expect(toExprValue({ toJSON: () => undefined })).toBeNull();
    expect(toExprValue({ a: [1, 'b'] })).toBe('{"a":[1,"b"]}');
  });

  it('copies an array only when some element is not a scalar', () => {
    const scalars = [null, 'a', 0, false];
    expect(toExprValue(scalars)).toBe(scalars);
    const mixed = ['a', { value: 'b' }, undefined, [1]];
    const out = toExprValue(mixed);
    expect(out).not.toBe(mixed);
    expect(out).toEqual(['a', 'b', null, [1]]);
    expect(toExprValue([new Date('2020-01-01T00:00:00Z')])).toEqual(['2020-01-01T00:00:00.000Z']);
  });
});
