import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ExprValue } from '../value.js';
import { FlowSignal } from '../value.js';
import { ExpressionRuntimeError } from './function-spec.js';
import { builtinFunctionList } from './index.js';
import { testContext } from './test-helper.js';

/**
 * Every built-in, called with arbitrary values (including omitted arguments, flow signals, odd
 * numbers and unicode), either returns an expression value or throws ExpressionRuntimeError: never
 * a TypeError or RangeError from inside the implementation.
 */

const scalar: fc.Arbitrary<ExprValue> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.constantFrom(
    '',
    'True',
    'false',
    '2021-08-24',
    '8/25/2021 5:41:18 PM',
    '(?<a>x)',
    'yyyy-MM-dd',
    '&HF',
    '1e400',
  ),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const value: fc.Arbitrary<ExprValue | undefined> = fc.oneof(
  { weight: 6, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom(FlowSignal.ignoreAttribute, FlowSignal.ignoreObject) },
);

function isExprValue(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return true;
  if (v instanceof FlowSignal) return true;
  return Array.isArray(v) && v.every(isExprValue);
}

describe('built-ins on arbitrary input', () => {
  for (const spec of builtinFunctionList) {
    it(`${spec.name} returns a value or throws ExpressionRuntimeError`, async () => {
      const max = spec.arity?.max ?? spec.params.length + 3;
      await fc.assert(
        fc.asyncProperty(
          fc.array(value, { maxLength: Math.max(max, 1) }),
          fc.integer(),
          async (args, seed) => {
            const ctx = testContext({ seed, taken: ['x'] });
            const thunks = args.map((arg) => (arg === undefined ? undefined : () => arg as ExprValue));
            try {
              const result = spec.call
                ? spec.call(args, ctx)
                : spec.callLazy
                  ? spec.callLazy(thunks, ctx)
                  : await spec.callAsync!(thunks, ctx);
              expect(isExprValue(result)).toBe(true);
            } catch (error) {
              if (!(error instanceof ExpressionRuntimeError)) throw error;
              expect(error.message.startsWith(`${error.functionName}: `)).toBe(true);
            }
          },
        ),
        { numRuns: 150 },
      );
    });
  }
});
