/**
 * `sortBy` / `sortOrder` (RFC 7644 §3.4.2.3): strings compare case-insensitively unless the
 * attribute is caseExact, by code point with no locale; a multi-valued attribute sorts by its
 * primary value, else its first; resources without a value sort last when ascending and first when
 * descending; dateTimes compare as instants. The sort is stable.
 */
import type { JsonObject, JsonValue } from '../../shared/json.js';
import { isJsonObject } from '../../shared/json.js';
import { ScimError } from '../scim-error.js';
import type { AttributeResolver, ResolvedAttribute } from '../schema/schema-types.js';
import { parseAttributeSelector, type AttributeSelector } from './attribute-list.js';

export type SortOrder = 'ascending' | 'descending';

/** Parses `sortOrder` (case-insensitive); absent means ascending (RFC 7644 §3.4.2.3). */
export function parseSortOrder(text: string | undefined): SortOrder {
  if (text === undefined) return 'ascending';
  const lower = text.toLowerCase();
  if (lower === 'ascending' || lower === 'descending') return lower;
  throw ScimError.invalidValue(
    `sortOrder: expected "ascending" or "descending", got ${JSON.stringify(text)}`,
  );
}

type SortKey = string | number | undefined;

/** Case-insensitive own-property lookup, exact spelling first (never an inherited member). */
function getProperty(obj: JsonObject, name: string): JsonValue | undefined {
  if (Object.hasOwn(obj, name)) return obj[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k];
  return undefined;
}

function resolveSortBy(resolver: AttributeResolver, sortBy: string | AttributeSelector): ResolvedAttribute {
  const selector = typeof sortBy === 'string' ? parseAttributeSelector(sortBy.trim(), 'sortBy') : sortBy;
  const resolved = resolver.resolve(selector.uri, selector.name, selector.subAttr);
  if (!resolved) throw ScimError.invalidValue(`sortBy: unknown attribute ${JSON.stringify(selector.text)}`);
  return resolved;
}

/** Extracts the comparable key of one resource for the resolved sortBy attribute. */
function makeKeyExtractor(resolved: ResolvedAttribute): (resource: JsonObject) => SortKey {
  const attr = resolved.attribute;
  // RFC 7644 §3.4.2.3: a complex attribute is sorted by a sub-attribute; for the common
  // multi-valued shape that is `value` when none is named.
  const subName = resolved.subAttribute?.name ?? (attr.type === 'complex' ? 'value' : undefined);
  const leaf = resolved.subAttribute ?? attr.subAttributes?.find((s) => s.name === subName) ?? attr;
  const toKey = (v: JsonValue | undefined): SortKey => {
    if (v === undefined || v === null) return undefined;
    switch (typeof v) {
      case 'string':
        if (leaf.type === 'dateTime') {
          const t = Date.parse(v);
          return Number.isNaN(t) ? v : t;
        }
        return leaf.caseExact ? v : v.toLowerCase();
      case 'number':
        return v;
      case 'boolean':
        return v ? 1 : 0;
      default:
        return undefined;
    }
  };
  return (resource) => {
    let container: JsonObject | undefined = resource;
    if (resolved.isExtension) {
      const ext = getProperty(resource, resolved.schema);
      container = isJsonObject(ext) ? ext : undefined;
    }
    if (!container) return undefined;
    let value = getProperty(container, attr.name);
    if (Array.isArray(value)) {
      const primary = value.find((v) => isJsonObject(v) && v.primary === true);
      value = primary ?? value[0];
    }
    if (subName !== undefined) value = isJsonObject(value) ? getProperty(value, subName) : undefined;
    return toKey(value);
  };
}

function compareKeys(a: SortKey, b: SortKey): number {
  if (a === undefined) return b === undefined ? 0 : 1;
  if (b === undefined) return -1;
  if (typeof a === typeof b) return a < b ? -1 : a > b ? 1 : 0;
  // Mixed types (bad stored data): numbers before strings, deterministically.
  return typeof a === 'number' ? -1 : 1;
}

/**
 * A comparator for `sortBy` on resources of the resolver's type. Prefer sortResources for whole
 * lists: it extracts each key once instead of once per comparison.
 */
export function compareBy(
  sortBy: string | AttributeSelector,
  resolver: AttributeResolver,
  sortOrder: SortOrder = 'ascending',
): (a: JsonObject, b: JsonObject) => number {
  const key = makeKeyExtractor(resolveSortBy(resolver, sortBy));
  const sign = sortOrder === 'descending' ? -1 : 1;
  return (a, b) => sign * compareKeys(key(a), key(b));
}

/** Returns a new array sorted by `sortBy` (stable; the input is not modified). */
export function sortResources<T extends JsonObject>(
  resources: readonly T[],
  sortBy: string | AttributeSelector,
  resolver: AttributeResolver,
  sortOrder: SortOrder = 'ascending',
): T[] {
  const key = makeKeyExtractor(resolveSortBy(resolver, sortBy));
  const sign = sortOrder === 'descending' ? -1 : 1;
  const decorated = resources.map((resource, index) => ({ resource, index, key: key(resource) }));
  decorated.sort((a, b) => sign * compareKeys(a.key, b.key) || a.index - b.index);
  return decorated.map((d) => d.resource);
}
