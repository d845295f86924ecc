import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { builtinFunctions } from './index.js';
import { call, testContext } from './test-helper.js';

describe('Guid', () => {
  it('is a version 4 GUID, reproducible from the seed', () => {
    const a = call('Guid', [], testContext({ seed: 7 }));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(call('Guid', [], testContext({ seed: 7 }))).toBe(a);
    expect(call('Guid', [], testContext({ seed: 8 }))).not.toBe(a);
  });
});

const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;

describe('RandomString', () => {
  it('meets the minimums (documented examples)', () => {
    const a = call('RandomString', [6, 3, 0, 0, 3], testContext()) as string;
    expect(a).toHaveLength(6);
    expect(count(a, /\d/g)).toBeGreaterThanOrEqual(3);
    expect(count(a, /[a-z]/g)).toBeGreaterThanOrEqual(3);
    const b = call('RandomString', [10, 2, 2, 2, 1, '?,'], testContext()) as string;
    expect(b).toHaveLength(10);
    expect(b).not.toMatch(/[?,]/);
    expect(count(b, /[A-Z]/g)).toBeGreaterThanOrEqual(2);
    expect(count(b, /[^A-Za-z0-9]/g)).toBeGreaterThanOrEqual(2);
  });
  it('always satisfies its constraints (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 4, maxLength: 4 }),
        fc.string({ maxLength: 5 }),
        fc.integer(),
        (length, mins, avoid, seed) => {
          const [n, s, c, l] = mins as [number, number, number, number];
          fc.pre(n + s + c + l <= length);
          const out = call('RandomString', [length, n, s, c, l, avoid], testContext({ seed })) as string;
          return (
            out.length === length &&
            count(out, /\d/g) >= n &&
            count(out, /[A-Z]/g) >= c &&
            count(out, /[a-z]/g) >= l &&
            count(out, /[^A-Za-z0-9]/g) >= s &&
            Array.from(avoid).every((ch) => !out.includes(ch))
          );
        },
      ),
      { numRuns: 200 },
    );
  });
  it('rejects impossible requests', () => {
    expect(() => call('RandomString', [3, 2, 2, 0, 0])).toThrow(/more than length/);
    expect(() => call('RandomString', [257, 0, 0, 0, 0])).toThrow(/between 1 and 256/);
    expect(() => call('RandomString', [2, 1, 0, 0, 0, '0123456789'])).toThrow(
      /excludes every one of the digits/,
    );
  });
});

describe('RandomString save-time check', () => {
  it('reports impossible literal lengths and minimums', () => {
    const check = builtinFunctions.get('randomstring')!.checkLiterals!;
    expect(check([300, 0, 0, 0, 0])[0]?.message).toMatch(/between 1 and 256/);
    expect(check([3, 2, 2, 0, 0])[0]?.message).toMatch(/add up to 4/);
    expect(check([10, 2, 2, 2, 1, '?,'])).toEqual([]);
  });
});
