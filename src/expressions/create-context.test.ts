import { describe, expect, it } from 'vitest';
import { createEvaluationContext } from './create-context.js';

describe('createEvaluationContext', () => {
  it('holds the clock still, at the given time or the epoch', () => {
    const now = new Date('2030-01-02T03:04:05Z');
    const ctx = createEvaluationContext({ now });
    const first = ctx.now();
    first.setUTCFullYear(1999);
    expect(ctx.now().toISOString()).toBe('2030-01-02T03:04:05.000Z');
    expect(createEvaluationContext().now().getTime()).toBe(0);
  });

  it('repeats the same random sequence for the same seed, and a different one for another', () => {
    const draw = (seed: number) => {
      const ctx = createEvaluationContext({ seed });
      return Array.from({ length: 5 }, () => ctx.random());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    for (const value of draw(7)) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });

  it('spreads values over [0, 1)', () => {
    const ctx = createEvaluationContext({ seed: 3 });
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) buckets[Math.floor(ctx.random() * 10)]!++;
    for (const count of buckets) expect(count).toBeGreaterThan(850);
  });

  it('answers isValueTaken from the taken list, case-insensitively', () => {
    const ctx = createEvaluationContext({ taken: ['John.Smith@contoso.com'] });
    expect(ctx.isValueTaken?.('john.smith@contoso.com', undefined)).toBe(true);
    expect(ctx.isValueTaken?.('j.smith@contoso.com', undefined)).toBe(false);
  });

  it('carries app role assignments when given', () => {
    const roles = [{ id: '1', displayName: 'Admin', value: 'admin' }];
    expect(createEvaluationContext({ appRoleAssignments: roles }).appRoleAssignments).toEqual(roles);
    expect(createEvaluationContext().appRoleAssignments).toBeUndefined();
  });
});
