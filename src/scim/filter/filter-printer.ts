/**
 * Canonical text of a filter AST: lower-case operators and keywords, single spaces, JSON string
 * literals, and only the parentheses the structure needs. `parseFilter(printFilter(f))` yields the
 * same tree as `f` (spans aside): the parser builds `and`/`or` chains left-associatively, so a
 * right operand of the same kind is parenthesised to keep its shape, and an `or` operand of an `and`
 * is parenthesised because `and` binds tighter (RFC 7644 §3.4.2.2, Table 4 precedence).
 */
import { ScimError } from '../scim-error.js';
import type { AttrPath, Filter, FilterLiteral, LogicalOp, PatchPath } from './filter-ast.js';

/** Prints a filter in canonical form. @throws ScimError invalidFilter for a non-finite number literal. */
export function printFilter(filter: Filter): string {
  const out: string[] = [];
  printNode(filter, out);
  return out.join('');
}

/** Prints an attribute path: `[uri ":"] name ["." subAttr]`. */
export function printAttrPath(path: AttrPath): string {
  const base = path.uri === undefined ? path.name : `${path.uri}:${path.name}`;
  return path.subAttr === undefined ? base : `${base}.${path.subAttr}`;
}

/** Prints a PATCH path: `attrPath` or `attrPath "[" valFilter "]" ["." subAttr]`. */
export function printPatchPath(path: PatchPath): string {
  let text = printAttrPath(path.attr);
  if (path.valueFilter !== undefined) text += `[${printFilter(path.valueFilter)}]`;
  if (path.subAttr !== undefined) text += `.${path.subAttr}`;
  return text;
}

/** Prints a literal as the parser reads it back: JSON strings, numbers, true/false/null. */
export function printLiteral(value: FilterLiteral): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw ScimError.invalidFilter(`number ${value} cannot appear in a filter`);
    // String(-0) is "0"; keep the sign so the round trip is exact.
    return Object.is(value, -0) ? '-0' : String(value);
  }
  return String(value);
}

function printNode(node: Filter, out: string[]): void {
  switch (node.kind) {
    case 'compare':
      out.push(printAttrPath(node.path), ' ', node.op, ' ', printLiteral(node.value));
      return;
    case 'present':
      out.push(printAttrPath(node.path), ' pr');
      return;
    case 'not':
      out.push('not (');
      printNode(node.filter, out);
      out.push(')');
      return;
    case 'valuePath':
      out.push(printAttrPath(node.path), '[');
      printNode(node.filter, out);
      out.push(']');
      return;
    case 'and':
    case 'or':
      printChain(node, node.kind, out);
      return;
    default: {
      const unreachable: never = node;
      throw ScimError.invalidFilter(`unknown filter node ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * Prints a left-leaning chain `((a op b) op c) op d` as `a op b op c op d`, walking the left spine
 * in a loop so long chains do not deepen the call stack.
 */
function printChain(node: Filter, kind: LogicalOp, out: string[]): void {
  const rights: Filter[] = [];
  let leftmost: Filter = node;
  while (leftmost.kind === kind) {
    rights.push(leftmost.right);
    leftmost = leftmost.left;
  }
  printOperand(leftmost, kind, false, out);
  for (let i = rights.length - 1; i >= 0; i--) {
    out.push(' ', kind, ' ');
    printOperand(rights[i] as Filter, kind, true, out);
  }
}

function printOperand(operand: Filter, parent: LogicalOp, isRight: boolean, out: string[]): void {
  const needsParens = (parent === 'and' && operand.kind === 'or') || (isRight && operand.kind === parent);
  if (needsParens) out.push('(');
  printNode(operand, out);
  if (needsParens) out.push(')');
}
