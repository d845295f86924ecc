import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hashSecret, parseToken, secretMatches, storedHashBytes } from './api-token.js';

describe('api tokens', () => {
  it('parses only the pvs_<16 hex>_<43 base64url> form', () => {
    const secret = 'A'.repeat(43);
    expect(parseToken(`pvs_0123456789abcdef_${secret}`)).toEqual({ id: '0123456789abcdef', secret });
    expect(parseToken(`pvs_0123456789abcdef_${secret}x`)).toBeUndefined();
    expect(parseToken(`pvs_0123456789ABCDEF_${secret}`)).toBeUndefined();
    expect(parseToken(`xyz_0123456789abcdef_${secret}`)).toBeUndefined();
    expect(parseToken('')).toBeUndefined();
  });

  it('a secret matches its own hash and no other secret', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (a, b) => {
        expect(secretMatches(a, hashSecret(a))).toBe(true);
        if (a !== b) expect(secretMatches(b, hashSecret(a))).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('hashes the secret as UTF-8 on both sides', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), (a) => {
        expect(secretMatches(a, hashSecret(a))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('a corrupt stored hash never matches', () => {
    expect(secretMatches('x', 'abcd')).toBe(false);
    expect(storedHashBytes('abcd')).toBeUndefined();
    expect(secretMatches('x', `${hashSecret('x').slice(0, 62)}zz`)).toBe(false);
  });
});
