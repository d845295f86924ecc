/**
 * Schema-aware normalisation of a parsed filter, run once per query before it is evaluated in
 * memory or translated to SQL, so both see the same filter:
 * - every attribute path is checked against the resource type; a name no schema of the type
 *   defines is 400 invalidFilter naming it, with a did-you-mean (attribute-names.ts), instead of a
 *   filter that silently matches nothing;
 * - literals take the type of the attribute they are compared with (tolerance: clients quote
 *   everything, `active eq "true"`, `active eq "True"`, `loginCount gt "3"`): a string for a
 *   boolean attribute becomes the boolean and one for an integer or decimal attribute the number;
 *   a string that is neither is 400 invalidFilter naming the attribute.
 * Unchanged subtrees are returned as they are; the walk uses an explicit stack because and/or
 * chains may be long.
 */
import { coerceBooleanString } from '../patch/patch-tolerances.js';
import { unknownAttributeProblem, unknownSubAttributeProblem } from '../schema/attribute-names.js';
import {
  lookupSub,
  type CompiledAttribute,
  type CompiledResourceType,
} from '../schema/compiled-resource-type.js';
import type { AttributeDefinition } from '../schema/schema-types.js';
import { ScimError } from '../scim-error.js';
import type { AttrPath, CompareFilter, Filter, FilterLiteral } from './filter-ast.js';
import { printAttrPath, printFilter } from './filter-printer.js';

/** How to treat a name the resource type does not define. */
export interface NormaliseOptions {
  /**
   * `reject` (the default) throws invalidFilter; `keep` leaves the comparison as written (a root
   * search runs one filter over every resource type, and a Group has no `userName`).
   */
  readonly unknown?: 'reject' | 'keep';
}

/** JSON number syntax (RFC 8259 §6), as a quoted filter literal may carry it. */
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Where a path is resolved: the resource, or one value of a multi-valued attribute. */
type Scope = CompiledAttribute | undefined;

interface Frame {
  readonly node: Filter;
  readonly scope: Scope;
  visited: boolean;
}

/** `filter` checked and with its literals typed for resources of `type` (see the header). */
export function normaliseFilter(
  filter: Filter,
  type: CompiledResourceType,
  options: NormaliseOptions = {},
): Filter {
  return walk(filter, undefined, type, options.unknown ?? 'reject');
}

/**
 * The inner filter of a value path on `attribute` (`emails[type eq "work"]` in an attributes
 * parameter), normalised with paths relative to one value.
 */
export function normaliseValueFilter(
  filter: Filter,
  attribute: CompiledAttribute,
  options: NormaliseOptions = {},
): Filter {
  return walk(filter, attribute, undefined, options.unknown ?? 'reject');
}

/** `type` is needed only when `rootScope` is the resource (value filters cannot nest). */
function walk(
  root: Filter,
  rootScope: Scope,
  type: CompiledResourceType | undefined,
  unknown: 'reject' | 'keep',
): Filter {
  const work: Frame[] = [{ node: root, scope: rootScope, visited: false }];
  const done: Filter[] = [];
  while (work.length > 0) {
    const frame = work.pop() as Frame;
    const { node, scope } = frame;
    switch (node.kind) {
      case 'and':
      case 'or':
        if (!frame.visited) {
          frame.visited = true;
          work.push(
            frame,
            { node: node.right, scope, visited: false },
            { node: node.left, scope, visited: false },
          );
        } else {
          const right = done.pop() as Filter;
          const left = done.pop() as Filter;
          done.push(left === node.left && right === node.right ? node : { ...node, left, right });
        }
        break;
      case 'not':
      case 'valuePath':
        if (!frame.visited) {
          frame.visited = true;
          let inner: Scope = scope;
          if (node.kind === 'valuePath') inner = resolve(node.path, scope, type, unknown)?.attribute;
          work.push(frame, { node: node.filter, scope: inner, visited: false });
        } else {
          const inner = done.pop() as Filter;
          done.push(inner === node.filter ? node : { ...node, filter: inner });
        }
        break;
      case 'present':
        resolve(node.path, scope, type, unknown);
        done.push(node);
        break;
      case 'compare': {
        const leaf = resolve(node.path, scope, type, unknown)?.leaf;
        const value = leaf === undefined ? node.value : typedLiteral(node, leaf);
        done.push(value === node.value ? node : { ...node, value });
        break;
      }
    }
  }
  return done[0] as Filter;
}

/** What a path resolved to: its top-level attribute (a value path's scope) and the compared leaf. */
interface Resolution {
  readonly attribute: CompiledAttribute | undefined;
  readonly leaf: AttributeDefinition | undefined;
}

function resolve(
  path: AttrPath,
  scope: Scope,
  type: CompiledResourceType | undefined,
  unknown: 'reject' | 'keep',
): Resolution | undefined {
  if (scope === undefined) {
    if (type === undefined) return undefined;
    const attribute = type.resolver.attribute(path.uri, path.name);
    const sub = attribute && path.subAttr !== undefined ? lookupSub(attribute, path.subAttr) : undefined;
    if (attribute === undefined || (path.subAttr !== undefined && sub === undefined)) {
      const problem = unknownAttributeProblem(type, path);
      if (problem !== undefined && unknown === 'reject') throw unknownError(problem, path);
      return undefined;
    }
    return { attribute, leaf: comparedLeaf(sub?.definition ?? attribute.definition) };
  }
  // Inside a value path names are relative to one value (RFC 7644 §3.4.2.2 valFilter).
  const parent = scope.definition;
  let leaf: AttributeDefinition | undefined;
  if (path.uri === undefined && path.subAttr === undefined) {
    leaf = lookupSub(scope, path.name)?.definition;
    // A multi-valued simple attribute: `value` is the value itself.
    if (leaf === undefined && parent.type !== 'complex' && path.name.toLowerCase() === 'value') leaf = parent;
  }
  if (leaf === undefined) {
    if (unknown === 'keep') return undefined;
    const text = printAttrPath(path);
    throw unknownError(unknownSubAttributeProblem(scope, `${scope.name}[${text}]`, text), path);
  }
  return { attribute: scope, leaf };
}

/** A complex attribute compared as a whole compares its `value` (filter-compiler.ts). */
function comparedLeaf(def: AttributeDefinition): AttributeDefinition | undefined {
  if (def.type !== 'complex') return def;
  return def.subAttributes?.find((sub) => sub.name.toLowerCase() === 'value');
}

function unknownError(problem: string, path: AttrPath): ScimError {
  return ScimError.invalidFilter(`${problem} (at position ${path.span.start})`);
}

function typedLiteral(node: CompareFilter, leaf: AttributeDefinition): FilterLiteral {
  const value = node.value;
  if (typeof value !== 'string') return value;
  switch (leaf.type) {
    case 'boolean': {
      const coerced = coerceBooleanString(value.trim());
      if (coerced !== undefined) return coerced;
      throw ScimError.invalidFilter(
        `'${printFilter(node)}' at position ${node.span.start}: "${printAttrPath(node.path)}" is a boolean attribute, and ${JSON.stringify(value)} is not a boolean`,
      );
    }
    case 'integer':
    case 'decimal': {
      const trimmed = value.trim();
      if (NUMBER.test(trimmed)) {
        const number = Number(trimmed);
        if (Number.isFinite(number)) return number;
      }
      throw ScimError.invalidFilter(
        `'${printFilter(node)}' at position ${node.span.start}: "${printAttrPath(node.path)}" is an ${leaf.type} attribute, and ${JSON.stringify(value)} is not a number`,
      );
    }
    default:
      return value;
  }
}
