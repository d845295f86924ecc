/**
 * Static checks a server runs before executing a filter. RFC 7644 §3.4.2.2: gt, ge, lt and le on
 * boolean or binary attributes SHALL be answered with 400 invalidFilter; the same applies here to
 * ordering comparisons with `null` or `true`/`false` literals, and to complex attributes that have
 * no `value` sub-attribute to compare. The evaluator itself returns false for these instead, so
 * in-memory callers that skip the check still get a defined answer.
 */
import type { AttributeDefinition, AttributeResolver } from '../schema/schema-types.js';
import { ScimError } from '../scim-error.js';
import type { AttrPath, CompareFilter, Filter } from './filter-ast.js';
import { printAttrPath, printFilter } from './filter-printer.js';

const ORDERING = new Set(['gt', 'ge', 'lt', 'le']);

/**
 * Throws ScimError invalidFilter when `filter` asks for a comparison the RFC forbids.
 * Without a resolver only the literals can be checked.
 */
export function checkFilter(filter: Filter, resolver?: AttributeResolver): void {
  // Explicit stack: and/or chains may be long.
  const stack: { node: Filter; parent: AttributeDefinition | undefined; inValue: boolean }[] = [
    { node: filter, parent: undefined, inValue: false },
  ];
  while (stack.length > 0) {
    const { node, parent, inValue } = stack.pop() as (typeof stack)[number];
    switch (node.kind) {
      case 'and':
      case 'or':
        stack.push({ node: node.right, parent, inValue }, { node: node.left, parent, inValue });
        break;
      case 'not':
        stack.push({ node: node.filter, parent, inValue });
        break;
      case 'valuePath':
        stack.push({
          node: node.filter,
          parent: definitionOf(node.path, resolver, parent, inValue),
          inValue: true,
        });
        break;
      case 'present':
        break;
      case 'compare':
        if (ORDERING.has(node.op)) checkOrdering(node, definitionOf(node.path, resolver, parent, inValue));
        break;
    }
  }
}

function checkOrdering(node: CompareFilter, definition: AttributeDefinition | undefined): void {
  const where = `'${printFilter(node)}' at position ${node.span.start}`;
  // The attribute's type is the more useful complaint, so it is checked before the literal.
  if (definition !== undefined) {
    let def = definition;
    if (def.type === 'complex') {
      const valueSub = def.subAttributes?.find((sub) => sub.name.toLowerCase() === 'value');
      if (valueSub === undefined) {
        throw ScimError.invalidFilter(
          `'${node.op}' cannot compare the complex attribute '${printAttrPath(node.path)}': ${where}`,
        );
      }
      def = valueSub;
    }
    if (def.type === 'boolean' || def.type === 'binary') {
      throw ScimError.invalidFilter(
        `'${node.op}' is not allowed on the ${def.type} attribute '${printAttrPath(node.path)}': ${where}`,
      );
    }
  }
  if (node.value === null || typeof node.value === 'boolean') {
    throw ScimError.invalidFilter(`'${node.op}' cannot order by ${String(node.value)}: ${where}`);
  }
}

function definitionOf(
  path: AttrPath,
  resolver: AttributeResolver | undefined,
  parent: AttributeDefinition | undefined,
  inValue: boolean,
): AttributeDefinition | undefined {
  if (!inValue) {
    const resolved = resolver?.resolve(path.uri, path.name, path.subAttr);
    return resolved === undefined ? undefined : (resolved.subAttribute ?? resolved.attribute);
  }
  const lower = path.name.toLowerCase();
  let def = parent?.subAttributes?.find((sub) => sub.name.toLowerCase() === lower);
  if (def === undefined && parent !== undefined && parent.subAttributes === undefined && lower === 'value')
    def = parent;
  if (def !== undefined && path.subAttr !== undefined) {
    const subLower = path.subAttr.toLowerCase();
    def = def.subAttributes?.find((sub) => sub.name.toLowerCase() === subLower);
  }
  return def;
}
