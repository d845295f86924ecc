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
  /**
   * The same function as `call`, for callers that know no argument is a flow signal: it skips the
   * scan for one (set by defineEager, whose `call` only passes signals through and never makes one).
   */
  readonly callPlain?: (args: readonly (ExprValue | undefined)[], ctx: EvaluationContext) => ExprValue;
  /**
   * A lazy function that yields a flow signal only when one of its arguments does (IIF, Switch,
   * Coalesce), so a compiler can tell statically that a call cannot yield a signal.
   */
  readonly signalsFromArgumentsOnly?: boolean;
  /**
   * How many arguments a call may have, counting omitted positional ones. Set on every built-in:
   * `params` alone cannot say that Switch repeats key/value pairs or that SelectUniqueValue needs
   * at least two rules. `max` is undefined when the argument list is open-ended.
   */
  readonly arity?: Arity;
  /**
   * For variadic functions whose repeating tail is a group (Switch: key, value), the group size;
   * a call is valid only when the repeated arguments fill whole groups. Defaults to 1.
   */
  readonly variadicGroupSize?: number;
  /**
   * Optional save-time check of literal arguments (a regex or date format that cannot compile).
   * Receives the literal value of each argument, or `undefined` where it is not a literal;
   * returns one message per problem, naming the argument by index.
   */
  readonly checkLiterals?: (literals: readonly (ExprValue | undefined)[]) => readonly LiteralProblem[];
}

/** Bounds on a function's argument count. */
export interface Arity {
  readonly min: number;
  readonly max: number | undefined;
}

/** A problem a function found in one of its literal arguments at save time. */
export interface LiteralProblem {
  readonly argumentIndex: number;
  readonly message: string;
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
