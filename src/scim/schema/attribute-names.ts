/**
 * Explains why an attribute path names nothing in a resource type, with a did-you-mean when a
 * defined name is a plausible typo of it. Filters, sortBy and attributes / excludedAttributes use
 * it so that `filter=usrName eq "x"` is a 400 naming `usrName`, not an empty list.
 */
import { didYouMean } from '../../shared/did-you-mean.js';
import {
  lookupAttribute,
  lookupSub,
  type CompiledAttribute,
  type CompiledResourceType,
} from './compiled-resource-type.js';

/** A parsed `[uri ":"] name ["." subAttr]`. */
export interface NameReference {
  readonly uri?: string | undefined;
  readonly name: string;
  readonly subAttr?: string | undefined;
}

/** The path as text, for messages. */
export function referenceText(ref: NameReference): string {
  const base = ref.uri === undefined ? ref.name : `${ref.uri}:${ref.name}`;
  return ref.subAttr === undefined ? base : `${base}.${ref.subAttr}`;
}

const unqualifiedNames = new WeakMap<CompiledResourceType, readonly string[]>();

/** Canonical names an unqualified path may use: the core and common attributes, then extension ones. */
function topLevelNames(type: CompiledResourceType): readonly string[] {
  let names = unqualifiedNames.get(type);
  if (names === undefined) {
    const list = type.core.attributeList.map((a) => a.name);
    for (const ext of type.extensions) {
      for (const a of ext.attributeList)
        if (type.resolver.attribute(undefined, a.name) === a) list.push(a.name);
    }
    list.push('schemas');
    names = list;
    unqualifiedNames.set(type, names);
  }
  return names;
}

function suggestion(word: string, candidates: Iterable<string>): string {
  const best = didYouMean(word, candidates);
  return best === undefined ? '' : `; did you mean "${best}"?`;
}

/**
 * Undefined when `ref` names an attribute (or sub-attribute) of `type`, else a sentence saying
 * what is wrong. `schemas` counts as defined (RFC 7643 §3: every resource carries it).
 */
export function unknownAttributeProblem(type: CompiledResourceType, ref: NameReference): string | undefined {
  const text = referenceText(ref);
  const kind = type.definition.name;
  let attribute;
  if (ref.uri !== undefined) {
    const schema = type.resolver.schema(ref.uri);
    if (schema === undefined) return `"${text}": ${ref.uri} is not a schema of resource type ${kind}`;
    attribute = lookupAttribute(schema, ref.name);
    if (attribute === undefined) {
      const names = schema.attributeList.map((a) => a.name);
      return `"${text}": no attribute "${ref.name}" in schema ${schema.urn}${suggestion(ref.name, names)}`;
    }
  } else {
    attribute = type.resolver.attribute(undefined, ref.name);
    if (attribute === undefined) {
      if (ref.name.toLowerCase() === 'schemas' && ref.subAttr === undefined) return undefined;
      const schemas = type.resolver.ambiguousSchemas(ref.name);
      if (schemas.length > 1) {
        return `"${text}": defined by several schemas (${schemas.join(', ')}); qualify it with the schema URN`;
      }
      return `"${text}": no attribute "${ref.name}" in resource type ${kind}${suggestion(ref.name, topLevelNames(type))}`;
    }
  }
  if (ref.subAttr === undefined) return undefined;
  if (lookupSub(attribute, ref.subAttr) !== undefined) return undefined;
  return unknownSubAttributeProblem(attribute, text, ref.subAttr);
}

/** The sentence for `name`, which is no sub-attribute of `attribute`; `text` is the path as written. */
export function unknownSubAttributeProblem(attribute: CompiledAttribute, text: string, name: string): string {
  if (attribute.definition.type !== 'complex') return `"${text}": "${attribute.name}" has no sub-attributes`;
  const subs = attribute.subAttributeList.map((s) => s.name);
  return `"${text}": no sub-attribute "${name}" of "${attribute.name}"${suggestion(name, subs)}`;
}
