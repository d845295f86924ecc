import { isFlowSignal } from '../value.js';
import type { EvaluationContext, ExprValue, FlowSignal } from '../value.js';
import { ExpressionRuntimeError } from './function-spec.js';

/**
 * Conversions between expression values, following Entra's rendering: booleans become "True" /
 * "False", numbers their invariant decimal form, and a multi-valued argument where one string is
 * expected contributes its first value.
 */

/** Renders a boolean the way Entra (and .NET's Boolean.ToString) does. */
export function renderBool(value: boolean): string {
  return value ? 'True' : 'False';
}

/** The first non-null value of a multi-valued value, or the value itself. */
export function firstValue(value: ExprValue | undefined): ExprValue | undefined {
  if (!Array.isArray(value)) return value;
  for (const item of value as readonly ExprValue[]) {
    if (item !== null && item !== undefined) return firstValue(item);
  }
  return null;
}

/** A value as a string, or null when there is no value. */
export function toStr(value: ExprValue | undefined): string | null {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  if (typeof value === 'boolean') return renderBool(value);
  if (Array.isArray(value)) return toStr(firstValue(value));
  return null;
}

/** A value as a string, with "no value" read as the empty string. */
export function toStrOrEmpty(value: ExprValue | undefined): string {
  return toStr(value) ?? '';
}

const NUMERIC = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
// VBA reads the prefix in either case (`&hff`), as the expression scanner does for literals.
const VBA_HEX = /^&[Hh]([0-9A-Fa-f]+)$/;

/**
 * Whether `toNum` reads this text as a number, for the checker's literal check, so a string that
 * passes at save time is one the functions accept when they run (blank text is no value).
 */
export function spellsNumber(text: string): boolean {
  const trimmed = text.trim();
  return (NUMERIC.test(trimmed) && Number.isFinite(Number(trimmed))) || VBA_HEX.test(trimmed);
}

/** A value as a number, null when there is no value; throws when it is not numeric. */
export function toNum(value: ExprValue | undefined, fn: string, param: string): number | null {
  const v = firstValue(value);
  if (typeof v === 'number') {
    if (Number.isFinite(v)) return v;
    throw new ExpressionRuntimeError(fn, `${param} must be a finite number, got ${v}`);
  }
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') {
    const text = v.trim();
    if (text === '') return null;
    if (NUMERIC.test(text)) {
      const n = Number(text);
      if (Number.isFinite(n)) return n;
      throw new ExpressionRuntimeError(fn, `${param} is too large: ${describe(v)}`);
    }
    const hex = VBA_HEX.exec(text);
    if (hex) return parseInt(hex[1] ?? '0', 16);
  }
  throw new ExpressionRuntimeError(fn, `${param} must be a number, got ${describe(v)}`);
}

/** A value as an integer (fractions truncated toward zero, as VBA's Fix does). */
export function toInt(value: ExprValue | undefined, fn: string, param: string): number | null {
  const n = toNum(value, fn, param);
  return n === null ? null : Math.trunc(n);
}

/**
 * A value as a boolean: booleans as themselves, "True"/"False" in any case, numbers (and numeric
 * strings) true when non-zero; anything else, including no value, is false.
 */
export function toBool(value: ExprValue | undefined): boolean {
  const v = firstValue(value);
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  if (typeof v === 'string') {
    const text = v.trim();
    const lower = text.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    if (NUMERIC.test(text)) return Number(text) !== 0;
  }
  return false;
}

/** Null, undefined (omitted), an empty string or a multi-valued value with no values. */
export function isNullOrEmpty(value: ExprValue | undefined): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return (value as readonly ExprValue[]).every((item) => isNullOrEmpty(item));
  return false;
}

/** Applies a string transform to a value, or to each value of a multi-valued one. Null stays null. */
export function mapStrings(value: ExprValue | undefined, transform: (text: string) => string): ExprValue {
  if (Array.isArray(value)) {
    return (value as readonly ExprValue[]).map((item) => mapStrings(item, transform));
  }
  const text = toStr(value);
  return text === null ? null : transform(text);
}

/** A short description of a value for error messages. */
export function describe(value: ExprValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (Array.isArray(value)) return 'a multi-valued value';
  if (typeof value === 'object') return 'a flow signal';
  return String(value);
}

/** The first flow signal among arguments, so eager functions pass "do not flow" through. */
export function flowSignalIn(args: readonly (ExprValue | undefined)[]): FlowSignal | undefined {
  for (const arg of args) {
    if (isFlowSignal(arg)) return arg;
  }
  return undefined;
}

/** Eager implementation signature used by the built-in definitions. */
export type EagerImpl = (args: readonly (ExprValue | undefined)[], ctx: EvaluationContext) => ExprValue;

/** Wraps an eager implementation so a flow signal in any argument is returned unchanged. */
export function passFlowSignals(impl: EagerImpl): EagerImpl {
  return (args, ctx) => {
    const signal = flowSignalIn(args);
    return signal ?? impl(args, ctx);
  };
}
