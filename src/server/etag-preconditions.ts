/**
 * Conditional requests with weak ETags `W/"<version>"` (RFC 7644 §3.14, RFC 9110 §13.1). Weak
 * comparison is used throughout: `"3"` and `W/"3"` both name version 3.
 */
import { ScimError } from '../scim/scim-error.js';

/** A parsed If-Match / If-None-Match header. */
export type EtagCondition =
  | { readonly kind: 'any' }
  /** The versions listed; an entity tag that is not one of ours parses to no version (never matches). */
  | { readonly kind: 'versions'; readonly versions: readonly number[] };

const TAG = /\s*(?:W\/)?"([^"]*)"\s*(?:,|$)/gy;

/** Parses a header; undefined when absent or empty. Throws 400 invalidValue when malformed. */
export function parseEtagCondition(
  header: string | string[] | undefined,
  name: string,
): EtagCondition | undefined {
  if (header === undefined) return undefined;
  const text = (Array.isArray(header) ? header.join(',') : header).trim();
  if (text.length === 0) return undefined;
  if (text === '*') return { kind: 'any' };
  const versions: number[] = [];
  TAG.lastIndex = 0;
  let consumed = 0;
  for (let match = TAG.exec(text); match; match = TAG.exec(text)) {
    consumed = TAG.lastIndex;
    const value = match[1]!;
    if (/^\d{1,15}$/.test(value)) versions.push(Number(value));
    if (TAG.lastIndex >= text.length) break;
  }
  if (consumed < text.length)
    throw ScimError.invalidValue(`${name}: not a list of entity tags: ${JSON.stringify(text)}`);
  return { kind: 'versions', versions };
}

/** True when the condition names `version` (weak comparison). */
export function conditionMatches(condition: EtagCondition, version: number): boolean {
  return condition.kind === 'any' || condition.versions.includes(version);
}

/**
 * The version to hand to the store for an If-Match write: the single version listed, or, for a
 * list, whichever matches `current` (read first by the caller). Throws 412 when nothing can match.
 */
export function ifMatchVersion(condition: EtagCondition | undefined, current?: number): number | undefined {
  if (condition === undefined || condition.kind === 'any') return undefined;
  if (condition.versions.length === 1) return condition.versions[0];
  if (current !== undefined && condition.versions.includes(current)) return current;
  throw ScimError.preconditionFailed('If-Match: no listed entity tag matches the current version');
}
