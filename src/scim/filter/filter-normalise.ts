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
 * Unchanged subtrees are returned as they are; long and/or chains are walked in a loop.
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
import type { AttrPath, CompareFilter, Filter, FilterLiteral, LogicalFilter } from './filter-ast.js';
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

/** `filter` checked and with its literals typed for resources of `type` (see the header). */
export function normaliseFilter(
  filter: Filter,
  type: CompiledResourceType,
  options: NormaliseOptions = {},
): Filter {
  return new Normaliser(type, options.unknown ?? 'reject').node(filter, undefined);
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
  return new Normaliser(undefined, options.unknown ?? 'reject').node(filter, attribute);
}

class Normaliser {
  /** `type` is needed only at the resource level (value filters cannot nest). */
  constructor(
    private readonly type: CompiledResourceType | undefined,
    private readonly unknown: 'reject' | 'keep',
  ) {}

  /**
   * Recursion follows the nesting of parentheses, `not` and brackets, which the parser caps; an
   * and/or chain, which the parser builds left-deep and which may be long, is walked in a loop.
   */
  node(node: Filter, scope: Scope): Filter {
    switch (node.kind) {
      case 'and':
      case 'or':
        return this.chain(node, scope);
      case 'not': {
        const inner = this.node(node.filter, scope);
        return inner === node.filter ? node : { ...node, filter: inner };
      }
      case 'valuePath': {
        const attribute = resolve(node.path, scope, this.type, this.unknown)?.attribute;
        // An attribute the type does not define (kept as written) has no sub-attributes to check
        // the inner names against; resolving them at the resource level would type or refuse
        // literals by unrelated top-level attributes.
        if (attribute === undefined) return node;
        const inner = this.node(node.filter, attribute);
        return inner === node.filter ? node : { ...node, filter: inner };
      }
      case 'present':
        resolve(node.path, scope, this.type, this.unknown);
        return node;
      case 'compare': {
        const leaf = resolve(node.path, scope, this.type, this.unknown)?.leaf;
        const value = leaf === undefined ? node.value : typedLiteral(node, leaf);
        return value === node.value ? node : { ...node, value };
      }
    }
  }

  private chain(root: LogicalFilter, scope: Scope): Filter {
    // The left spine of same-kind nodes, outermost first.
    const spine: LogicalFilter[] = [];
    let left: Filter = root;
    while ((left.kind === 'and' || left.kind === 'or') && left.kind === root.kind) {
      spine.push(left);
      left = left.left;
    }
    let out = this.node(left, scope);
    for (let i = spine.length - 1; i >= 0; i--) {
      const parent = spine[i] as LogicalFilter;
      const right = this.node(parent.right, scope);
      out = out === parent.left && right === parent.right ? parent : { ...parent, left: out, right };
    }
    return out;
  }
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
