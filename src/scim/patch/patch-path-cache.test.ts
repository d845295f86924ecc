import { describe, expect, it } from 'vitest';
import { isScimError } from '../scim-error.js';
import { PATCH_PATH_CACHE_LIMITS, parsePatchPathCached, patchPathCache } from './patch-path-cache.js';

describe('parsePatchPathCached', () => {
  it('parses a path once and hands out the same frozen tree after', () => {
    const text = 'emails[type eq "work" and primary eq true].value';
    const first = parsePatchPathCached(text);
    expect(first.attr.name).toBe('emails');
    expect(first.subAttr).toBe('value');
    expect(parsePatchPathCached(text)).toBe(first);
    // Frozen all the way down, so one request cannot change what the next one reads.
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.attr)).toBe(true);
    expect(Object.isFrozen(first.attr.span)).toBe(true);
    const filter = first.valueFilter;
    expect(filter?.kind).toBe('and');
    if (filter?.kind !== 'and') throw new Error('unexpected shape');
    expect(Object.isFrozen(filter.left)).toBe(true);
    expect(Object.isFrozen(filter.right)).toBe(true);
  });

  it('does not keep a path longer than the key limit, and parses it afresh each time', () => {
    const text = `members[value eq "${'x'.repeat(PATCH_PATH_CACHE_LIMITS.maxKeyLength)}"]`;
    const before = patchPathCache.totalKeyLength;
    const first = parsePatchPathCached(text);
    const second = parsePatchPathCached(text);
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
    expect(Object.isFrozen(first)).toBe(false);
    expect(patchPathCache.totalKeyLength).toBe(before);
  });

  it('keeps a path exactly at the key limit', () => {
    const prefix = 'members[value eq "';
    const text = `${prefix}${'y'.repeat(PATCH_PATH_CACHE_LIMITS.maxKeyLength - prefix.length - 2)}"]`;
    expect(text).toHaveLength(PATCH_PATH_CACHE_LIMITS.maxKeyLength);
    expect(parsePatchPathCached(text)).toBe(parsePatchPathCached(text));
  });

  it('throws for a malformed path every time (errors are not cached)', () => {
    for (let i = 0; i < 2; i++) {
      try {
        parsePatchPathCached('emails[type eq');
        expect.unreachable();
      } catch (error) {
        expect(isScimError(error) && error.scimType).toBe('invalidPath');
      }
    }
  });

  it('stays within its limits however many distinct paths arrive', () => {
    for (let i = 0; i < PATCH_PATH_CACHE_LIMITS.maxEntries + 100; i++) parsePatchPathCached(`a${i}`);
    expect(patchPathCache.size).toBeLessThanOrEqual(PATCH_PATH_CACHE_LIMITS.maxEntries);
    expect(patchPathCache.totalKeyLength).toBeLessThanOrEqual(PATCH_PATH_CACHE_LIMITS.maxTotalKeyLength);
  });
});
