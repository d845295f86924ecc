import type { EvaluationContext, ExprValue } from '../value.js';

/**
 * What the checker needs to know about a parameter when the argument is a literal: Entra rejects
 * `Left([x], "three")` at save time, and so do we.
 */
export type ParamKind = 'any' | 'string' | 'number' | 'boolean';

export interface ParamSpec {
  readonly name: string;
  readonly kind: ParamKind;
  /** Optional parameters may be omitted (`Replace([x], , "re", , "", , )`) or left off the end. */
  readonly optional?: boolean;
  /** The last parameter may repeat (Join, Coalesce, Switch pairs, ...). */
  readonly variadic?: boolean;
}

/**
 * An argument as a function receives it. Eager functions get values; lazy ones (IIF, Coalesce,
 * Switch, SelectUniqueValue) get thunks so untaken branches are never evaluated. An omitted
 * positional argument is `undefined`.
 */
export type Thunk = () => ExprValue;

export interface FunctionSpec {
  /** Canonical spelling as Entra documents it, e.g. "NormalizeDiacritics". Lookup is case-insensitive. */
  readonly name: string;
  readonly params: readonly ParamSpec[];
  /** One-line description for diagnostics and docs. */
  readonly summary: string;
  /** Calls with the same arguments may give different results (Now, Guid, RandomString). */
  readonly volatile?: boolean;
  /** Async functions (SelectUniqueValue) make the whole expression evaluate asynchronously. */
  readonly async?: boolean;
  /** Exactly one of `call`, `callLazy` or `callAsync` is set. */
  readonly call?: (args: readonly (ExprValue | undefined)[], ctx: EvaluationContext) => ExprValue;
  readonly callLazy?: (args: readonly (Thunk | undefined)[], ctx: EvaluationContext) => ExprValue;
  readonly callAsync?: (args: readonly (Thunk | undefined)[], ctx: EvaluationContext) => Promise<ExprValue>;
}

/** Errors raised while a function runs (bad date, bad regex at run time, ...): the engine logs them per object. */
export class ExpressionRuntimeError extends Error {
  constructor(
    readonly functionName: string,
    message: string,
  ) {
    super(`${functionName}: ${message}`);
    this.name = 'ExpressionRuntimeError';
  }
}
