import { isFlowSignal } from '../value.js';
import type { ExprValue } from '../value.js';
import type { FunctionSpec } from './function-spec.js';
import { ExpressionRuntimeError } from './function-spec.js';
import { defineEager, defineLazy, p } from './define-function.js';
import { firstValue, isNullOrEmpty, toBool, toNum, toStr } from './coerce.js';

/** Logic and test functions: BitAnd, CBool, Coalesce, IIF, IsNull, IsNullOrEmpty, IsPresent, IsString, Not, Switch. */

function toBigInt(value: ExprValue | undefined, param: string): bigint | null {
  const n = toNum(value, 'BitAnd', param);
  if (n === null) return null;
  if (!Number.isInteger(n))
    throw new ExpressionRuntimeError('BitAnd', `${param} must be an integer, got ${n}`);
  return BigInt(n);
}

/** BitAnd(value1, value2): bitwise AND of two integers (64-bit, like .NET's long). */
export const bitAnd = defineEager(
  {
    name: 'BitAnd',
    summary: 'Bitwise AND of two integers.',
    params: [p('value1', 'number'), p('value2', 'number')],
  },
  ([value1, value2]) => {
    const a = toBigInt(value1, 'value1');
    const b = toBigInt(value2, 'value2');
    if (a === null || b === null) return null;
    if (a >= -0x80000000n && a <= 0x7fffffffn && b >= -0x80000000n && b <= 0x7fffffffn)
      return Number(a) & Number(b);
    return Number(BigInt.asIntN(64, a & b));
  },
);

/** CBool(expression): true when the value is true, "True", or a non-zero number. */
export const cbool = defineEager(
  {
    name: 'CBool',
    summary: 'Returns True when the expression is true or a non-zero number, otherwise False.',
    params: [p('expression')],
  },
  ([value]) => toBool(value),
);

/** Coalesce(source1, ..., defaultValue): the first argument that has a value (lazy). */
export const coalesce = defineLazy(
  {
    name: 'Coalesce',
    signalsFromArgumentsOnly: true,
    summary: 'Returns the first argument that is not null.',
    params: [p('source1'), p('sources', 'any', { variadic: true, optional: true })],
  },
  (args) => {
    for (const thunk of args) {
      if (thunk === undefined) continue;
      const value = thunk();
      if (value === null || (Array.isArray(value) && value.length === 0)) continue;
      return value;
    }
    return null;
  },
);

/** IIF(condition, valueIfTrue, valueIfFalse): evaluates only the chosen branch. */
export const iif = defineLazy(
  {
    name: 'IIF',
    signalsFromArgumentsOnly: true,
    summary: 'Returns valueIfTrue when the condition is true, otherwise valueIfFalse.',
    params: [p('condition'), p('valueIfTrue'), p('valueIfFalse')],
  },
  ([condition, whenTrue, whenFalse]) => {
    const test = condition?.() ?? null;
    if (isFlowSignal(test)) return test;
    const branch = toBool(test) ? whenTrue : whenFalse;
    return branch?.() ?? null;
  },
);

/** IsNull(expression): true when there is no value. */
export const isNull = defineEager(
  {
    name: 'IsNull',
    summary: 'Returns True when the expression has no value.',
    params: [p('expression')],
  },
  ([value]) => value === null || value === undefined || (Array.isArray(value) && value.length === 0),
);

/** IsNullOrEmpty(expression): true when there is no value or it is the empty string. */
export const isNullOrEmptyFunction = defineEager(
  {
    name: 'IsNullOrEmpty',
    summary: 'Returns True when the expression has no value or is an empty string.',
    params: [p('expression')],
  },
  ([value]) => isNullOrEmpty(value),
);

/** IsPresent(expression): the inverse of IsNullOrEmpty. */
export const isPresent = defineEager(
  {
    name: 'IsPresent',
    summary: 'Returns True when the expression has a non-empty value.',
    params: [p('expression')],
  },
  ([value]) => !isNullOrEmpty(value),
);

/** IsString(expression): true when the value is a string (the empty string included). */
export const isString = defineEager(
  {
    name: 'IsString',
    summary: 'Returns True when the expression evaluates to a string.',
    params: [p('expression')],
  },
  ([value]) => typeof firstValue(value) === 'string',
);

/** Not(source): False when source is True, otherwise True. */
export const not = defineEager(
  {
    name: 'Not',
    summary: 'Flips a boolean: True becomes False; anything else becomes True.',
    params: [p('source')],
  },
  ([value]) => !toBool(value),
);

/**
 * Switch(source, defaultValue, key1, value1, ...): the value paired with the first key equal to
 * source (case-sensitive string comparison), else defaultValue. A source with no value matches
 * the key "" (Entra's documented workaround for empty attributes relies on it).
 */
export const switchFunction = defineLazy(
  {
    name: 'Switch',
    signalsFromArgumentsOnly: true,
    summary: 'Returns the value paired with the first key equal to source, or defaultValue.',
    params: [
      p('source'),
      p('defaultValue', 'any', { optional: true }),
      p('key', 'any', { variadic: true }),
      p('value', 'any', { variadic: true }),
    ],
    arity: { min: 4, max: undefined },
    variadicGroupSize: 2,
  },
  (args) => {
    const sourceValue = args[0]?.() ?? null;
    if (isFlowSignal(sourceValue)) return sourceValue;
    const source = toStr(sourceValue) ?? '';
    for (let i = 2; i + 1 < args.length; i += 2) {
      const key = args[i]?.() ?? null;
      if (isFlowSignal(key)) return key;
      if ((toStr(key) ?? '') === source) return args[i + 1]?.() ?? null;
    }
    return args[1]?.() ?? null;
  },
);

/** The logic functions, for index.ts. */
export const logicFunctions: readonly FunctionSpec[] = [
  bitAnd,
  cbool,
  coalesce,
  iif,
  isNull,
  isNullOrEmptyFunction,
  isPresent,
  isString,
  not,
  switchFunction,
];
