import type { ArgumentNode, CallNode, ExpressionNode } from './expression-ast.js';
import type { FunctionSpec, Thunk } from './functions/function-spec.js';
import { ExpressionRuntimeError } from './functions/function-spec.js';
import type { EvaluationContext, ExprValue, SourceAttributes } from './value.js';
import { FlowSignal } from './value.js';
import { compileAttributeReader } from './attribute-reader.js';
import { compareValues } from './compare-values.js';
import { resolveFunction } from './expression-checker.js';

/** A compiled node: one closure per AST node, called per evaluation. */
export type Evaluator = (attributes: SourceAttributes, ctx: EvaluationContext) => ExprValue;
/** The root of an expression whose top is an asynchronous function. */
export type AsyncEvaluator = (attributes: SourceAttributes, ctx: EvaluationContext) => Promise<ExprValue>;

type ArgEvaluator = (attributes: SourceAttributes, ctx: EvaluationContext) => ExprValue | undefined;

interface Compiled {
  readonly evaluate: Evaluator;
  /** Set when the node's value is known at compile time (literals, folded pure calls). */
  readonly constant?: { readonly value: ExprValue };
  /**
   * False when the node can never yield a flow signal (attributes, literals, eager built-ins over
   * such arguments): calls over such arguments skip the per-call scan for a signal.
   */
  readonly mayFlow: boolean;
}

/** What compiling a checked tree yields. */
export interface CompiledTree {
  readonly evaluate: Evaluator;
  /** Present when the top of the expression is an asynchronous function. */
  readonly evaluateAsync: AsyncEvaluator | undefined;
}

/**
 * Compiles a checked tree (no `invalid` nodes, every function known) into closures. Attribute names
 * are resolved once, calls to pure functions on literal arguments are folded to constants, lazy
 * functions receive thunks, and anything a function throws becomes an ExpressionRuntimeError naming
 * the function.
 *
 * Flow signals: eager built-ins pass the first signal among their arguments through,
 * which is how `Join(" ", IgnoreAttributeFlow, [x])` yields IgnoreAttributeFlow; lazy ones hand back
 * whatever the branch they take yields; a comparison with a signal on either side yields that signal.
 */
export function compileTree(
  root: ExpressionNode,
  functions: ReadonlyMap<string, FunctionSpec>,
): CompiledTree {
  const compileNode = (node: ExpressionNode): Compiled => {
    switch (node.kind) {
      case 'string':
      case 'number':
      case 'constant':
        return constant(node.value);
      case 'flow':
        return constant(node.scope === 'object' ? FlowSignal.ignoreObject : FlowSignal.ignoreAttribute);
      case 'attribute':
        // The reader ignores the context, so it serves as the evaluator itself (one call less).
        return { evaluate: compileAttributeReader(node.name), mayFlow: false };
      case 'comparison':
        return compileComparison(node.operator, compileNode(node.left), compileNode(node.right));
      case 'call':
        return compileCall(node, specFor(node), node.args.map(compileArgument));
      case 'invalid':
        throw new Error(`Cannot compile an expression with syntax errors (at offset ${node.span.start})`);
      default:
        return assertNever(node);
    }
  };

  const compileArgument = (node: ArgumentNode): Compiled | undefined =>
    node.kind === 'omitted' ? undefined : compileNode(node);

  const specFor = (node: CallNode): FunctionSpec => {
    const spec = resolveFunction(functions, node.name);
    if (!spec) throw new Error(`Cannot compile a call to unknown function '${node.name}'`);
    return spec;
  };

  if (root.kind === 'call') {
    const spec = specFor(root);
    if (spec.async) {
      const args = root.args.map(compileArgument);
      const name = spec.name;
      const callAsync = spec.callAsync;
      return {
        evaluate: () => {
          throw new ExpressionRuntimeError(
            name,
            'is asynchronous: evaluate the expression with evaluateAsync',
          );
        },
        evaluateAsync: async (attributes, ctx) => {
          if (!callAsync) throw new ExpressionRuntimeError(name, 'has no implementation');
          try {
            return await callAsync(thunksFor(args, attributes, ctx), ctx);
          } catch (error) {
            throw runtimeError(name, error);
          }
        },
      };
    }
  }
  return { evaluate: compileNode(root).evaluate, evaluateAsync: undefined };
}

function constant(value: ExprValue): Compiled {
  return { evaluate: () => value, constant: { value }, mayFlow: value instanceof FlowSignal };
}

function compileComparison(
  operator: Parameters<typeof compareValues>[0],
  left: Compiled,
  right: Compiled,
): Compiled {
  const l = left.evaluate;
  const r = right.evaluate;
  const general = (a: ExprValue, b: ExprValue): ExprValue => {
    if (a instanceof FlowSignal || b instanceof FlowSignal) return firstSignal(a, b);
    return compareValues(operator, a, b);
  };
  let evaluate: Evaluator;
  if (operator === '=' || operator === '<>') {
    // Fast path for the common `[attr]="literal"`: two strings compare exactly (see compareValues).
    const equal = operator === '=';
    evaluate = (attributes, ctx) => {
      const a = l(attributes, ctx);
      const b = r(attributes, ctx);
      if (typeof a === 'string' && typeof b === 'string') return (a === b) === equal;
      return general(a, b);
    };
  } else {
    evaluate = (attributes, ctx) => general(l(attributes, ctx), r(attributes, ctx));
  }
  if (left.constant && right.constant) return constant(evaluate({}, foldingContext));
  return { evaluate, mayFlow: left.mayFlow || right.mayFlow };
}

/** The first signal, in source order: the same rule the eager built-ins apply to their arguments. */
function firstSignal(a: ExprValue, b: ExprValue): FlowSignal {
  return a instanceof FlowSignal ? a : (b as FlowSignal);
}

function compileCall(node: CallNode, spec: FunctionSpec, args: readonly (Compiled | undefined)[]): Compiled {
  const name = spec.name;
  const argsMayFlow = args.some((arg) => arg?.mayFlow === true);
  let evaluate: Evaluator;
  let mayFlow = true;
  if (spec.call) {
    // Without a possible signal among the arguments, the signal scan is skipped altogether.
    const call = !argsMayFlow && spec.callPlain ? spec.callPlain : spec.call;
    evaluate = eagerCall(name, call, args);
    if (spec.callPlain) mayFlow = argsMayFlow;
  } else if (spec.callLazy) {
    if (spec.signalsFromArgumentsOnly) mayFlow = argsMayFlow;
    evaluate = lazyCall(name, spec.callLazy, args);
  } else {
    // The checker keeps asynchronous functions at the top, where compileTree handles them.
    evaluate = () => {
      throw new ExpressionRuntimeError(name, `cannot run here (at offset ${node.span.start})`);
    };
  }
  if (!spec.volatile && !spec.async && args.every((arg) => arg === undefined || arg.constant)) {
    try {
      return constant(evaluate({}, foldingContext));
    } catch {
      // Leave the error to evaluation time, where it is reported per object like any other.
    }
  }
  return { evaluate, mayFlow };
}

/** Eager calls, specialised by argument count so the common ones allocate only their argument array. */
function eagerCall(
  name: string,
  call: NonNullable<FunctionSpec['call']>,
  compiled: readonly (Compiled | undefined)[],
): Evaluator {
  const args: ArgEvaluator[] = compiled.map((arg) => (arg ? arg.evaluate : omitted));
  const invoke = (values: readonly (ExprValue | undefined)[], ctx: EvaluationContext): ExprValue => {
    try {
      return call(values, ctx);
    } catch (error) {
      throw runtimeError(name, error);
    }
  };
  // Constant and omitted arguments are copied from a template instead of called for: most calls have
  // one computed argument (`Replace([x], , "re", , "", , )`, `Left([x], 1)`).
  const dynamic = compiled.flatMap((arg, i) => (arg && !arg.constant ? [i] : []));
  if (dynamic.length < compiled.length && compiled.length > 1) {
    const template = compiled.map((arg) => arg?.constant?.value);
    const [d0, d1] = dynamic;
    if (dynamic.length === 1 && d0 !== undefined) {
      const e0 = args[d0] as ArgEvaluator;
      return (attributes, ctx) => {
        const values = template.slice();
        values[d0] = e0(attributes, ctx);
        try {
          return call(values, ctx);
        } catch (error) {
          throw runtimeError(name, error);
        }
      };
    }
    if (dynamic.length === 2 && d0 !== undefined && d1 !== undefined) {
      const e0 = args[d0] as ArgEvaluator;
      const e1 = args[d1] as ArgEvaluator;
      return (attributes, ctx) => {
        const values = template.slice();
        values[d0] = e0(attributes, ctx);
        values[d1] = e1(attributes, ctx);
        try {
          return call(values, ctx);
        } catch (error) {
          throw runtimeError(name, error);
        }
      };
    }
  }
  const [a0, a1, a2] = args;
  switch (args.length) {
    case 0: {
      const none: readonly ExprValue[] = [];
      return (_attributes, ctx) => invoke(none, ctx);
    }
    case 1:
      if (a0) {
        return (attributes, ctx) => {
          const values = [a0(attributes, ctx)];
          try {
            return call(values, ctx);
          } catch (error) {
            throw runtimeError(name, error);
          }
        };
      }
      break;
    case 2:
      if (a0 && a1) {
        return (attributes, ctx) => {
          const values = [a0(attributes, ctx), a1(attributes, ctx)];
          try {
            return call(values, ctx);
          } catch (error) {
            throw runtimeError(name, error);
          }
        };
      }
      break;
    case 3:
      if (a0 && a1 && a2) {
        return (attributes, ctx) => {
          const values = [a0(attributes, ctx), a1(attributes, ctx), a2(attributes, ctx)];
          try {
            return call(values, ctx);
          } catch (error) {
            throw runtimeError(name, error);
          }
        };
      }
      break;
  }
  const count = args.length;
  return (attributes, ctx) => {
    const values = new Array<ExprValue | undefined>(count);
    for (let i = 0; i < count; i++) values[i] = (args[i] as ArgEvaluator)(attributes, ctx);
    return invoke(values, ctx);
  };
}

const omitted: ArgEvaluator = () => undefined;

/**
 * Lazy calls (IIF, Switch, Coalesce) get thunks made once at compile time, not per evaluation: each
 * reads the attributes and context of the call in progress from variables the call sets, and puts
 * back on return, so a re-entrant evaluation of the same node still sees its own. A lazy function
 * calls its thunks while it runs, never later.
 */
function lazyCall(
  name: string,
  callLazy: NonNullable<FunctionSpec['callLazy']>,
  args: readonly (Compiled | undefined)[],
): Evaluator {
  let currentAttributes: SourceAttributes = {};
  let currentCtx: EvaluationContext = foldingContext;
  const fixed = constantThunks(args);
  const thunks = args.map((arg, i): Thunk | undefined => {
    if (arg === undefined) return undefined;
    const constantThunk = fixed[i];
    if (constantThunk) return constantThunk;
    const evaluate = arg.evaluate;
    return () => evaluate(currentAttributes, currentCtx);
  });
  return (attributes, ctx) => {
    const outerAttributes = currentAttributes;
    const outerCtx = currentCtx;
    currentAttributes = attributes;
    currentCtx = ctx;
    try {
      return callLazy(thunks, ctx);
    } catch (error) {
      throw runtimeError(name, error);
    } finally {
      currentAttributes = outerAttributes;
      currentCtx = outerCtx;
    }
  };
}

/** Thunks for constant arguments, made once: only computed arguments need a thunk per evaluation. */
function constantThunks(args: readonly (Compiled | undefined)[]): readonly (Thunk | undefined)[] {
  return args.map((arg) => {
    if (!arg?.constant) return undefined;
    const value = arg.constant.value;
    return () => value;
  });
}

function thunksFor(
  args: readonly (Compiled | undefined)[],
  attributes: SourceAttributes,
  ctx: EvaluationContext,
  fixed?: readonly (Thunk | undefined)[],
): (Thunk | undefined)[] {
  const thunks = new Array<Thunk | undefined>(args.length);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === undefined) continue;
    const constantThunk = fixed?.[i];
    if (constantThunk) {
      thunks[i] = constantThunk;
      continue;
    }
    const evaluate = arg.evaluate;
    thunks[i] = () => evaluate(attributes, ctx);
  }
  return thunks;
}

function runtimeError(functionName: string, error: unknown): ExpressionRuntimeError {
  if (error instanceof ExpressionRuntimeError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const wrapped = new ExpressionRuntimeError(functionName, message);
  if (error instanceof Error) wrapped.cause = error;
  return wrapped;
}

/**
 * The context used while folding constants: any use of the clock, randomness or the target means
 * the call was not pure after all, so folding is abandoned and the call runs per evaluation.
 */
const foldingContext: EvaluationContext = {
  now: () => {
    throw new Error('not constant');
  },
  random: () => {
    throw new Error('not constant');
  },
  isValueTaken: () => {
    throw new Error('not constant');
  },
  get appRoleAssignments(): never {
    throw new Error('not constant');
  },
};

function assertNever(value: never): never {
  throw new Error(`Unhandled node: ${JSON.stringify(value)}`);
}
