/**
 * Compiled readers of source attributes. A name is resolved once, when a mapping or scoping filter
 * is compiled: first as an Entra name (entra-aliases.ts), then as a SCIM path checked against the
 * resource type's schema (`userName`, `name.givenName`, `emails[type eq "work"].value`, an
 * enterprise extension attribute by full URN or by its short name). Unknown names are rejected
 * then, with the closest known name; per object only the compiled closure runs.
 */
import type { JsonObject, JsonValue } from '../../shared/json.js';
import { isJsonObject } from '../../shared/json.js';
import { didYouMean } from '../../shared/did-you-mean.js';
import type { Filter, PatchPath } from '../../scim/filter/filter-ast.js';
import { parsePatchPath } from '../../scim/filter/filter-parser.js';
import { compileValueFilter } from '../../scim/filter/filter-compiler.js';
import { attributeContainer, getAttributeCaseInsensitive } from '../../scim/filter/attribute-lookup.js';
import { SchemaRegistry } from '../../scim/schema/schema-registry.js';
import type {
  CompiledAttribute,
  CompiledResourceType,
  SchemaAttributeResolver,
} from '../../scim/schema/compiled-resource-type.js';
import { ScimError } from '../../scim/scim-error.js';
import type { EntraAlias, SpecialAlias } from './entra-aliases.js';
import { entraAliasNames, findEntraAlias } from './entra-aliases.js';
import { SourceNameError } from './config-issue.js';
import type { SourceKind, SourceObject, SourceReference, SourceValue } from './source-object.js';
import { sourceReference } from './source-object.js';

/** Reads one source attribute of a source object. Never throws; absent is null. */
export type SourceReader = (source: SourceObject) => SourceValue;

/** Options shared by everything that compiles source names. */
export interface SourceSchemaOptions {
  /** The schemas source paths are checked against; defaults to RFC 7643's User, EnterpriseUser and Group. */
  readonly registry?: SchemaRegistry;
}

let coreRegistry: SchemaRegistry | undefined;

function typeFor(kind: SourceKind, options: SourceSchemaOptions): CompiledResourceType {
  const registry = options.registry ?? (coreRegistry ??= SchemaRegistry.withCoreSchemas());
  return registry.compiled(kind === 'user' ? 'User' : 'Group');
}

function resolverFor(kind: SourceKind, options: SourceSchemaOptions): SchemaAttributeResolver {
  return typeFor(kind, options).resolver;
}

/**
 * Compiles the reader for source attribute `name` of objects of `kind`.
 * @throws SourceNameError naming the problem, with a did-you-mean where one is close.
 */
export function compileSourceReader(
  kind: SourceKind,
  name: string,
  options: SourceSchemaOptions = {},
): SourceReader {
  if (typeof name !== 'string' || name.trim() === '')
    throw new SourceNameError('a source attribute name is required');
  const alias = findEntraAlias(kind, name);
  if (alias) return aliasReader(kind, alias, options);
  const resolver = resolverFor(kind, options);
  return pathReader(
    name,
    resolver,
    (hint) => unknownName(kind, name, options, hint),
    () => resolverSchemas(kind, options).names,
  );
}

/**
 * Every name a source of `kind` offers at the top level: Entra's aliases, the schema's attribute
 * names and its schema URNs (for `urn:...:User:employeeNumber`). The expression checker takes it to
 * suggest a name for a misspelt `[attribute]`.
 */
export function knownSourceNames(kind: SourceKind, options: SourceSchemaOptions = {}): string[] {
  const type = resolverSchemas(kind, options);
  return [...new Set([...entraAliasNames(kind), ...type.names, ...type.urns])];
}

function resolverSchemas(
  kind: SourceKind,
  options: SourceSchemaOptions,
): { names: string[]; urns: string[] } {
  const type = typeFor(kind, options);
  const names: string[] = [];
  const urns: string[] = [];
  for (const schema of [type.core, ...type.extensions]) {
    urns.push(schema.urn);
    for (const attribute of schema.attributeList) names.push(attribute.name);
  }
  return { names, urns };
}

function unknownName(
  kind: SourceKind,
  name: string,
  options: SourceSchemaOptions,
  hint: string | undefined,
): SourceNameError {
  const { names } = resolverSchemas(kind, options);
  const suggestion = hint ?? didYouMean(name, [...entraAliasNames(kind), ...names]);
  return new SourceNameError(
    `unknown source attribute '${name}'${suggestion ? `, did you mean '${suggestion}'?` : ''}`,
  );
}

function aliasReader(kind: SourceKind, alias: EntraAlias, options: SourceSchemaOptions): SourceReader {
  const resolver = resolverFor(kind, options);
  const fail = (): SourceNameError => new SourceNameError(`alias ${alias.name} does not resolve`);
  switch (alias.source.kind) {
    case 'path':
      return pathReader(alias.source.path, resolver, fail);
    case 'firstOf': {
      const readers = alias.source.paths.map((p) => pathReader(p, resolver, fail));
      return (source) => {
        for (const read of readers) {
          const value = read(source);
          if (value !== null && value !== '') return value;
        }
        return null;
      };
    }
    case 'special':
      return specialReader(alias.source.special, resolver);
  }
}

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function specialReader(special: SpecialAlias, resolver: SchemaAttributeResolver): SourceReader {
  switch (special) {
    case 'manager': {
      const readManager = pathReader(
        `${ENTERPRISE}:manager.value`,
        resolver,
        () => new SourceNameError('manager'),
      );
      return (source) => {
        const fromEngine = source.context.managerId;
        if (fromEngine === null) return null;
        const id = fromEngine ?? readManager(source);
        return typeof id === 'string' && id !== '' ? sourceReference('User', id) : null;
      };
    }
    case 'members':
      return (source) => {
        const members = getAttributeCaseInsensitive(source.resource, 'members');
        if (!Array.isArray(members)) return [];
        const refs: SourceReference[] = [];
        for (const member of members) {
          if (!isJsonObject(member)) continue;
          const id = getAttributeCaseInsensitive(member, 'value');
          if (typeof id !== 'string') continue;
          const type = getAttributeCaseInsensitive(member, 'type');
          refs.push(
            sourceReference(
              typeof type === 'string' && type.toLowerCase() === 'group' ? 'Group' : 'User',
              id,
            ),
          );
        }
        return refs;
      };
    case 'isSoftDeleted':
      // Entra: soft-deleted covers deletion, disabling, unassignment and leaving scope. A resource
      // without `active` is treated as active (RFC 7643 §4.1.1 leaves its meaning to the provider).
      return (source) =>
        getAttributeCaseInsensitive(source.resource, 'active') === false ||
        !source.context.assigned ||
        !source.context.inScope;
    case 'mailNicknameFromUserName':
      return (source) => {
        const userName = getAttributeCaseInsensitive(source.resource, 'userName');
        if (typeof userName !== 'string' || userName === '') return null;
        const at = userName.indexOf('@');
        return at < 0 ? userName : userName.slice(0, at);
      };
    case 'groupMailNickname':
      return (source) => {
        const displayName = getAttributeCaseInsensitive(source.resource, 'displayName');
        return typeof displayName === 'string' && displayName !== ''
          ? displayName.replace(/\s+/gu, '')
          : null;
      };
    case 'appRoleAssignments':
      return (source) => {
        const roles = source.context.appRoleAssignments;
        if (!roles) return [];
        return roles.map((role) => ({ id: role.id, displayName: role.displayName, value: role.value }));
      };
    case 'description':
      return (source) => {
        const value = getAttributeCaseInsensitive(source.resource, 'description');
        return value === undefined ? null : value;
      };
  }
}

function parseSourcePath(name: string): PatchPath | undefined {
  try {
    return parsePatchPath(name);
  } catch (error) {
    if (error instanceof ScimError) return undefined;
    throw error;
  }
}

/**
 * Compiles a reader for a SCIM path, checked against the schema; `fail` builds the error for unknown
 * names, given the path with its misspelt part corrected when a close name exists.
 */
function pathReader(
  name: string,
  resolver: SchemaAttributeResolver,
  fail: (hint?: string) => SourceNameError,
  topNames: () => readonly string[] = () => [],
): SourceReader {
  const parsed = parseSourcePath(name);
  if (!parsed) throw fail();
  // parsePatchPath splits URNs at the last ':', so `urn:...:User:manager.value` arrives whole in
  // name; split it the way the schema knows its URNs.
  const ref = parsed.attr.uri !== undefined && !parsed.valueFilter ? resolver.splitPath(name) : parsed.attr;
  if (!ref) throw fail();
  const top = resolver.attribute(ref.uri, ref.name);
  if (!top) {
    const schema = ref.uri === undefined ? undefined : resolver.schema(ref.uri);
    const close = didYouMean(ref.name, schema ? schema.attributeList.map((a) => a.name) : topNames());
    throw fail(close && name.includes(ref.name) ? name.replace(ref.name, close) : undefined);
  }
  const subHint = (sub: string): string | undefined => {
    const close = didYouMean(
      sub,
      top.subAttributeList.map((s) => s.name),
    );
    const at = name.lastIndexOf(sub);
    return close && at >= 0 ? `${name.slice(0, at)}${close}${name.slice(at + sub.length)}` : undefined;
  };
  if (parsed.valueFilter) {
    if (top.definition.multiValued !== true) {
      throw new SourceNameError(`'${name}': ${top.name} is not multi-valued, so it takes no [filter]`);
    }
    const subName = parsed.subAttr;
    const sub =
      subName === undefined
        ? undefined
        : (top.subAttributes.get(subName) ?? top.subAttributes.get(subName.toLowerCase()));
    if (subName !== undefined && !sub) throw fail(subHint(subName));
    const predicate =
      simpleEquality(parsed.valueFilter, top) ?? compileValueFilter(parsed.valueFilter, top.resolved);
    const path = { uri: ref.uri, name: ref.name };
    return (source) => {
      const container = attributeContainer(source.resource, path, top.resolved);
      if (!container) return null;
      const values = getAttributeCaseInsensitive(container, top.name);
      if (!Array.isArray(values)) return null;
      for (const value of values) {
        if (!predicate(value)) continue;
        if (sub === undefined) return value;
        if (!isJsonObject(value)) continue;
        const found = getAttributeCaseInsensitive(value, sub.name);
        if (found !== undefined && found !== null) return found;
      }
      return null;
    };
  }
  const subName = ref.subAttr;
  if (subName !== undefined) {
    const sub = top.subAttributes.get(subName) ?? top.subAttributes.get(subName.toLowerCase());
    if (!sub) throw fail(subHint(subName));
    const path = { uri: ref.uri, name: ref.name };
    return (source) => {
      const container = attributeContainer(source.resource, path, top.resolved);
      if (!container) return null;
      const parent = getAttributeCaseInsensitive(container, top.name);
      if (isJsonObject(parent)) return orNull(getAttributeCaseInsensitive(parent, sub.name));
      // `emails.value` on a multi-valued attribute: every value's sub-attribute.
      if (Array.isArray(parent)) {
        const out: JsonValue[] = [];
        for (const item of parent) {
          if (!isJsonObject(item)) continue;
          const found = getAttributeCaseInsensitive(item, sub.name);
          if (found !== undefined && found !== null) out.push(found);
        }
        return out;
      }
      return null;
    };
  }
  const path = { uri: ref.uri, name: ref.name };
  const attributeName = top.name;
  if (ref.uri === undefined && !top.resolved.isExtension) {
    // The common case (`userName`, `displayName`): one lookup, exact spelling first.
    return (source) => orNull(readTop(source.resource, attributeName));
  }
  return (source) => {
    const container = attributeContainer(source.resource, path, top.resolved);
    return container ? orNull(readTop(container, attributeName)) : null;
  };
}

/**
 * The predicate of `[type eq "work"]` and the like (one `eq` on a sub-attribute, a string or boolean
 * literal), written out: the common case of Entra's paths, and several times faster than the
 * general filter closure. It compares as the filter evaluator does (RFC 7644 §3.4.2.2: strings by
 * the sub-attribute's caseExact). Anything else returns undefined and takes the general path.
 */
function simpleEquality(filter: Filter, top: CompiledAttribute): ((value: JsonValue) => boolean) | undefined {
  if (filter.kind !== 'compare' || filter.op !== 'eq' || filter.path.uri !== undefined) return undefined;
  if (filter.path.subAttr !== undefined) return undefined;
  const sub =
    top.subAttributes.get(filter.path.name) ?? top.subAttributes.get(filter.path.name.toLowerCase());
  if (!sub) return undefined;
  const key = sub.name;
  const literal = filter.value;
  if (typeof literal === 'boolean') {
    if (sub.definition.type !== 'boolean') return undefined;
    return (value) => isJsonObject(value) && readTop(value, key) === literal;
  }
  if (typeof literal !== 'string' || sub.definition.type !== 'string') return undefined;
  if (sub.definition.caseExact) {
    return (value) => isJsonObject(value) && readTop(value, key) === literal;
  }
  const lower = literal.toLowerCase();
  return (value) => {
    if (!isJsonObject(value)) return false;
    const found = readTop(value, key);
    return typeof found === 'string' && (found === literal || found.toLowerCase() === lower);
  };
}

function readTop(container: JsonObject, name: string): JsonValue | undefined {
  const exact = container[name];
  return exact !== undefined && Object.hasOwn(container, name)
    ? exact
    : getAttributeCaseInsensitive(container, name);
}

function orNull(value: JsonValue | undefined): JsonValue {
  return value === undefined ? null : value;
}
