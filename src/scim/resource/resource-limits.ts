/**
 * Size limits on what a client may store, checked in POST, PUT and PATCH (and so in Bulk, which
 * runs the same operations). Without them a single request could store a 1,000,000-character
 * userName or a 100,000-value attribute, which every later read, list page, feed entry and
 * connector would pay for. A value over a limit is refused with 400 invalidValue naming the
 * attribute and the limit; nothing is truncated. docs/scim-server.md ("Limits") lists them.
 */
import type { AttributeDefinition } from '../schema/schema-types.js';

/**
 * Longest ordinary string, reference or dateTime value, in UTF-16 code units (JavaScript's
 * `length`). 4,096 holds any URL, address, title or description an identity provider sends
 * (Entra's longest directory strings are 1,024) with room to spare.
 */
export const MAX_STRING_LENGTH = 4096;

/**
 * Longest userName, displayName, externalId and email address. These are indexed columns: a
 * PostgreSQL b-tree entry may not exceed about 2,700 bytes, and 512 code units are at most 1,536
 * bytes of UTF-8, so no accepted value can fail in the index. Entra's userPrincipalName is at most
 * 113 characters and its displayName 256.
 */
export const MAX_INDEXED_STRING_LENGTH = 512;

/** Longest binary value (base64 text), e.g. an x509 certificate chain or a small photo. */
export const MAX_BINARY_LENGTH = 65_536;

/** Most values of one multi-valued attribute (emails, phoneNumbers, roles ...), group members aside. */
export const MAX_VALUES_PER_ATTRIBUTE = 1000;

/**
 * Most group members one request may set, add or remove. It equals MAX_PATCH_OPERATIONS, so a
 * client adding members one per operation meets the same bound. 10,000 member values are about
 * 500 KB of JSON, inside the default 1 MiB body limit; larger groups are built over several
 * requests (Entra adds members in batches of tens).
 */
export const MAX_MEMBERS_PER_REQUEST = 10_000;

const INDEXED_TOP_LEVEL = new Set(['username', 'displayname', 'externalid']);

/**
 * The longest string `def` may hold; `parent` is the complex attribute when `def` is one of its
 * sub-attributes (an email's `value` is indexed, a member's `display` is not).
 */
export function maxStringLength(def: AttributeDefinition, parent?: AttributeDefinition): number {
  if (def.type === 'binary') return MAX_BINARY_LENGTH;
  const name = def.name.toLowerCase();
  if (parent === undefined)
    return INDEXED_TOP_LEVEL.has(name) ? MAX_INDEXED_STRING_LENGTH : MAX_STRING_LENGTH;
  if (name === 'value' && parent.name.toLowerCase() === 'emails') return MAX_INDEXED_STRING_LENGTH;
  return MAX_STRING_LENGTH;
}

/**
 * The most values the multi-valued attribute `def` may hold: a group's `members` is bounded per
 * request (the store writes members as rows, so a group may grow past it over several requests).
 */
export function maxValues(def: AttributeDefinition, schema: string): number {
  return isGroupMembers(def, schema) ? MAX_MEMBERS_PER_REQUEST : MAX_VALUES_PER_ATTRIBUTE;
}

/** True for a Group's `members`, whose bound is per request rather than per group. */
export function isGroupMembers(def: AttributeDefinition, schema: string): boolean {
  return def.name === 'members' && schema === 'urn:ietf:params:scim:schemas:core:2.0:Group';
}

/** What is wrong with a string over its limit. */
export function tooLongProblem(length: number, limit: number): string {
  return `${length} characters, more than the limit of ${limit}`;
}

/** The message of a string over its limit. */
export function tooLongMessage(where: string, length: number, limit: number): string {
  return `${where}: ${tooLongProblem(length, limit)}`;
}

/** The message of a multi-valued attribute over its limit. */
export function tooManyValuesMessage(where: string, count: number, limit: number): string {
  return `${where}: ${count} values, more than the limit of ${limit}`;
}
