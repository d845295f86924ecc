/**
 * Filters as real clients send them. Two tolerances, both documented in docs/scim-server.md:
 * - bare (unquoted) values where unambiguous, `externalId eq jyoung` (Entra ID's documentation);
 * - a sub-attribute after a value filter as the whole filter, `emails[type eq "work"].value eq "x"`,
 *   which Entra ID uses to match users by work email. RFC 7644 §3.4.2.2 allows that form only in
 *   PATCH paths; it means `emails[type eq "work" and value eq "x"]`, and is read so.
 */
import type { Filter } from '../scim/filter/filter-ast.js';
import { parseFilter } from '../scim/filter/filter-parser.js';
import { isScimError } from '../scim/scim-error.js';

const SUB_AFTER_VALUE_FILTER =
  /^\s*((?:urn:[^\s[\]]+:)?[A-Za-z][\w$-]*)\[([^\][]+)\]\.([A-Za-z][\w$-]*)\s+(eq|ne|co|sw|ew|gt|ge|lt|le|pr)\b(.*)$/i;

/** Parses a request's filter with the tolerances above; errors are those of the literal text. */
export function parseRequestFilter(text: string): Filter {
  try {
    return parseFilter(text, { allowBareValues: true });
  } catch (error) {
    if (!isScimError(error)) throw error;
    const match = SUB_AFTER_VALUE_FILTER.exec(text);
    if (!match) throw error;
    const [, attribute, inner, sub, op, rest] = match;
    try {
      return parseFilter(`${attribute}[(${inner}) and ${sub} ${op}${rest}]`, { allowBareValues: true });
    } catch {
      throw error;
    }
  }
}
