import type { ComparisonOperator } from './expression-ast.js';
import type { ExprValue } from './value.js';
import { isFlowSignal } from './value.js';

/**
 * Evaluates `left op right` in a condition.
 *
 * - No value (null, or an empty multi-valued attribute) on either side makes every comparison
 *   false, `<>` included: Entra documents that a condition on an absent attribute "fails".
 * - A multi-valued side matches when any of its values does; `<>` is the negation of `=`.
 * - Two numbers compare numerically, as do a number and a string that spells one.
 * - Two strings: `=` / `<>` compare exactly (case-sensitive, like Switch); `<` `<=` `>` `>=`
 *   compare numerically when both spell numbers (`"10" > "9"`), else by UTF-16 code units.
 * - A boolean against a string compares with "True" / "False", case-insensitively.
 *
 * Flow signals never reach here: the compiler passes them through before comparing.
 */
export function compareValues(operator: ComparisonOperator, left: ExprValue, right: ExprValue): boolean {
  if (operator === '<>') {
    if (isEmpty(left) || isEmpty(right)) return false;
    return !compareValues('=', left, right);
  }
  if (Array.isArray(left))
    return (left as readonly ExprValue[]).some((item) => compareValues(operator, item, right));
  if (Array.isArray(right))
    return (right as readonly ExprValue[]).some((item) => compareValues(operator, left, item));
  const order = orderOf(left, right, operator === '=');
  if (order === undefined) return false;
  switch (operator) {
    case '=':
      return order === 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
  }
}

function isEmpty(value: ExprValue): boolean {
  return value === null || (Array.isArray(value) && value.length === 0);
}

/** -1, 0 or 1; undefined when the two cannot be compared (no value, a flow signal). */
function orderOf(left: ExprValue, right: ExprValue, equality: boolean): number | undefined {
  if (left === null || right === null || isFlowSignal(left) || isFlowSignal(right)) return undefined;
  if (Array.isArray(left) || Array.isArray(right)) return undefined;
  if (typeof left === 'boolean' || typeof right === 'boolean') {
    const l = asBoolean(left);
    const r = asBoolean(right);
    if (l === undefined || r === undefined) return ordinal(render(left), render(right));
    return Number(l) - Number(r);
  }
  if (typeof left === 'number' || typeof right === 'number') {
    const l = asNumber(left);
    const r = asNumber(right);
    if (l === undefined || r === undefined) return ordinal(String(left), String(right));
    return sign(l - r);
  }
  const l = String(left);
  const r = String(right);
  if (!equality) {
    const ln = asNumber(l);
    const rn = asNumber(r);
    if (ln !== undefined && rn !== undefined) return sign(ln - rn);
  }
  return ordinal(l, r);
}

function render(value: ExprValue): string {
  return typeof value === 'boolean' ? (value ? 'True' : 'False') : String(value);
}

function asBoolean(value: ExprValue): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (text === 'true') return true;
    if (text === 'false') return false;
  }
  return undefined;
}

const numeric = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

function asNumber(value: ExprValue): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && numeric.test(value)) return Number(value);
  return undefined;
}

function ordinal(l: string, r: string): number {
  return l === r ? 0 : l < r ? -1 : 1;
}

function sign(n: number): number {
  return n === 0 ? 0 : n < 0 ? -1 : 1;
}
