import { describe, expect, it } from 'vitest';
import type { EvaluationContext } from '../value.js';
import { ExpressionRuntimeError } from './function-spec.js';
import { builtinFunctions } from './index.js';
import { call, errorOf, testContext } from './test-helper.js';

/** A context whose random source always answers `value`. */
function fixedRandom(value: number): EvaluationContext {
  return { ...testContext(), random: () => value };
}

/** The message RandomString fails with, checked to be its own error. */
function failure(args: readonly (string | number)[]): string {
  const error = errorOf(() => call('RandomString', args));
  expect(error).toBeInstanceOf(ExpressionRuntimeError);
  return error.message;
}

const check = builtinFunctions.get('randomstring')!.checkLiterals!;

describe('Guid at its edges', () => {
  it('sets only the version and variant bits it must', () => {
    // Every random byte 0xff: only the version (4) and the variant (10xx) nibbles are forced.
    expect(call('Guid', [], fixedRandom(0.999999))).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    expect(call('Guid', [], fixedRandom(0))).toBe('00000000-0000-4000-8000-000000000000');
  });

  it('stays a valid GUID when the random source answers 1', () => {
    expect(call('Guid', [], fixedRandom(1))).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
  });
});

describe('RandomString at its edges', () => {
  it('accepts lengths 1 and 256 and refuses 0 and 257, naming itself', () => {
    expect(call('RandomString', [1, 0, 0, 0, 1])).toMatch(/^[a-z]$/);
    expect(call('RandomString', [256, 0, 0, 0, 0])).toHaveLength(256);
    expect(failure([0, 0, 0, 0, 0])).toBe('RandomString: length must be between 1 and 256, got 0');
    expect(failure([257, 0, 0, 0, 0])).toBe('RandomString: length must be between 1 and 256, got 257');
  });

  it('names the parameter that is not a number', () => {
    expect(failure(['x', 0, 0, 0, 0])).toBe('RandomString: length must be a number, got "x"');
    expect(failure([4, 'x', 0, 0, 0])).toBe('RandomString: minimumNumbers must be a number, got "x"');
    expect(failure([4, 0, 'x', 0, 0])).toBe(
      'RandomString: minimumSpecialCharacters must be a number, got "x"',
    );
    expect(failure([4, 0, 0, 'x', 0])).toBe('RandomString: minimumCapital must be a number, got "x"');
    expect(failure([4, 0, 0, 0, 'x'])).toBe('RandomString: minimumLowerCase must be a number, got "x"');
  });

  it('refuses a negative minimum, whichever it is', () => {
    for (const args of [
      [5, -1, 0, 0, 0],
      [5, 0, 0, 0, -1],
    ]) {
      expect(failure(args)).toBe('RandomString: minimum counts cannot be negative');
    }
  });

  it('names the class that charactersToAvoid empties when a minimum needs it', () => {
    expect(failure([2, 1, 0, 0, 0, '0123456789'])).toBe(
      'RandomString: charactersToAvoid excludes every one of the digits',
    );
    expect(failure([2, 0, 1, 0, 0, '~!@#$%^&*_-+=`|\\(){}[]:;"\'<>,.?/'])).toBe(
      'RandomString: charactersToAvoid excludes every one of the special characters',
    );
    expect(failure([2, 0, 0, 1, 0, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'])).toBe(
      'RandomString: charactersToAvoid excludes every one of the capital letters',
    );
    expect(failure([2, 0, 0, 0, 1, 'abcdefghijklmnopqrstuvwxyz'])).toBe(
      'RandomString: charactersToAvoid excludes every one of the lower-case letters',
    );
  });

  it('needs no character of a class whose minimum is 0', () => {
    const out = call('RandomString', [20, 0, 0, 0, 0, '0123456789'], testContext({ seed: 3 })) as string;
    expect(out).toHaveLength(20);
    expect(out).not.toMatch(/\d/);
  });

  it('fails when charactersToAvoid excludes every character', () => {
    const every =
      '0123456789~!@#$%^&*_-+=`|\\(){}[]:;"\'<>,.?/ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
    expect(failure([3, 0, 0, 0, 0, every])).toBe('RandomString: charactersToAvoid excludes every character');
  });

  it('draws from all 94 characters when nothing is avoided', () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 20; seed++) {
      for (const ch of call('RandomString', [256, 0, 0, 0, 0], testContext({ seed })) as string) seen.add(ch);
    }
    expect(seen.size).toBe(94);
  });

  it('shuffles the required characters into the result', () => {
    // Without the shuffle the one required digit would always come first.
    const firsts = new Set<string>();
    for (let seed = 1; seed <= 20; seed++) {
      const out = call('RandomString', [12, 1, 0, 0, 11], testContext({ seed })) as string;
      expect(out).toMatch(/^[a-z]*\d[a-z]*$/);
      firsts.add(/\d/.test(out[0]!) ? 'digit' : 'letter');
    }
    expect(firsts).toEqual(new Set(['digit', 'letter']));
  });

  it('is reproducible from the seed, character for character', () => {
    // Seed 42 of the test context's mulberry32: the drawing and the shuffle are both pinned.
    expect(call('RandomString', [16, 2, 2, 2, 2], testContext({ seed: 42 }))).toBe('*Ecq]4n>oN{Fh6C`');
  });
});

describe('RandomString save-time check at its edges', () => {
  it('accepts literal lengths 1 and 256, refuses 0 and 257', () => {
    expect(check([1, 0, 0, 0, 0])).toEqual([]);
    expect(check([256, 0, 0, 0, 0])).toEqual([]);
    expect(check([0, 0, 0, 0, 0])).toEqual([
      { argumentIndex: 0, message: 'length must be between 1 and 256' },
    ]);
    expect(check([257, 0, 0, 0, 0])).toEqual([
      { argumentIndex: 0, message: 'length must be between 1 and 256' },
    ]);
  });

  it('reads fractional literals as the call does, truncated', () => {
    expect(check([256.5, 0, 0, 0, 0])).toEqual([]);
    expect(call('RandomString', [256.5, 0, 0, 0, 0])).toHaveLength(256);
    expect(check([4, 1.5, 1.5, 1.5, 1.5])).toEqual([]);
    expect(check([0.5, 0, 0, 0, 0])).toHaveLength(1);
  });

  it('refuses literal minimums that already exceed the length when others are not literals', () => {
    expect(check([3, 2, 2, undefined, undefined])).toEqual([
      { argumentIndex: 0, message: 'the minimum counts add up to 4, more than length 3' },
    ]);
    expect(check([3, 2, 1, undefined, 0])).toEqual([]);
  });

  it('counts only the four minimums, not charactersToAvoid, and nothing without a literal length', () => {
    expect(check([3, 1, 1, 1, 1, 'x'])).toEqual([
      { argumentIndex: 0, message: 'the minimum counts add up to 4, more than length 3' },
    ]);
    expect(check([undefined, 9, 9, 9, 9])).toEqual([]);
  });
});
