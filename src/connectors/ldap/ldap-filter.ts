/**
 * Search filters built from values the connector does not control (a userName from the directory,
 * an id from the engine's link). Every value goes through `escapeFilterValue` (RFC 4515 §3), so
 * `*)(uid=*` is a literal string to match, never filter syntax.
 */

/**
 * Escapes one assertion value for a filter string (RFC 4515 §3): `*`, `(`, `)`, `\` and NUL become
 * `\2a`, `\28`, `\29`, `\5c`, `\00`. Every other character, non-ASCII included, is allowed as UTF-8
 * and kept as it is (escaping UTF-8 bytes one by one would be valid too, but some client parsers,
 * ldapts's among them, decode a `\xx` escape as one character rather than one byte).
 */
export function escapeFilterValue(value: string): string {
  if (!FILTER_SPECIAL.test(value)) return value;
  let escaped = '';
  for (const char of value) {
    switch (char) {
      case '*':
        escaped += '\\2a';
        break;
      case '(':
        escaped += '\\28';
        break;
      case ')':
        escaped += '\\29';
        break;
      case '\\':
        escaped += '\\5c';
        break;
      case '\0':
        escaped += '\\00';
        break;
      default:
        escaped += char;
    }
  }
  return escaped;
}

const FILTER_SPECIAL = /[*()\\\0]/;

const ATTRIBUTE_DESCRIPTION = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)(?:;[A-Za-z0-9-]+)*$/;

/** True for an attribute description a filter or DN may name (RFC 4512 §2.5: a name or an OID, with options). */
export function isAttributeDescription(name: string): boolean {
  // Every DN built or read names the same few types (uid, cn, ou, dc) over and over.
  if (KNOWN_DESCRIPTIONS.has(name)) return true;
  if (!ATTRIBUTE_DESCRIPTION.test(name)) return false;
  if (KNOWN_DESCRIPTIONS.size < KNOWN_DESCRIPTIONS_LIMIT) KNOWN_DESCRIPTIONS.add(name);
  return true;
}

const KNOWN_DESCRIPTIONS = new Set<string>();
const KNOWN_DESCRIPTIONS_LIMIT = 256;

/** `(attribute=value)` with the value escaped; the attribute must be a valid description. */
export function equalityFilter(attribute: string, value: string): string {
  if (!isAttributeDescription(attribute)) throw new TypeError(`'${attribute}' is not an LDAP attribute name`);
  return `(${attribute}=${escapeFilterValue(value)})`;
}

/** `(&f1f2...)`, or the one filter when there is one. */
export function andFilter(filters: string[]): string {
  return filters.length === 1 ? filters[0]! : `(&${filters.join('')})`;
}

/** `(objectClass=a)(objectClass=b)...` joined with `and`, for the object classes of a type. */
export function objectClassFilter(objectClasses: readonly string[]): string {
  return andFilter(objectClasses.map((objectClass) => equalityFilter('objectClass', objectClass)));
}
