import { describe, expect, it } from 'vitest';
import { ExpressionRuntimeError } from './function-spec.js';
import { call, errorOf } from './test-helper.js';

describe('Count at its edges', () => {
  it('counts 0 for an omitted argument, like a missing attribute', () => {
    expect(call('Count', [undefined])).toBe(0);
    expect(call('Count', [null])).toBe(0);
  });

  it('does not count null entries of a multi-valued value', () => {
    expect(call('Count', [['a', null, 'b', null]])).toBe(2);
  });
});

describe('Item at its edges', () => {
  it('names itself and the index parameter when the index is not a number', () => {
    const error = errorOf(() => call('Item', [['a'], 'x']));
    expect(error).toBeInstanceOf(ExpressionRuntimeError);
    expect(error.message).toBe('Item: index must be a number, got "x"');
  });
});

describe('RemoveDuplicates at its edges', () => {
  it('gives null for an omitted argument', () => {
    expect(call('RemoveDuplicates', [undefined])).toBeNull();
  });

  it('removes duplicate numbers and keeps different ones', () => {
    expect(call('RemoveDuplicates', [[1, 2, 1, 3, 2]])).toEqual([1, 2, 3]);
  });

  it('tells values apart by type as well as text', () => {
    expect(call('RemoveDuplicates', [[1, '1', true, 'True', null, 'null']])).toEqual([
      1,
      '1',
      true,
      'True',
      null,
      'null',
    ]);
    expect(call('RemoveDuplicates', [[[1], ['1'], [1]]])).toEqual([[1], ['1']]);
  });
});

describe('Join and Split without a separator value', () => {
  it('joins with nothing between the values when the separator has no value', () => {
    expect(call('Join', [null, 'a', 'b'])).toBe('ab');
  });

  it('gives the whole trimmed text as one value when the delimiter has no value', () => {
    expect(call('Split', [' a,b ', null])).toEqual(['a,b']);
  });
});
