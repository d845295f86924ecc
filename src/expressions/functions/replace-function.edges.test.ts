import { describe, expect, it } from 'vitest';
import { ExpressionRuntimeError } from './function-spec.js';
import { builtinFunctions } from './index.js';
import { call, errorOf } from './test-helper.js';

// Replace(source, oldValue, regexPattern, regexGroupName, replacementValue, replacementAttributeName, template)
const U = undefined;

describe('Replace by value and by template, at the edges', () => {
  it('gives null when the template or the source of a template has no value', () => {
    expect(call('Replace', [null, '<u>', U, U, U, U, '<u>@contoso.com'])).toBeNull();
    expect(call('Replace', ['jsmith', '<u>', U, U, U, U, null])).toBeNull();
  });

  it('leaves the template as it is for an empty oldValue', () => {
    expect(call('Replace', ['jsmith', '', U, U, U, U, 'user'])).toBe('user');
    expect(call('Replace', ['jsmith', null, U, U, U, U, 'user'])).toBe('user');
  });

  it('leaves the source as it is for an empty oldValue', () => {
    expect(call('Replace', ['abc', '', U, U, 'x', U, U])).toBe('abc');
    expect(call('Replace', [['a', 'b'], '', U, U, 'x', U, U])).toEqual(['a', 'b']);
  });

  it('replaces in every value of a multi-valued source', () => {
    expect(call('Replace', [['a1', 'b1'], '1', U, U, '2', U, U])).toEqual(['a2', 'b2']);
  });

  it('removes the old value when the replacement has no value', () => {
    expect(call('Replace', ['abc', 'b', U, U, null, U, U])).toBe('ac');
    expect(call('Replace', ['abc', 'b', U, U, U, U, U])).toBe('ac');
  });
});

describe('Replace by pattern, at the edges', () => {
  it('removes each match when the replacement has no value', () => {
    expect(call('Replace', ['abcb', U, 'b', U, null, U, U])).toBe('ac');
  });

  it('reads a pattern without a value as the empty pattern', () => {
    // The empty pattern matches before every character and at the end.
    expect(call('Replace', ['abc', U, null, U, '-', U, U])).toBe('-a-b-c-');
  });

  it('refuses a pattern without a replacement, naming both ways to give one', () => {
    const error = errorOf(() => call('Replace', ['x', U, 'x', U, U, U, U]));
    expect(error).toBeInstanceOf(ExpressionRuntimeError);
    expect(error.message).toBe('Replace: regexPattern needs replacementValue or replacementAttributeName');
    // A replacementAttributeName without a regexGroupName is no replacement either.
    expect(errorOf(() => call('Replace', ['', U, '\\d+', U, U, '+91 888', U])).message).toBe(
      'Replace: regexPattern needs replacementValue or replacementAttributeName',
    );
  });

  it('names a group name without a value as ""', () => {
    expect(errorOf(() => call('Replace', ['x', U, '(?<a>x)', null, 'y', U, U])).message).toBe(
      'Replace: regexGroupName "" is not a named group of "(?<a>x)"',
    );
  });

  it('states at save time which group name the pattern lacks', () => {
    const check = builtinFunctions.get('replace')!.checkLiterals!;
    expect(check(['x', U, '(?<a>x)', 'b', '', U, U])).toEqual([
      { argumentIndex: 3, message: '"b" is not a named group of the pattern' },
    ]);
  });
});

describe('Replace of a named group, at the edges', () => {
  it('replaces the group in every match, not only the first', () => {
    expect(call('Replace', ['aa', U, '(?<x>a)', 'x', 'b', U, U])).toBe('bb');
    expect(call('Replace', ['a1a2', U, '(?<x>a)\\d', 'x', 'b', U, U])).toBe('b1b2');
  });

  it('leaves a match alone when the group took no part in it', () => {
    expect(call('Replace', ['ab', U, '(?<x>c)?b', 'x', 'Z', U, U])).toBe('ab');
  });

  it('replaces empty matches everywhere, the one at the end included', () => {
    expect(call('Replace', ['bab', U, '(?<x>a?)', 'x', '-', U, U])).toBe('-b--b-');
  });

  it('steps over a surrogate pair after an empty match', () => {
    expect(call('Replace', ['😀', U, '(?<x>a?)', 'x', '-', U, U])).toBe('-😀-');
    expect(call('Replace', ['😀😀', U, '(?<x>a?)', 'x', '-', U, U])).toBe('-😀-😀-');
    // U+FFFF is a single UTF-16 unit, not a pair: one step.
    expect(call('Replace', ['\uffffb', U, '(?<x>a?)', 'x', '-', U, U])).toBe('-\uffff-b-');
  });

  it('gives null when the attribute to take the group from has no value', () => {
    expect(call('Replace', ['', U, '(?<n>\\d+)', 'n', U, null, U])).toBeNull();
    // Not the group of the text "null".
    expect(call('Replace', ['', U, '(?<n>.+)', 'n', U, null, U])).toBeNull();
  });
});
