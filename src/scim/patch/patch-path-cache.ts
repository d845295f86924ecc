/**
 * A bounded cache of parsed PATCH paths. Identity providers send the same few paths on every
 * request (`active`, `emails[type eq "work"].value`, `members`), so parsing each text once saves
 * most of the cost of validating a request, and reusing the same AST lets the value-filter
 * predicate compiled for it be reused too (value-filter-match.ts).
 */
import type { PatchPath } from '../filter/filter-ast.js';
import { parsePatchPath } from '../filter/filter-parser.js';
import { BoundedCache, type BoundedCacheLimits } from '../../shared/bounded-cache.js';

/**
 * Enough for every path of every configured provider. Longer paths are parsed every time: they are
 * not the repeated, generated kind. The total bounds what distinct long paths can hold.
 */
export const PATCH_PATH_CACHE_LIMITS: BoundedCacheLimits = {
  maxEntries: 2_048,
  maxKeyLength: 512,
  maxTotalKeyLength: 256 * 1024,
};

const cache = new BoundedCache<PatchPath>(PATCH_PATH_CACHE_LIMITS);

/** The cache itself, for tests: its size and total key length stay within the limits. */
export const patchPathCache: Pick<BoundedCache<PatchPath>, 'size' | 'totalKeyLength'> = cache;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * parsePatchPath with memoisation. The returned AST is frozen and may be shared between requests.
 * @throws ScimError invalidPath, exactly as parsePatchPath (errors are not cached).
 */
export function parsePatchPathCached(text: string): PatchPath {
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  const parsed = parsePatchPath(text);
  if (text.length > PATCH_PATH_CACHE_LIMITS.maxKeyLength) return parsed;
  cache.set(text, deepFreeze(parsed));
  return parsed;
}
