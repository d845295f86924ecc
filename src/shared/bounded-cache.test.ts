import { describe, expect, it } from 'vitest';
import { BoundedCache } from './bounded-cache.js';

const limits = { maxEntries: 4, maxKeyLength: 10, maxTotalKeyLength: 20 };

describe('BoundedCache', () => {
  it('returns what was stored', () => {
    const cache = new BoundedCache<number>(limits);
    expect(cache.set('a', 1)).toBe(true);
    expect(cache.get('a')).toBe(1);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.size).toBe(1);
    expect(cache.totalKeyLength).toBe(1);
  });

  it('stores nothing under a key longer than maxKeyLength', () => {
    const cache = new BoundedCache<number>(limits);
    expect(cache.set('x'.repeat(11), 1)).toBe(false);
    expect(cache.get('x'.repeat(11))).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(cache.totalKeyLength).toBe(0);
  });

  it('evicts the oldest entries to stay within the entry count', () => {
    const cache = new BoundedCache<number>(limits);
    for (let i = 0; i < 10; i++) cache.set(`k${i}`, i);
    expect(cache.size).toBe(4);
    expect(cache.get('k5')).toBeUndefined();
    expect(cache.get('k9')).toBe(9);
  });

  it('evicts the oldest entries to stay within the total key length', () => {
    const cache = new BoundedCache<number>(limits);
    cache.set('a'.repeat(10), 1);
    cache.set('b'.repeat(10), 2);
    cache.set('c'.repeat(5), 3);
    expect(cache.totalKeyLength).toBe(15);
    expect(cache.get('a'.repeat(10))).toBeUndefined();
    expect(cache.get('b'.repeat(10))).toBe(2);
  });

  it('stays within both bounds whatever keys arrive', () => {
    const cache = new BoundedCache<number>(limits);
    for (let i = 0; i < 1000; i++) {
      cache.set(String(i).padEnd(i % 15, '.'), i);
      expect(cache.size).toBeLessThanOrEqual(limits.maxEntries);
      expect(cache.totalKeyLength).toBeLessThanOrEqual(limits.maxTotalKeyLength);
    }
  });

  it('keeps an entry in use while others come and go, once more than half full', () => {
    const cache = new BoundedCache<number>(limits);
    cache.set('hot', 0);
    for (let i = 0; i < 100; i++) {
      cache.set(`c${i}`, i);
      expect(cache.get('hot')).toBe(0);
    }
  });

  it('keeps an entry in use when long keys fill the total long before the entry count', () => {
    const cache = new BoundedCache<number>({ maxEntries: 100, maxKeyLength: 10, maxTotalKeyLength: 30 });
    cache.set('hot', 0);
    for (let i = 0; i < 100; i++) {
      cache.set(String(i).padEnd(10, '.'), i);
      expect(cache.get('hot')).toBe(0);
    }
  });

  it('replaces a value without counting its key twice, and forgets on delete and clear', () => {
    const cache = new BoundedCache<number>(limits);
    cache.set('abc', 1);
    cache.set('abc', 2);
    expect(cache.get('abc')).toBe(2);
    expect(cache.totalKeyLength).toBe(3);
    expect(cache.delete('abc')).toBe(true);
    expect(cache.delete('abc')).toBe(false);
    expect(cache.totalKeyLength).toBe(0);
    cache.set('d', 1);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.totalKeyLength).toBe(0);
  });

  it('refuses limits whose longest key exceeds the total', () => {
    expect(() => new BoundedCache({ maxEntries: 1, maxKeyLength: 2, maxTotalKeyLength: 1 })).toThrow(
      RangeError,
    );
  });
});
