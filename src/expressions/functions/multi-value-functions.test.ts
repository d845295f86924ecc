import { describe, expect, it } from 'vitest';
import { call } from './test-helper.js';

describe('Count', () => {
  it('counts values', () => {
    expect(call('Count', [['a', 'b', 'c']])).toBe(3);
    expect(call('Count', ['single'])).toBe(1);
    expect(call('Count', [null])).toBe(0);
    expect(call('Count', [[]])).toBe(0);
  });
});

describe('Item', () => {
  it('is 1-based', () => {
    expect(call('Item', [['smtp:a', 'smtp:b'], 1])).toBe('smtp:a');
    expect(call('Item', [['smtp:a', 'smtp:b'], 2])).toBe('smtp:b');
  });
  it('gives null out of range, for index 0 and without a value', () => {
    expect(call('Item', [['a'], 0])).toBeNull();
    expect(call('Item', [['a'], 2])).toBeNull();
    expect(call('Item', [['a'], -1])).toBeNull();
    expect(call('Item', [null, 1])).toBeNull();
  });
  it('treats a single value as a list of one', () => {
    expect(call('Item', ['x', 1])).toBe('x');
  });
});

describe('Join', () => {
  it('joins with a separator and skips empty values (documented example)', () => {
    expect(call('Join', [', ', '', 'Doe', 'John'])).toBe('Doe, John');
  });
  it('flattens multi-valued sources', () => {
    expect(call('Join', [';', ['a', 'b'], 'c', [null, '', 'd']])).toBe('a;b;c;d');
    expect(call('Join', ['x', [], 'a', ['b'], '', 1, 'c'])).toBe('axbx1xc');
  });
  it('renders numbers and booleans', () => {
    expect(call('Join', ['', 1000, '42'])).toBe('100042');
    expect(call('Join', ['-', true, false])).toBe('True-False');
  });
  it('gives "" when nothing has a value', () => {
    expect(call('Join', [' ', null, ''])).toBe('');
  });
});

describe('RemoveDuplicates', () => {
  it('keeps the first of each value, case-sensitively', () => {
    expect(call('RemoveDuplicates', [['a', 'b', 'a', 'A', 'b']])).toEqual(['a', 'b', 'A']);
    expect(call('RemoveDuplicates', [[1, '1', 1]])).toEqual([1, '1']);
    expect(call('RemoveDuplicates', [null])).toBeNull();
    expect(call('RemoveDuplicates', ['x'])).toBe('x');
  });
});

describe('Split', () => {
  it('splits and trims (documented example)', () => {
    expect(call('Split', ['PermissionSetOne, PermissionSetTwo', ','])).toEqual([
      'PermissionSetOne',
      'PermissionSetTwo',
    ]);
  });
  it('drops empty parts and handles multi-character delimiters', () => {
    expect(call('Split', ['a,,b,', ','])).toEqual(['a', 'b']);
    expect(call('Split', ['a::b', '::'])).toEqual(['a', 'b']);
    expect(call('Split', ['abc', ''])).toEqual(['abc']);
    expect(call('Split', [null, ','])).toBeNull();
    expect(call('Split', ['', ','])).toEqual([]);
  });
});
