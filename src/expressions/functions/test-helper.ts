import type { EvaluationContext, ExprValue } from '../value.js';
import { builtinFunctions } from './index.js';

/** A fixed context for tests: the clock at `now`, a seeded mulberry32 random, and a taken-values list. */
export function testContext(
  options: { now?: string; seed?: number; taken?: readonly string[] } = {},
): EvaluationContext {
  const time = Date.parse(options.now ?? '2021-07-02T15:33:38Z');
  let state = (options.seed ?? 1) >>> 0;
  const taken = new Set(options.taken ?? []);
  return {
    now: () => new Date(time),
    random: () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
    isValueTaken: (candidate) => taken.has(candidate),
  };
}

function spec(name: string) {
  const found = builtinFunctions.get(name.toLowerCase());
  if (!found) throw new Error(`no built-in named ${name}`);
  return found;
}

/** Calls a synchronous built-in by name with already-evaluated arguments (thunks are made for lazy ones). */
export function call(
  name: string,
  args: readonly (ExprValue | undefined)[],
  ctx: EvaluationContext = testContext(),
): ExprValue {
  const fn = spec(name);
  if (fn.call) return fn.call(args, ctx);
  if (fn.callLazy)
    return fn.callLazy(
      args.map((arg) => (arg === undefined ? undefined : () => arg)),
      ctx,
    );
  throw new Error(`${name} is asynchronous; use callAsync`);
}

/** Calls any built-in by name, awaiting asynchronous ones. */
export async function callAsync(
  name: string,
  args: readonly (ExprValue | undefined)[],
  ctx: EvaluationContext = testContext(),
): Promise<ExprValue> {
  const fn = spec(name);
  if (fn.callAsync)
    return fn.callAsync(
      args.map((arg) => (arg === undefined ? undefined : () => arg)),
      ctx,
    );
  return call(name, args, ctx);
}

/** The error `run` throws, or a failed test when it throws none: for exact checks of class and text. */
export function errorOf(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
