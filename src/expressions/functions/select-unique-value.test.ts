import { describe, expect, it } from 'vitest';
import type { EvaluationContext, ExprValue } from '../value.js';
import { FlowSignal } from '../value.js';
import { ExpressionRuntimeError } from './function-spec.js';
import { selectUniqueValue } from './select-unique-value.js';
import { testContext } from './test-helper.js';

/** Calls SelectUniqueValue with one thunk per value (`undefined` for an omitted rule). */
function select(values: readonly (ExprValue | undefined)[], ctx: EvaluationContext = testContext()) {
  return selectUniqueValue.callAsync!(
    values.map((value) => (value === undefined ? undefined : () => value)),
    ctx,
  );
}

/** The error a call rejects with. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('SelectUniqueValue at its edges', () => {
  it('names every candidate it tried when all are taken', async () => {
    const error = await rejection(select(['a', 'b'], testContext({ taken: ['a', 'b'] })));
    expect(error).toBeInstanceOf(ExpressionRuntimeError);
    expect(error.message).toBe('SelectUniqueValue: every candidate is already taken in the target: "a", "b"');
  });

  it('says so when no rule produced a value', async () => {
    const error = await rejection(select(['', null, undefined]));
    expect(error.message).toBe('SelectUniqueValue: no rule produced a value');
  });

  it('skips omitted rules, empty values and values without a string form', async () => {
    expect(await select([undefined, 'x'])).toBe('x');
    expect(await select(['', 'x'])).toBe('x');
    expect(await select([Number.POSITIVE_INFINITY, 'x'])).toBe('x');
  });

  it('returns a flow signal a rule yields', async () => {
    expect(await select([FlowSignal.ignoreObject, 'x'])).toBe(FlowSignal.ignoreObject);
  });

  it('takes the first candidate when the context cannot tell what is taken', async () => {
    const { isValueTaken: _unused, ...withoutLookup } = testContext({ taken: ['a'] });
    expect(await select(['a', 'b'], withoutLookup)).toBe('a');
  });
});
