import type { ExprValue } from '../value.js';
import type { Arity, FunctionSpec, LiteralProblem, ParamSpec } from './function-spec.js';
import { passFlowSignals } from './coerce.js';
import type { EagerImpl } from './coerce.js';

/** Parameter shorthand: `p('source')`, `p('start', 'number', { optional: true })`. */
export function p(
  name: string,
  kind: ParamSpec['kind'] = 'any',
  flags: { optional?: boolean; variadic?: boolean } = {},
): ParamSpec {
  return { name, kind, ...flags };
}

interface Definition {
  readonly name: string;
  readonly summary: string;
  readonly params: readonly ParamSpec[];
  readonly volatile?: boolean;
  /** Overrides the arity derived from `params`. */
  readonly arity?: Arity;
  readonly variadicGroupSize?: number;
  readonly checkLiterals?: (literals: readonly (ExprValue | undefined)[]) => readonly LiteralProblem[];
  /** Lazy functions only: a flow signal comes out only when an argument yields one. */
  readonly signalsFromArgumentsOnly?: boolean;
}

/** Arity from the parameter list: required params count toward `min`; a variadic tail opens `max`. */
export function deriveArity(params: readonly ParamSpec[]): Arity {
  let min = 0;
  params.forEach((param, index) => {
    if (!param.optional && !param.variadic) min = index + 1;
    if (param.variadic && !param.optional) min = index + 1;
  });
  const open = params.some((param) => param.variadic);
  return { min, max: open ? undefined : params.length };
}

function base(def: Definition): Omit<FunctionSpec, 'call' | 'callPlain' | 'callLazy' | 'callAsync'> {
  return {
    name: def.name,
    summary: def.summary,
    params: def.params,
    arity: def.arity ?? deriveArity(def.params),
    ...(def.volatile ? { volatile: true } : {}),
    ...(def.variadicGroupSize ? { variadicGroupSize: def.variadicGroupSize } : {}),
    ...(def.checkLiterals ? { checkLiterals: def.checkLiterals } : {}),
    ...(def.signalsFromArgumentsOnly ? { signalsFromArgumentsOnly: true } : {}),
  };
}

/** An eager built-in: arguments arrive evaluated; a flow signal in any argument is passed through. */
export function defineEager(def: Definition, impl: EagerImpl): FunctionSpec {
  return { ...base(def), call: passFlowSignals(impl), callPlain: impl };
}

/** An eager built-in that sees flow signals itself (IgnoreFlowIfNullOrEmpty). */
export function defineRaw(def: Definition, impl: EagerImpl): FunctionSpec {
  return { ...base(def), call: impl };
}

/** A lazy built-in: arguments arrive as thunks so untaken branches are never evaluated. */
export function defineLazy(def: Definition, impl: NonNullable<FunctionSpec['callLazy']>): FunctionSpec {
  return { ...base(def), callLazy: impl };
}

/** An asynchronous built-in (SelectUniqueValue). */
export function defineAsync(def: Definition, impl: NonNullable<FunctionSpec['callAsync']>): FunctionSpec {
  return { ...base(def), async: true, callAsync: impl };
}
