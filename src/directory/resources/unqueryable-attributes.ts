import type { AttrPath, Filter } from '../../scim/filter/filter-ast.js';
import { parseAttrPath } from '../../scim/filter/filter-parser.js';
import { printAttrPath } from '../../scim/filter/filter-printer.js';
import { ScimError } from '../../scim/scim-error.js';
import { SchemaUrn } from '../../scim/schema/schema-types.js';
import type { AttributeResolver } from '../../scim/schema/schema-types.js';
import type { ListQuery, ResourceKind } from '../directory-store.js';

/**
 * Attributes a list may neither filter nor sort by: those returned "never" (RFC 7643 §7), of which
 * the core schemas have one, a user's `password`. The store keeps only a hash of it
 * (user-password.ts), so a filter could never match the cleartext; and a filter or a sort order
 * over such a value would let a client learn what it may never read.
 */
function isNeverReturned(
  path: AttrPath,
  type: ResourceKind,
  resolver: AttributeResolver | undefined,
): boolean {
  const resolved = resolver?.resolve(path.uri, path.name, path.subAttr);
  if (resolved) {
    return resolved.attribute.returned === 'never' || resolved.subAttribute?.returned === 'never';
  }
  const core = type === 'User' ? SchemaUrn.user : SchemaUrn.group;
  const inCore = path.uri === undefined || path.uri.toLowerCase() === core.toLowerCase();
  return type === 'User' && inCore && path.name.toLowerCase() === 'password';
}

function checkFilter(filter: Filter, type: ResourceKind, resolver: AttributeResolver | undefined): void {
  switch (filter.kind) {
    case 'and':
    case 'or':
      checkFilter(filter.left, type, resolver);
      checkFilter(filter.right, type, resolver);
      return;
    case 'not':
      checkFilter(filter.filter, type, resolver);
      return;
    case 'compare':
    case 'present':
    case 'valuePath':
      // A value path's inner filter names sub-attributes of its attribute, which is checked here.
      if (isNeverReturned(filter.path, type, resolver)) {
        throw ScimError.invalidFilter(
          `"${printAttrPath(filter.path)}" is never returned, so it cannot be used in a filter`,
        );
      }
  }
}

/**
 * A sortBy the resource type does not define whose lower-cased text is a member of
 * Object.prototype (`constructor`, `__proto__`). The server refuses unknown names before a query
 * reaches the store (scim/query/query-names.ts); this keeps direct callers of the store from
 * reaching a lookup of such a name in a plain object, which finds the inherited member.
 */
function isInheritedName(path: AttrPath, resolver: AttributeResolver | undefined): boolean {
  const text = printAttrPath(path).toLowerCase();
  if (!(text in Object.prototype) && !(path.name.toLowerCase() in Object.prototype)) return false;
  return resolver?.resolve(path.uri, path.name, path.subAttr) === undefined;
}

/** Throws 400 when `query` filters or sorts by an attribute that is never returned. */
export function refuseUnqueryableAttributes(
  query: ListQuery,
  type: ResourceKind,
  resolver: AttributeResolver | undefined,
): void {
  if (query.filter) checkFilter(query.filter, type, resolver);
  if (query.sortBy !== undefined) {
    const path = parseAttrPath(query.sortBy);
    if (isInheritedName(path, resolver)) {
      throw ScimError.invalidValue(`sortBy "${query.sortBy}": no such attribute`);
    }
    if (isNeverReturned(path, type, resolver)) {
      throw ScimError.invalidValue(
        `sortBy "${query.sortBy}": the attribute is never returned, so it cannot sort`,
      );
    }
  }
}
