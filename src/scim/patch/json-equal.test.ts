import { describe, expect, it } from 'vitest';
import { jsonContains, jsonEqual } from './json-equal.js';

describe('jsonEqual', () => {
  it('compares primitives by value and type', () => {
    expect(jsonEqual('a', 'a')).toBe(true);
    expect(jsonEqual(1, 1)).toBe(true);
    expect(jsonEqual(null, null)).toBe(true);
    expect(jsonEqual('1', 1)).toBe(false);
    expect(jsonEqual(0, false)).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
    expect(jsonEqual({}, null)).toBe(false);
    expect(jsonEqual(undefined, null)).toBe(false);
    expect(jsonEqual('x', ['x'])).toBe(false);
    expect(jsonEqual(1, 2)).toBe(false);
    expect(jsonEqual(true, false)).toBe(false);
    expect(jsonEqual('a', 'b')).toBe(false);
  });

  it('never takes a simple value for an object without keys, either way round', () => {
    expect(jsonEqual(5, {})).toBe(false);
    expect(jsonEqual('', {})).toBe(false);
    expect(jsonEqual({}, 5)).toBe(false);
    expect(jsonEqual({}, '')).toBe(false);
    expect(jsonEqual(true, {})).toBe(false);
  });

  it('compares arrays element by element, in order', () => {
    expect(jsonEqual([1, 'a', null], [1, 'a', null])).toBe(true);
    expect(jsonEqual([], [])).toBe(true);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual([1, 2], [1, 2, 3])).toBe(false);
    expect(jsonEqual([1, 2, 3], [1, 2])).toBe(false);
    expect(jsonEqual([1, 2], [1, 3])).toBe(false);
    expect(jsonEqual([{ a: 1 }], [{ a: 2 }])).toBe(false);
  });

  it('never takes an array for an object with index keys, either way round', () => {
    expect(jsonEqual(['x'], { 0: 'x' })).toBe(false);
    expect(jsonEqual({ 0: 'x' }, ['x'])).toBe(false);
    expect(jsonEqual([], {})).toBe(false);
    expect(jsonEqual({}, [])).toBe(false);
  });

  it('ignores key order but not missing, extra or different keys', () => {
    expect(jsonEqual({ a: 1, b: { c: [1] } }, { b: { c: [1] }, a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual({ a: 1, b: 2 }, { a: 1 })).toBe(false);
    expect(jsonEqual({ a: 1 }, { b: 1 })).toBe(false);
    expect(jsonEqual({ a: 1, b: 2 }, { a: 1, c: 2 })).toBe(false);
    expect(jsonEqual({ a: { b: 1 } }, { a: { b: 2 } })).toBe(false);
    // An inherited key is not a key of the object.
    expect(jsonEqual({ toString: 1 }, { other: 1 })).toBe(false);
  });
});

describe('jsonContains (RFC 7644 §3.5.2.1: adding a value already held adds nothing)', () => {
  it('holds when every attribute of the part is in the whole with an equal value', () => {
    expect(jsonContains({ value: 'a', display: 'A' }, { value: 'a' })).toBe(true);
    expect(jsonContains({ value: 'a' }, {})).toBe(true);
    expect(jsonContains({ value: 'a', type: 'work' }, { value: 'a', type: 'work' })).toBe(true);
  });

  it('fails when the part has an attribute the whole lacks or holds differently', () => {
    expect(jsonContains({ value: 'a' }, { value: 'a', display: 'A' })).toBe(false);
    expect(jsonContains({ value: 'a' }, { value: 'b' })).toBe(false);
    expect(jsonContains({ value: { x: 1 } }, { value: { x: 2 } })).toBe(false);
    expect(jsonContains({ value: 'a' }, { toString: 'a' })).toBe(false);
  });

  it('compares simple values and arrays by equality', () => {
    expect(jsonContains('a', 'a')).toBe(true);
    expect(jsonContains('a', 'b')).toBe(false);
    expect(jsonContains(['a', 'b'], ['a'])).toBe(false);
    expect(jsonContains(['a'], ['a'])).toBe(true);
    expect(jsonContains(null, null)).toBe(true);
  });

  it('never finds an object inside a simple value, null or an array', () => {
    expect(jsonContains('a', { value: 'a' })).toBe(false);
    expect(jsonContains('a', {})).toBe(false);
    expect(jsonContains(5, {})).toBe(false);
    expect(jsonContains([], {})).toBe(false);
    expect(jsonContains(null, {})).toBe(false);
    expect(jsonContains([{ value: 'a' }], { value: 'a' })).toBe(false);
    expect(jsonContains({ value: 'a' }, null)).toBe(false);
  });
});
