import type { JsonObject, JsonValue } from '../../shared/json.js';
import { isJsonObject } from '../../shared/json.js';
import type { AttrPath } from '../../scim/filter/filter-ast.js';
import { getAttributeCaseInsensitive } from '../../scim/filter/attribute-lookup.js';
import type { AttributeResolver } from '../../scim/schema/schema-types.js';

type SortKey = string | number | boolean | undefined;

function firstValue(value: JsonValue | undefined): JsonValue | undefined {
  if (!Array.isArray(value)) return value;
  // RFC 7644 §3.4.2.3: a multi-valued attribute sorts by its primary value, else its first.
  const primary = value.find((v) => isJsonObject(v) && getAttributeCaseInsensitive(v, 'primary') === true);
  return primary ?? value[0];
}

/** The value `path` selects in an in-memory resource (with `meta` and `id` attached). */
function valueAt(resource: JsonObject, path: AttrPath): JsonValue | undefined {
  let holder: JsonValue | undefined = resource;
  if (path.uri !== undefined && isJsonObject(resource)) {
    const extension = getAttributeCaseInsensitive(resource, path.uri);
    if (extension !== undefined) holder = extension;
  }
  if (!isJsonObject(holder)) return undefined;
  let value = firstValue(getAttributeCaseInsensitive(holder, path.name));
  if (path.subAttr !== undefined) {
    value = isJsonObject(value) ? getAttributeCaseInsensitive(value, path.subAttr) : undefined;
  } else if (isJsonObject(value)) {
    value = getAttributeCaseInsensitive(value, 'value');
  }
  return value;
}

/**
 * A comparator for in-memory sorting by an attribute path (RFC 7644 §3.4.2.3): strings compare
 * case-insensitively unless the attribute is caseExact, and resources without a value sort last in
 * both orders, matching the SQL path (`NULLS LAST`). Ties break on id so pages are stable.
 */
export function resourceComparator(
  path: AttrPath,
  descending: boolean,
  resolver: AttributeResolver | undefined,
): (a: JsonObject, b: JsonObject) => number {
  const resolved = resolver?.resolve(path.uri, path.name, path.subAttr);
  const definition = resolved?.subAttribute ?? resolved?.attribute;
  const caseExact = definition?.caseExact ?? ['id', 'externalid'].includes(path.name.toLowerCase());
  const key = (resource: JsonObject): SortKey => {
    const value = valueAt(resource, path);
    if (typeof value === 'string') return caseExact ? value : value.toLowerCase();
    if (typeof value === 'number' || typeof value === 'boolean') return value;
    return undefined;
  };
  const keys = new WeakMap<JsonObject, SortKey>();
  const keyOf = (resource: JsonObject): SortKey => {
    if (!keys.has(resource)) keys.set(resource, key(resource));
    return keys.get(resource);
  };
  return (a, b) => {
    const ka = keyOf(a);
    const kb = keyOf(b);
    if (ka === undefined || kb === undefined) {
      if (ka !== kb) return ka === undefined ? 1 : -1;
    } else if (ka !== kb) {
      const order = typeof ka === typeof kb ? (ka < kb ? -1 : 1) : typeof ka < typeof kb ? -1 : 1;
      return descending ? -order : order;
    }
    const ia = String(a.id);
    const ib = String(b.id);
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  };
}
