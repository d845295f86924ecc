import { ScimError } from '../../scim/scim-error.js';
import type { JsonObject, JsonValue } from '../../shared/json.js';
import { isJsonObject } from '../../shared/json.js';
import type { ResourceKind } from '../directory-store.js';
import { sealPassword } from './user-password.js';

/** The indexed columns extracted from a resource's attributes (see database-types.ts). */
export interface ExtractedColumns {
  readonly user_name: string | null;
  readonly external_id: string | null;
  readonly display_name: string | null;
  readonly active: number | null;
  readonly reference_display: string | null;
}

/** One row of resource_emails, before the resource id is attached. */
export interface ExtractedEmail {
  readonly position: number;
  readonly value: string | null;
  readonly type: string | null;
  readonly is_primary: number | null;
}

/**
 * Folds a case-insensitive value for storage and comparison. Both sides of every comparison go
 * through this one function, so SQL and the in-memory evaluator agree on what "equal" means.
 */
export function fold(value: string): string {
  return value.toLowerCase();
}

/** Top-level attribute lookup, case-insensitive (RFC 7643 §2.1). */
export function attributeOf(attributes: JsonObject, name: string): JsonValue | undefined {
  if (name in attributes) return attributes[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(attributes)) {
    if (key.toLowerCase() === lower) return attributes[key];
  }
  return undefined;
}

function stringOrNull(value: JsonValue | undefined): string | null {
  return typeof value === 'string' ? value : null;
}

/** Values of the extracted columns for a resource's attributes. */
export function extractColumns(type: ResourceKind, attributes: JsonObject): ExtractedColumns {
  const userName = type === 'User' ? stringOrNull(attributeOf(attributes, 'userName')) : null;
  if (type === 'User' && (userName === null || userName.trim() === '')) {
    // RFC 7643 §4.1.1: REQUIRED. The server's validation says so first; the store holds to it so
    // that every user has a user_name and lists sort by it straight from its unique index. An
    // empty or blank one is no name: `userName pr` would not see it (RFC 7644 §3.4.2.2).
    throw ScimError.badRequest('invalidValue', 'a User needs a non-empty "userName" string');
  }
  const displayName = stringOrNull(attributeOf(attributes, 'displayName'));
  if (type === 'Group' && (displayName === null || displayName.trim() === '')) {
    // RFC 7643 §4.2: REQUIRED, and unique among groups (its own index).
    throw ScimError.badRequest('invalidValue', 'a Group needs a non-empty "displayName" string');
  }
  const active = type === 'User' ? attributeOf(attributes, 'active') : undefined;
  return {
    user_name: userName === null ? null : fold(userName),
    external_id: stringOrNull(attributeOf(attributes, 'externalId')),
    display_name: displayName === null ? null : fold(displayName),
    active: typeof active === 'boolean' ? (active ? 1 : 0) : null,
    reference_display: referenceDisplay(attributes),
  };
}

/**
 * The `display` of a reference to a resource with these attributes (members, groups): its
 * displayName, else its userName, by their exact names as the members query read them from the
 * JSON before migration 7 stored this; only strings count, as in that migration's back-fill.
 */
export function referenceDisplay(attributes: JsonObject): string | null {
  const displayName = attributes.displayName;
  if (typeof displayName === 'string') return displayName;
  const userName = attributes.userName;
  return typeof userName === 'string' ? userName : null;
}

/** Rows for resource_emails: every email object, values and types folded. */
export function extractEmails(type: ResourceKind, attributes: JsonObject): ExtractedEmail[] {
  if (type !== 'User') return [];
  const emails = attributeOf(attributes, 'emails');
  if (!Array.isArray(emails)) return [];
  const rows: ExtractedEmail[] = [];
  emails.forEach((email, position) => {
    if (!isJsonObject(email)) return;
    const value = attributeOf(email, 'value');
    const emailType = attributeOf(email, 'type');
    const primary = attributeOf(email, 'primary');
    rows.push({
      position,
      value: typeof value === 'string' ? fold(value) : null,
      type: typeof emailType === 'string' ? fold(emailType) : null,
      is_primary: typeof primary === 'boolean' ? (primary ? 1 : 0) : null,
    });
  });
  return rows;
}

/**
 * Attributes without `members` (kept in group_members) and other keys the store owns, with a
 * cleartext password replaced by its hash (user-password.ts).
 */
export function storableAttributes(attributes: JsonObject): {
  stored: JsonObject;
  members: JsonValue | undefined;
} {
  const stored: JsonObject = {};
  let members: JsonValue | undefined;
  for (const [key, value] of Object.entries(attributes)) {
    const lower = key.toLowerCase();
    if (lower === 'members') members = value;
    else if (lower === 'id' || lower === 'meta' || lower === 'schemas' || lower === 'groups') continue;
    else stored[key] = value;
  }
  return { stored: sealPassword(stored), members };
}

/** Deep equality of JSON values (object key order ignored). */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isJsonObject(a)) {
    if (!isJsonObject(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => key in b && jsonEqual(a[key], b[key]));
  }
  return false;
}

/** Names of top-level attributes that differ between two attribute sets. */
export function changedAttributeNames(before: JsonObject, after: JsonObject): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => !jsonEqual(before[name], after[name])).sort();
}
