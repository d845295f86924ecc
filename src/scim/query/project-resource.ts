/**
 * Shapes a resource for a response (RFC 7644 §3.4.2.5 and §3.9) by the `returned` characteristic
 * (RFC 7643 §2.2 / §7):
 * - always: returned whatever the request says (id);
 * - never: never returned (password);
 * - default: returned unless `attributes` is given and does not name it, or `excludedAttributes` does;
 * - request: returned only when `attributes` names it.
 * Naming `name.givenName` returns `name` with only that sub-attribute; naming a complex attribute
 * returns its default sub-attributes; naming a schema URN returns that whole extension; naming
 * `emails[type eq "work"]` (a tolerance, attribute-list.ts) returns only the matching values, and
 * in excludedAttributes leaves them out.
 *
 * Compile once per request with compileProjection and apply per resource: list responses project
 * many resources with the same parameters. Values that are kept whole are shared, not copied.
 */
import type { JsonObject, JsonValue } from '../../shared/json.js';
import { isJsonObject } from '../../shared/json.js';
import type { AttributeDefinition, AttributeResolver, ResolvedAttribute } from '../schema/schema-types.js';
import type { Filter } from '../filter/filter-ast.js';
import { compileValueFilter, type ValuePredicate } from '../filter/filter-compiler.js';
import { normaliseValueFilter } from '../filter/filter-normalise.js';
import { SchemaAttributeResolver } from '../schema/compiled-resource-type.js';
import { parseAttributeList, type AttributeSelector } from './attribute-list.js';

/** The two request parameters; strings are parsed with parseAttributeList. */
export interface ProjectionOptions {
  attributes?: readonly AttributeSelector[] | string | undefined;
  excludedAttributes?: readonly AttributeSelector[] | string | undefined;
}

/**
 * What one parameter selects of one attribute. `all` applies to every value: the selected
 * sub-attributes, `undefined` for the whole attribute, `null` when only value filters name it.
 * `filtered` are the `emails[type eq "work"]` entries (attribute-list.ts tolerance): their
 * sub-attributes apply to the values their filter matches.
 */
interface AttributeSelection {
  all: Set<string> | undefined | null;
  readonly filtered: FilteredSelection[];
}

interface FilteredSelection {
  readonly match: ValuePredicate;
  /** Lower-cased sub-attribute names; undefined for the whole value. */
  readonly subs: Set<string> | undefined;
}

interface Selection {
  /**
   * Keyed by the attribute definition, which the resolver hands out as one shared object per
   * attribute, so matching costs no string building.
   */
  readonly attributes: Map<AttributeDefinition, AttributeSelection>;
  /** Lower-cased schema URNs selected as a whole. */
  readonly schemas: Set<string>;
}

/** A projection compiled from the request parameters. */
export interface Projection {
  apply(resource: JsonObject): JsonObject;
}

function toSelectors(
  value: readonly AttributeSelector[] | string | undefined,
  parameter: string,
): readonly AttributeSelector[] | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? parseAttributeList(value, parameter) : value;
  return list.length === 0 ? undefined : list;
}

/** The predicate of a selector's value filter, its literals typed by the attribute's schema. */
function valuePredicate(resolver: AttributeResolver, s: AttributeSelector, resolved: ResolvedAttribute) {
  let filter = s.filter as Filter;
  if (resolver instanceof SchemaAttributeResolver) {
    const compiled = resolver.attribute(s.uri, s.name);
    if (compiled) filter = normaliseValueFilter(filter, compiled, { unknown: 'keep' });
  }
  return compileValueFilter(filter, { ...resolved, subAttribute: undefined });
}

function compileSelection(resolver: AttributeResolver, selectors: readonly AttributeSelector[]): Selection {
  const selection: Selection = { attributes: new Map(), schemas: new Set() };
  for (const s of selectors) {
    const resolved = resolver.resolve(s.uri, s.name, s.subAttr);
    if (!resolved) {
      // Not an attribute: a bare schema URN selects that schema; anything else names nothing
      // this resource type has (the server refuses such names before it gets here).
      if (s.uri !== undefined && s.subAttr === undefined && s.filter === undefined)
        selection.schemas.add(s.text.toLowerCase());
      continue;
    }
    const key = resolved.attribute;
    let entry = selection.attributes.get(key);
    if (entry === undefined) {
      entry = { all: null, filtered: [] };
      selection.attributes.set(key, entry);
    }
    const sub = resolved.subAttribute?.name.toLowerCase();
    if (s.filter !== undefined) {
      const match = valuePredicate(resolver, s, resolved);
      entry.filtered.push({ match, subs: sub === undefined ? undefined : new Set([sub]) });
    } else if (sub === undefined) {
      entry.all = undefined;
    } else if (entry.all !== undefined) {
      entry.all ??= new Set<string>();
      entry.all.add(sub);
    }
  }
  return selection;
}

/** Compiles `attributes` / `excludedAttributes` for one resource type. Throws ScimError invalidPath on bad paths. */
export function compileProjection(resolver: AttributeResolver, options: ProjectionOptions = {}): Projection {
  const included = toSelectors(options.attributes, 'attributes');
  const excluded = toSelectors(options.excludedAttributes, 'excludedAttributes');
  const inc = included ? compileSelection(resolver, included) : undefined;
  const exc = excluded ? compileSelection(resolver, excluded) : undefined;

  /** The projected value of one attribute, or undefined to leave it out. */
  function project(resolved: ResolvedAttribute, value: JsonValue): JsonValue | undefined {
    const def = resolved.attribute;
    if (def.returned === 'never') return undefined;
    if (def.returned === 'always') return filterSubs(def, value, undefined, undefined);
    let included: AttributeSelection | undefined;
    if (inc) {
      const whole = inc.schemas.size > 0 && inc.schemas.has(resolved.schema.toLowerCase());
      if (!whole) {
        included = inc.attributes.get(def);
        if (included === undefined) return undefined;
      }
    } else if (def.returned === 'request') {
      return undefined;
    }
    let excluded: AttributeSelection | undefined;
    if (exc) {
      if (exc.schemas.size > 0 && exc.schemas.has(resolved.schema.toLowerCase())) return undefined;
      excluded = exc.attributes.get(def);
      if (excluded !== undefined && excluded.all === undefined) return undefined;
    }
    if (included?.filtered.length || excluded?.filtered.length) {
      return filterValues(def, value, included, excluded);
    }
    return filterSubs(def, value, included?.all ?? undefined, excluded?.all ?? undefined);
  }

  return {
    apply(resource: JsonObject): JsonObject {
      const out: JsonObject = {};
      let droppedExtension: Set<string> | undefined;
      for (const key of Object.keys(resource)) {
        const value = resource[key] as JsonValue;
        if (key === 'schemas') {
          out.schemas = value;
          continue;
        }
        const resolved = resolver.resolve(undefined, key);
        if (resolved && !resolved.isExtension) {
          const projected = project(resolved, value);
          if (projected !== undefined) out[key] = projected;
          continue;
        }
        if (isJsonObject(value) && key.length > 4 && key.slice(0, 4).toLowerCase() === 'urn:') {
          const ext: JsonObject = {};
          let any = false;
          for (const name of Object.keys(value)) {
            const r = resolver.resolve(key, name);
            if (!r) continue;
            const projected = project(r, value[name] as JsonValue);
            if (projected !== undefined) {
              ext[name] = projected;
              any = true;
            }
          }
          if (any) out[key] = ext;
          else (droppedExtension ??= new Set()).add(key.toLowerCase());
          continue;
        }
        // Data the schema does not describe is returned only when nothing was selected.
        if (!inc) out[key] = value;
      }
      // An extension left out of the body is left out of `schemas` too (RFC 7643 §3).
      if (droppedExtension && Array.isArray(out.schemas)) {
        const dropped = droppedExtension;
        out.schemas = out.schemas.filter((s) => typeof s !== 'string' || !dropped.has(s.toLowerCase()));
      }
      return out;
    },
  };
}

/** Applies sub-attribute selection and sub-attribute `returned` to a complex value. */
function filterSubs(
  def: AttributeDefinition,
  value: JsonValue,
  include: Set<string> | undefined,
  exclude: Set<string> | undefined,
): JsonValue | undefined {
  if (def.type !== 'complex' || !def.subAttributes) return value;
  const info = subInfo(def);
  if (include === undefined && exclude === undefined && !info.hidesSome) return value;
  const one = (item: JsonValue): JsonObject | undefined => {
    if (!isJsonObject(item)) return undefined;
    const out: JsonObject = {};
    let any = false;
    for (const k of Object.keys(item)) {
      const sub = info.byName.get(k) ?? info.byName.get(k.toLowerCase());
      if (sub && !keepSub(sub, sub.name.toLowerCase(), include, exclude)) continue;
      if (!sub && include) continue;
      out[k] = item[k] as JsonValue;
      any = true;
    }
    return any ? out : undefined;
  };
  if (Array.isArray(value)) {
    const out: JsonValue[] = [];
    for (const item of value) {
      const projected = one(item);
      if (projected) out.push(projected);
    }
    return out.length > 0 ? out : undefined;
  }
  return one(value);
}

/**
 * Projection of an attribute some selector names with a value filter: each value is kept or
 * dropped, and its sub-attributes chosen, by the entries whose filter it matches.
 */
function filterValues(
  def: AttributeDefinition,
  value: JsonValue,
  included: AttributeSelection | undefined,
  excluded: AttributeSelection | undefined,
): JsonValue | undefined {
  const one = (item: JsonValue): JsonValue | undefined => {
    let include: Set<string> | undefined;
    if (included !== undefined) {
      let any = included.all !== null;
      let whole = included.all === undefined;
      include = included.all === null || included.all === undefined ? undefined : new Set(included.all);
      for (const entry of included.filtered) {
        if (!entry.match(item)) continue;
        any = true;
        if (entry.subs === undefined) whole = true;
        else for (const sub of entry.subs) (include ??= new Set()).add(sub);
      }
      if (!any) return undefined;
      if (whole) include = undefined;
    }
    let exclude: Set<string> | undefined = excluded?.all ?? undefined;
    if (excluded !== undefined) {
      for (const entry of excluded.filtered) {
        if (!entry.match(item)) continue;
        if (entry.subs === undefined) return undefined;
        exclude = new Set([...(exclude ?? []), ...entry.subs]);
      }
    }
    return filterSubs(def, item, include, exclude);
  };
  if (!Array.isArray(value)) return one(value);
  const out: JsonValue[] = [];
  for (const item of value) {
    const projected = one(item);
    if (projected !== undefined) out.push(projected);
  }
  return out.length > 0 ? out : undefined;
}

interface SubInfo {
  readonly byName: ReadonlyMap<string, AttributeDefinition>;
  /** True when some sub-attribute is returned "never" or "request", so values need filtering. */
  readonly hidesSome: boolean;
}
const subInfoCache = new WeakMap<AttributeDefinition, SubInfo>();

function subInfo(def: AttributeDefinition): SubInfo {
  let info = subInfoCache.get(def);
  if (!info) {
    const byName = new Map<string, AttributeDefinition>();
    for (const sub of def.subAttributes ?? []) {
      byName.set(sub.name, sub);
      byName.set(sub.name.toLowerCase(), sub);
    }
    const hidesSome = (def.subAttributes ?? []).some(
      (s) => s.returned === 'never' || s.returned === 'request',
    );
    info = { byName, hidesSome };
    subInfoCache.set(def, info);
  }
  return info;
}

function keepSub(
  sub: AttributeDefinition,
  lower: string,
  include: Set<string> | undefined,
  exclude: Set<string> | undefined,
): boolean {
  if (sub.returned === 'never') return false;
  if (sub.returned === 'always') return true;
  if (include) return include.has(lower);
  if (sub.returned === 'request') return false;
  return !exclude?.has(lower);
}

/** One-off projection of a single resource; see compileProjection for lists. */
export function projectResource(
  resource: JsonObject,
  resolver: AttributeResolver,
  options: ProjectionOptions = {},
): JsonObject {
  return compileProjection(resolver, options).apply(resource);
}
