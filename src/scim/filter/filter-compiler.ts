/**
 * Compiles a filter AST once into a closure over in-memory resources (RFC 7644 §3.4.2.2 semantics),
 * so a filter applied to many resources pays for attribute resolution, case folding of literals and
 * dateTime parsing of literals only once.
 *
 * Semantics, where the RFC leaves a choice:
 * - Attribute names match case-insensitively (RFC 7643 §2.1). Strings compare case-insensitively
 *   unless the attribute is caseExact per the resolver. Without a resolver (or for an attribute it
 *   does not know) only `id` and `externalId` count as caseExact, as RFC 7643 §3.1 defines them.
 * - A multi-valued attribute matches when any of its values matches. A complex value compared
 *   without a sub-attribute compares its `value` sub-attribute (`emails co "@example.com"`).
 * - `pr` is false for absent, null, "", [] and {} (RFC 7643 §2.5).
 * - `ne` is the negation of `eq`: it matches when no value equals the literal, including when the
 *   attribute is absent. `eq null` means "not present", `ne null` means "present" (RFC 7643 §2.5
 *   treats null and unassigned alike).
 * - dateTime attributes compare chronologically. Without type information a string literal that is
 *   an xsd:dateTime compares chronologically with attribute values that are dateTimes too.
 * - Numbers compare numerically, booleans only with eq/ne. Comparisons between different JSON types,
 *   and gt/ge/lt/le on booleans, null or complex values, are false here; checkFilter reports the
 *   latter as invalidFilter, as RFC 7644 §3.4.2.2 requires, before a server runs a query.
 * - The inner filter of a value path is evaluated against each value of the attribute in turn.
 */
import type {
  AttributeDefinition,
  AttributeResolver,
  AttributeType,
  ResolvedAttribute,
} from '../schema/schema-types.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../../shared/json.js';
import { ScimError } from '../scim-error.js';
import { attributeContainer, getAttributeCaseInsensitive, isCoreSchemaUri } from './attribute-lookup.js';
import type { AttrPath, CompareFilter, Filter, LogicalOp } from './filter-ast.js';
import { isPresentValue, parseDateTime } from './filter-values.js';

/** A compiled filter over whole resources. */
export type FilterPredicate = (resource: JsonObject) => boolean;
/** A compiled value filter over one value of a multi-valued attribute. */
export type ValuePredicate = (value: JsonValue) => boolean;

type Pred = (root: JsonValue) => boolean;
type Test = (candidate: JsonValue) => boolean;
/** Calls `test` on each candidate value at a path; true as soon as one passes. */
type Each = (root: JsonValue, test: Test) => boolean;

/** What the comparison needs to know about an attribute. */
interface AttrInfo {
  readonly type: AttributeType | undefined;
  readonly caseExact: boolean;
}

/** Where paths are resolved: whole resources, or one value of a multi-valued attribute. */
type Scope =
  | { readonly kind: 'resource'; readonly resolver: AttributeResolver | undefined }
  | { readonly kind: 'value'; readonly parent: AttributeDefinition | undefined };

/** Compiles `filter` for resources whose schema `resolver` describes (caseExact, types, extensions). */
export function compileFilter(filter: Filter, resolver?: AttributeResolver): FilterPredicate {
  return compileNode(filter, { kind: 'resource', resolver });
}

/**
 * Compiles the inner filter of a value path for one value of `attribute` (RFC 7644 §3.5.2 PATCH
 * paths such as `members[value eq "x"]`). Inner paths are relative to the value.
 */
export function compileValueFilter(filter: Filter, attribute?: ResolvedAttribute): ValuePredicate {
  const parent = attribute === undefined ? undefined : (attribute.subAttribute ?? attribute.attribute);
  return compileNode(filter, { kind: 'value', parent });
}

function compileNode(node: Filter, scope: Scope): Pred {
  switch (node.kind) {
    case 'and':
    case 'or':
      return compileChain(node, node.kind, scope);
    case 'not': {
      const inner = compileNode(node.filter, scope);
      return (root) => !inner(root);
    }
    case 'present': {
      const { each } = compilePath(node.path, scope);
      return (root) => each(root, isPresentValue);
    }
    case 'valuePath': {
      const access = compilePath(node.path, scope);
      const inner = compileNode(node.filter, { kind: 'value', parent: access.definition });
      return (root) => access.each(root, inner);
    }
    case 'compare':
      return compileCompare(node, scope);
    default: {
      const unreachable: never = node;
      throw ScimError.invalidFilter(`unknown filter node ${JSON.stringify(unreachable)}`);
    }
  }
}

/** Flattens a chain of one logical kind with an explicit stack, so long chains need no recursion. */
export function collectOperands(node: Filter, kind: LogicalOp): Filter[] {
  const operands: Filter[] = [];
  const stack: Filter[] = [node];
  while (stack.length > 0) {
    const current = stack.pop() as Filter;
    if (current.kind === kind) stack.push(current.right, current.left);
    else operands.push(current);
  }
  return operands;
}

function compileChain(node: Filter, kind: LogicalOp, scope: Scope): Pred {
  const preds = collectOperands(node, kind).map((operand) => compileNode(operand, scope));
  const [a, b] = preds as [Pred, Pred];
  if (kind === 'and') {
    if (preds.length === 2) return (root) => a(root) && b(root);
    return (root) => {
      for (const pred of preds) if (!pred(root)) return false;
      return true;
    };
  }
  if (preds.length === 2) return (root) => a(root) || b(root);
  return (root) => {
    for (const pred of preds) if (pred(root)) return true;
    return false;
  };
}

interface PathAccess {
  readonly each: Each;
  /** Definition of the attribute (or sub-attribute) the path ends at, when known. */
  readonly definition: AttributeDefinition | undefined;
  /** Definition used when comparing: a complex attribute's `value` sub-attribute. */
  readonly info: AttrInfo;
}

function someValue(value: JsonValue | undefined, test: Test): boolean {
  if (value === undefined) return false;
  if (Array.isArray(value)) {
    for (const element of value) if (test(element)) return true;
    return false;
  }
  return test(value);
}

function compilePath(path: AttrPath, scope: Scope): PathAccess {
  const { name, subAttr } = path;
  let definition: AttributeDefinition | undefined;
  let container: (root: JsonValue) => JsonObject | undefined;
  if (scope.kind === 'resource') {
    const resolved = scope.resolver?.resolve(path.uri, name, subAttr);
    definition = resolved === undefined ? undefined : (resolved.subAttribute ?? resolved.attribute);
    const atTop = path.uri === undefined && resolved?.isExtension !== true;
    container = atTop
      ? (root) => (isJsonObject(root) ? root : undefined)
      : (root) => (isJsonObject(root) ? attributeContainer(root, path, resolved) : undefined);
  } else {
    definition = findSubAttribute(scope.parent, name);
    if (definition !== undefined && subAttr !== undefined) definition = findSubAttribute(definition, subAttr);
    // A simple multi-valued attribute's values are addressed as `value` (RFC 7644 §3.5.2).
    if (
      scope.parent !== undefined &&
      scope.parent.subAttributes === undefined &&
      name.toLowerCase() === 'value'
    ) {
      definition = scope.parent;
    }
    container = (root) => (isJsonObject(root) ? root : undefined);
  }
  const info = infoOf(definition, path, scope);
  const isValueSelf = scope.kind === 'value' && subAttr === undefined && name.toLowerCase() === 'value';

  let each: Each;
  if (subAttr === undefined) {
    each = (root, test) => {
      const holder = container(root);
      if (holder === undefined) {
        // A primitive value of a simple multi-valued attribute is its own `value`.
        return isValueSelf && root !== null && typeof root !== 'object' ? test(root) : false;
      }
      return someValue(getAttributeCaseInsensitive(holder, name), test);
    };
  } else {
    each = (root, test) => {
      const holder = container(root);
      if (holder === undefined) return false;
      const top = getAttributeCaseInsensitive(holder, name);
      if (Array.isArray(top)) {
        for (const element of top) {
          if (isJsonObject(element) && someValue(getAttributeCaseInsensitive(element, subAttr), test))
            return true;
        }
        return false;
      }
      return isJsonObject(top) ? someValue(getAttributeCaseInsensitive(top, subAttr), test) : false;
    };
  }
  return { each, definition, info };
}

function findSubAttribute(
  parent: AttributeDefinition | undefined,
  name: string,
): AttributeDefinition | undefined {
  const subs = parent?.subAttributes;
  if (subs === undefined) return undefined;
  const lower = name.toLowerCase();
  return subs.find((sub) => sub.name.toLowerCase() === lower);
}

/** caseExact and type for comparisons; complex attributes compare through their `value`. */
function infoOf(definition: AttributeDefinition | undefined, path: AttrPath, scope: Scope): AttrInfo {
  let def = definition;
  if (def?.type === 'complex') def = findSubAttribute(def, 'value');
  if (def !== undefined) return { type: def.type, caseExact: def.caseExact };
  // RFC 7643 §3.1: id and externalId are caseExact; nothing else is assumed to be.
  const lower = path.name.toLowerCase();
  const isCore = path.uri === undefined || isCoreSchemaUri(path.uri);
  const caseExact =
    scope.kind === 'resource' &&
    isCore &&
    path.subAttr === undefined &&
    (lower === 'id' || lower === 'externalid');
  return { type: undefined, caseExact };
}

function compileCompare(node: CompareFilter, scope: Scope): Pred {
  const access = compilePath(node.path, scope);
  const { each } = access;
  const { op, value } = node;
  if (value === null) {
    // RFC 7643 §2.5: null and unassigned are the same state.
    if (op === 'eq') return (root) => !each(root, isPresentValue);
    if (op === 'ne') return (root) => each(root, isPresentValue);
    return () => false;
  }
  const eqOp = op === 'ne' ? 'eq' : op;
  const primitive = primitiveTest(eqOp, value, access.info);
  const test: Test = (candidate) => {
    if (candidate !== null && typeof candidate === 'object') {
      if (Array.isArray(candidate)) return false;
      const inner = getAttributeCaseInsensitive(candidate, 'value');
      if (inner === undefined || (inner !== null && typeof inner === 'object')) return false;
      return primitive(inner);
    }
    return primitive(candidate);
  };
  if (op === 'ne') return (root) => !each(root, test);
  return (root) => each(root, test);
}

type PrimitiveTest = (candidate: string | number | boolean | null) => boolean;
const never: PrimitiveTest = () => false;

function primitiveTest(
  op: Exclude<CompareFilter['op'], 'ne'>,
  literal: string | number | boolean,
  info: AttrInfo,
): PrimitiveTest {
  if (typeof literal === 'boolean') {
    return op === 'eq' ? (c) => c === literal : never;
  }
  if (typeof literal === 'number') {
    switch (op) {
      case 'eq':
        return (c) => c === literal;
      case 'gt':
        return (c) => typeof c === 'number' && c > literal;
      case 'ge':
        return (c) => typeof c === 'number' && c >= literal;
      case 'lt':
        return (c) => typeof c === 'number' && c < literal;
      case 'le':
        return (c) => typeof c === 'number' && c <= literal;
      default:
        return never;
    }
  }
  return stringTest(op, literal, info);
}

function stringTest(op: Exclude<CompareFilter['op'], 'ne'>, literal: string, info: AttrInfo): PrimitiveTest {
  const exact = info.caseExact;
  const lit = exact ? literal : literal.toLowerCase();
  const fold = exact ? (c: string) => c : (c: string) => c.toLowerCase();
  const literalTime =
    info.type === undefined || info.type === 'dateTime' ? parseDateTime(literal) : undefined;
  const compareStrings = (c: string): number => {
    if (literalTime !== undefined) {
      const time = parseDateTime(c);
      if (time !== undefined) return time - literalTime;
    }
    const folded = fold(c);
    return folded < lit ? -1 : folded > lit ? 1 : 0;
  };
  switch (op) {
    case 'eq':
      if (literalTime !== undefined) return (c) => typeof c === 'string' && compareStrings(c) === 0;
      return exact
        ? (c) => c === literal
        : (c) => typeof c === 'string' && (c === literal || c.toLowerCase() === lit);
    case 'co':
      return (c) => typeof c === 'string' && fold(c).includes(lit);
    case 'sw':
      return (c) => typeof c === 'string' && fold(c).startsWith(lit);
    case 'ew':
      return (c) => typeof c === 'string' && fold(c).endsWith(lit);
    case 'gt':
      return (c) => typeof c === 'string' && compareStrings(c) > 0;
    case 'ge':
      return (c) => typeof c === 'string' && compareStrings(c) >= 0;
    case 'lt':
      return (c) => typeof c === 'string' && compareStrings(c) < 0;
    case 'le':
      return (c) => typeof c === 'string' && compareStrings(c) <= 0;
  }
}
