import { describe, expect, it } from 'vitest';
import { newResourceId } from './resource-id.js';

describe('newResourceId', () => {
  it('returns lower-case version 7 UUIDs', () => {
    for (let i = 0; i < 100; i += 1) {
      expect(newResourceId()).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
  });

  it('is strictly increasing within a process, also within one millisecond', () => {
    const ids = Array.from({ length: 20_000 }, () => newResourceId());
    for (let i = 1; i < ids.length; i += 1) expect(ids[i]! > ids[i - 1]!).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives every id fresh random bits, also across refills of the random pool', () => {
    // The last 48 bits are random only: equal tails would mean reused bytes.
    const tails = Array.from({ length: 2_000 }, () => newResourceId().slice(-12));
    expect(new Set(tails).size).toBe(tails.length);
  });
});
