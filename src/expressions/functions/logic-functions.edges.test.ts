import { describe, expect, it } from 'vitest';
import { FlowSignal } from '../value.js';
import { ExpressionRuntimeError } from './function-spec.js';
import { call, errorOf } from './test-helper.js';

describe('BitAnd at its edges', () => {
  it('names the function and the parameter in each error', () => {
    const notNumber = errorOf(() => call('BitAnd', ['abc', 1]));
    expect(notNumber).toBeInstanceOf(ExpressionRuntimeError);
    expect(notNumber.message).toBe('BitAnd: value1 must be a number, got "abc"');
    expect(errorOf(() => call('BitAnd', [1, 'abc'])).message).toBe(
      'BitAnd: value2 must be a number, got "abc"',
    );
    const fraction = errorOf(() => call('BitAnd', [1.5, 1]));
    expect(fraction).toBeInstanceOf(ExpressionRuntimeError);
    expect(fraction.message).toBe('BitAnd: value1 must be an integer, got 1.5');
    expect(errorOf(() => call('BitAnd', [1, 2.5])).message).toBe(
      'BitAnd: value2 must be an integer, got 2.5',
    );
  });

  it('gives null when either value is missing', () => {
    expect(call('BitAnd', [1, null])).toBeNull();
    expect(call('BitAnd', [null, null])).toBeNull();
  });

  it('keeps the high bits when only one value is outside 32 bits', () => {
    // -1 has every bit set, so the result is the other value itself, all 64 bits of it.
    expect(call('BitAnd', [2 ** 40 + 3, -1])).toBe(2 ** 40 + 3);
    expect(call('BitAnd', [-1, 2 ** 40 + 3])).toBe(2 ** 40 + 3);
    expect(call('BitAnd', [-(2 ** 40) - 3, -1])).toBe(-(2 ** 40) - 3);
    expect(call('BitAnd', [-1, -(2 ** 40) - 3])).toBe(-(2 ** 40) - 3);
    expect(call('BitAnd', [2 ** 31, -1])).toBe(2 ** 31);
    expect(call('BitAnd', [-1, -(2 ** 31) - 1])).toBe(-(2 ** 31) - 1);
  });

  it('gives the same result at the 32-bit bounds as past them', () => {
    expect(call('BitAnd', [0x7fffffff, -1])).toBe(0x7fffffff);
    expect(call('BitAnd', [-0x80000000, -1])).toBe(-0x80000000);
  });
});

describe('Coalesce with omitted and multi-valued arguments', () => {
  it('skips an omitted argument', () => {
    expect(call('Coalesce', [null, undefined, 'x'])).toBe('x');
  });

  it('returns a non-empty multi-valued argument as it is', () => {
    expect(call('Coalesce', [['a'], 'x'])).toEqual(['a']);
  });
});

describe('IIF with omitted arguments', () => {
  it('takes an omitted condition as false', () => {
    expect(call('IIF', [undefined, 'a', 'b'])).toBe('b');
  });

  it('gives null for an omitted branch', () => {
    expect(call('IIF', [true, undefined, 'b'])).toBeNull();
    expect(call('IIF', [false, 'a', undefined])).toBeNull();
  });
});

describe('IsNull of the values it is not true for', () => {
  it('is true for an omitted argument', () => {
    expect(call('IsNull', [undefined])).toBe(true);
  });

  it('is false for a multi-valued attribute with values', () => {
    expect(call('IsNull', [['a']])).toBe(false);
    expect(call('IsNull', [['']])).toBe(false);
  });
});

describe('Switch at its edges', () => {
  it('passes a flow signal in the source or a key on', () => {
    expect(call('Switch', [FlowSignal.ignoreAttribute, 'd', 'k', 'v'])).toBe(FlowSignal.ignoreAttribute);
    expect(call('Switch', ['x', 'd', FlowSignal.ignoreObject, 'v'])).toBe(FlowSignal.ignoreObject);
  });

  it('falls back to the default for a missing source when no key is empty', () => {
    // Past the last pair there is no key: a missing source must not match the absent one.
    expect(call('Switch', [null, 'Default', 'a', 'b'])).toBe('Default');
    expect(call('Switch', [null, 'Default', 'a', 'b', 'c', 'd'])).toBe('Default');
  });

  it('reads omitted source, keys and values as missing', () => {
    expect(call('Switch', [undefined, 'd', 'k', 'v'])).toBe('d');
    expect(call('Switch', [undefined, 'd', '', 'v'])).toBe('v');
    expect(call('Switch', ['', 'd', undefined, 'v'])).toBe('v');
    expect(call('Switch', ['k', 'd', 'k', undefined])).toBeNull();
  });

  it('matches a null key against an empty source only', () => {
    expect(call('Switch', ['', 'd', null, 'v'])).toBe('v');
    expect(call('Switch', [null, 'd', null, 'v'])).toBe('v');
    expect(call('Switch', ['x', 'd', null, 'v'])).toBe('d');
  });
});
