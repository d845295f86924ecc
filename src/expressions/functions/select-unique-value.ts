import { isFlowSignal } from '../value.js';
import type { FunctionSpec } from './function-spec.js';
import { ExpressionRuntimeError } from './function-spec.js';
import { defineAsync, p } from './define-function.js';
import { isNullOrEmpty, toStr } from './coerce.js';

/**
 * SelectUniqueValue(rule1, rule2, ...): evaluates the rules in order and returns the first value the
 * target reports as free (`ctx.isValueTaken`). Rules that give no value are skipped. When every value
 * is taken, the call fails (Entra escrows the object; the engine does the same with this error).
 * Without an `isValueTaken` callback every candidate counts as free.
 */
export const selectUniqueValue: FunctionSpec = defineAsync(
  {
    name: 'SelectUniqueValue',
    summary: 'Returns the first generated value that does not already exist in the target.',
    params: [p('uniqueValueRule1'), p('uniqueValueRule2', 'any', { variadic: true })],
  },
  async (rules, ctx) => {
    const tried: string[] = [];
    for (const rule of rules) {
      if (rule === undefined) continue;
      const value = rule();
      if (isFlowSignal(value)) return value;
      if (isNullOrEmpty(value)) continue;
      const candidate = toStr(value);
      if (candidate === null) continue;
      tried.push(candidate);
      const taken = ctx.isValueTaken ? await ctx.isValueTaken(candidate, undefined) : false;
      if (!taken) return candidate;
    }
    throw new ExpressionRuntimeError(
      'SelectUniqueValue',
      tried.length === 0
        ? 'no rule produced a value'
        : `every candidate is already taken in the target: ${tried.map((t) => JSON.stringify(t)).join(', ')}`,
    );
  },
);
