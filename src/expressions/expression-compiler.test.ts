/**
 * compileTree beyond what compileExpression reaches: each shape of eager call (one to four computed
 * arguments beside constant and omitted ones) passes the right values and names the function when
 * it throws; folding stops at every part of the context; and the guards for trees the checker would
 * have refused say what is wrong.
 */
import { describe, expect, it } from 'vitest';
import { compileExpression } from './compile-expression.js';
import { createEvaluationContext } from './create-context.js';
import { compileTree } from './expression-compiler.js';
import { parseExpression } from './expression-parser.js';
import type { FunctionSpec } from './functions/function-spec.js';
import { ExpressionRuntimeError } from './functions/function-spec.js';
import type { EvaluationContext, ExprValue } from './value.js';
import { FlowSignal, isFlowSignal } from './value.js';

const show = (args: readonly (ExprValue | undefined)[]): string =>
  JSON.stringify(args.map((a) => (a === undefined ? '<omitted>' : a)));

/** Functions whose results show their arguments, or fail naming them, or read the context. */
const specs: FunctionSpec[] = [
  {
    name: 'Args',
    summary: 'shows its arguments',
    params: [{ name: 'x', kind: 'any', variadic: true, optional: true }],
    call: show,
  },
  {
    name: 'Fail',
    summary: 'fails, showing its arguments',
    params: [{ name: 'x', kind: 'any', variadic: true, optional: true }],
    call: (args) => {
      throw new RangeError(show(args));
    },
  },
  {
    name: 'Throws',
    summary: 'throws something that is not an Error',
    params: [{ name: 'x', kind: 'any', optional: true }],
    call: (args) => {
      throw `raw ${String(args[0])}`;
    },
  },
  {
    name: 'Rand',
    summary: 'not volatile, yet reads the randomness',
    params: [{ name: 'x', kind: 'any', optional: true }],
    call: (_args, ctx) => ctx.random(),
  },
  {
    name: 'Taken',
    summary: 'not volatile, yet asks the target',
    params: [{ name: 'x', kind: 'string' }],
    call: ([x], ctx) => String(ctx.isValueTaken?.(String(x), undefined)),
  },
  {
    name: 'Clock',
    summary: 'not volatile, yet reads the clock (without calling a method on it)',
    params: [],
    call: (_args, ctx) => JSON.stringify(ctx.now()),
  },
  {
    name: 'Roles',
    summary: 'not volatile, yet reads the app roles',
    params: [],
    call: (_args, ctx) => (ctx.appRoleAssignments ?? []).map((role) => role.value).join(','),
  },
  {
    name: 'List',
    summary: 'returns the argument array it was given, as a multi-valued result',
    params: [{ name: 'x', kind: 'any', variadic: true, optional: true }],
    call: (args) => args as readonly ExprValue[],
  },
  {
    name: 'Lazy',
    summary: 'lazy: shows which arguments were given, evaluating them in order',
    params: [{ name: 'x', kind: 'any', variadic: true, optional: true }],
    callLazy: (thunks) => show(thunks.map((thunk) => thunk?.())),
  },
  {
    name: 'Stop',
    summary: 'lazy, and yields a flow signal of its own, not one of its arguments',
    params: [{ name: 'x', kind: 'any', optional: true }],
    callLazy: () => FlowSignal.ignoreAttribute,
  },
  {
    name: 'Wrap',
    summary: 'eager, with a plain form that skips the scan for a signal',
    params: [{ name: 'x', kind: 'any', optional: true }],
    call: ([x]) => (isFlowSignal(x) ? x : `wrapped ${String(x)}`),
    callPlain: ([x]) => `wrapped ${String(x)}`,
  },
  {
    name: 'Later',
    summary: 'asynchronous, declared without an implementation',
    params: [{ name: 'x', kind: 'any', optional: true }],
    async: true,
  },
  {
    name: 'Soon',
    summary: 'asynchronous',
    params: [{ name: 'x', kind: 'any', optional: true }],
    async: true,
    callAsync: async ([x]) => `soon ${String(x?.())}`,
  },
];
const functions = new Map(specs.map((spec) => [spec.name.toLowerCase(), spec] as const));
const ctx = createEvaluationContext({ seed: 7, taken: ['jdoe'] });
const attributes = { a: 'A', b: 'B', c: 'C', d: 'D' };

function tree(source: string) {
  const parsed = parseExpression(source);
  if (!parsed.expression || parsed.diagnostics.length > 0) throw new Error(`does not parse: ${source}`);
  return compileTree(parsed.expression, functions);
}
const run = (source: string, context: EvaluationContext = ctx): ExprValue =>
  tree(source).evaluate(attributes, context);

function failure(source: string): ExpressionRuntimeError {
  try {
    run(source);
  } catch (error) {
    if (error instanceof ExpressionRuntimeError) return error;
    throw error;
  }
  throw new Error(`expected ${source} to fail`);
}

describe('compileTree: eager calls of every shape', () => {
  it.each([
    ['Args()', []],
    ['Args([a])', ['A']],
    ['Args([a], [b])', ['A', 'B']],
    ['Args([a], [b], [c])', ['A', 'B', 'C']],
    ['Args([a], [b], [c], [d])', ['A', 'B', 'C', 'D']],
    ['Args([a], "k")', ['A', 'k']],
    ['Args("k", , [a])', ['k', '<omitted>', 'A']],
    ['Args([a], "k", [b])', ['A', 'k', 'B']],
    ['Args(, [a], [b], )', ['<omitted>', 'A', 'B', '<omitted>']],
    ['Args([a], [b], [c], "k")', ['A', 'B', 'C', 'k']],
    ['Args([a], )', ['A', '<omitted>']],
    ['Args(, , )', ['<omitted>', '<omitted>', '<omitted>']],
  ])('%s receives %j', (source, expected) => {
    expect(run(source)).toBe(JSON.stringify(expected));
    // A second evaluation starts from the same template, not from the first one's values.
    expect(tree(source).evaluate({ a: 1, b: 2, c: 3, d: 4 }, ctx)).toBe(
      JSON.stringify(expected.map((v) => ({ A: 1, B: 2, C: 3, D: 4 })[v as string] ?? v)),
    );
  });

  it.each([
    ['Fail([a])', ['A']],
    ['Fail([a], [b])', ['A', 'B']],
    ['Fail([a], [b], [c])', ['A', 'B', 'C']],
    ['Fail([a], [b], [c], [d])', ['A', 'B', 'C', 'D']],
    ['Fail([a], "k")', ['A', 'k']],
    ['Fail([a], "k", [b])', ['A', 'k', 'B']],
    ['Fail([a], )', ['A', '<omitted>']],
    ['Fail()', []],
  ])('%s fails as an ExpressionRuntimeError naming the function, the cause kept', (source, args) => {
    const error = failure(source);
    expect(error.functionName).toBe('Fail');
    expect(error.message).toBe(`Fail: ${JSON.stringify(args)}`);
    expect(error.cause).toBeInstanceOf(RangeError);
  });

  it('each evaluation gets an argument array of its own', () => {
    for (const source of ['List([a], "k")', 'List([a], [b], "k")', 'List([a])', 'List([a], [b])']) {
      const compiled = tree(source);
      const first = compiled.evaluate({ a: 1, b: 2 }, ctx);
      const snapshot = JSON.stringify(first);
      compiled.evaluate({ a: 3, b: 4 }, ctx);
      expect(JSON.stringify(first)).toBe(snapshot);
    }
  });

  it('a lazy call gets no thunk for an omitted argument and one for each other', () => {
    expect(run('Lazy([a], , "k", [b])')).toBe(JSON.stringify(['A', '<omitted>', 'k', 'B']));
    expect(run('Lazy(, [a])')).toBe(JSON.stringify(['<omitted>', 'A']));
  });

  it('an ExpressionRuntimeError from inside a lazy argument keeps the name of the function that threw', () => {
    const error = failure('Lazy(Fail([a]))');
    expect(error.functionName).toBe('Fail');
    expect(error.message).toBe('Fail: ["A"]');
  });

  it('a signal a lazy function yields by itself reaches the eager call around it', () => {
    expect(run('Wrap(Stop([a]))')).toBe(FlowSignal.ignoreAttribute);
    expect(run('Wrap([a])')).toBe('wrapped A');
  });

  it('a thrown value that is not an Error becomes the message, with no cause', () => {
    const error = failure('Throws([a])');
    expect(error.message).toBe('Throws: raw A');
    expect(error.cause).toBeUndefined();
  });
});

describe('compileTree: folding', () => {
  /** A function that counts its calls and needs nothing from the context. */
  function counting(volatile: boolean) {
    let calls = 0;
    const spec: FunctionSpec = {
      name: 'Count',
      summary: 'counts its calls',
      params: [{ name: 'x', kind: 'any', variadic: true, optional: true }],
      ...(volatile ? { volatile: true } : {}),
      call: () => ++calls,
    };
    return { library: new Map([['count', spec]]), calls: () => calls };
  }
  const compiledWith = (source: string, library: ReadonlyMap<string, FunctionSpec>) =>
    compileTree(parseExpression(source).expression!, library);

  it('a pure call on constant and omitted arguments runs once, at compile time', () => {
    const { library, calls } = counting(false);
    const compiled = compiledWith('Count("a", , "b")', library);
    expect(calls()).toBe(1);
    expect(compiled.evaluate({}, ctx)).toBe(1);
    expect(compiled.evaluate({}, ctx)).toBe(1);
    expect(calls()).toBe(1);
  });

  it('a volatile call runs at every evaluation, even when it needs nothing from the context', () => {
    const { library, calls } = counting(true);
    const compiled = compiledWith('Count("a")', library);
    expect(calls()).toBe(0);
    expect(compiled.evaluate({}, ctx)).toBe(1);
    expect(compiled.evaluate({}, ctx)).toBe(2);
  });

  it('a call on an attribute runs at every evaluation', () => {
    const { library, calls } = counting(false);
    const compiled = compiledWith('Count([a], "b")', library);
    expect(calls()).toBe(0);
    compiled.evaluate(attributes, ctx);
    expect(calls()).toBe(1);
  });

  it('a call that reads the randomness, the target, the clock or the app roles is not folded', () => {
    const first = createEvaluationContext({ seed: 1 });
    const second = createEvaluationContext({ seed: 2 });
    const rand = tree('Rand("x")');
    expect(rand.evaluate({}, first)).toBe(createEvaluationContext({ seed: 1 }).random());
    expect(rand.evaluate({}, second)).toBe(createEvaluationContext({ seed: 2 }).random());

    const taken = tree('Taken("jdoe")');
    expect(taken.evaluate({}, ctx)).toBe('true');
    expect(taken.evaluate({}, createEvaluationContext())).toBe('false');

    const clock = tree('Clock()');
    expect(clock.evaluate({}, createEvaluationContext({ now: new Date(5) }))).toBe(
      '"1970-01-01T00:00:00.005Z"',
    );
    expect(clock.evaluate({}, createEvaluationContext({ now: new Date(6) }))).toBe(
      '"1970-01-01T00:00:00.006Z"',
    );

    const roles = tree('Roles()');
    const withRoles = createEvaluationContext({
      appRoleAssignments: [{ id: '1', displayName: 'Admin', value: 'admin' }],
    });
    expect(roles.evaluate({}, withRoles)).toBe('admin');
    expect(roles.evaluate({}, ctx)).toBe('');
  });
});

describe('compileTree: asynchronous functions', () => {
  it('one declared without an implementation rejects naming itself', async () => {
    const compiled = tree('Later("x")');
    await expect(compiled.evaluateAsync?.({}, ctx)).rejects.toThrow(
      new ExpressionRuntimeError('Later', 'has no implementation'),
    );
  });

  it('one below the top cannot run, and says where it is', () => {
    const error = failure('Args("a", Soon("x"))');
    expect(error.functionName).toBe('Soon');
    expect(error.message).toBe('Soon: cannot run here (at offset 10)');
  });

  it('the checker keeps them at the top', () => {
    const result = compileExpression('Args("a", Soon("x"))', { functions });
    expect(result.ok).toBe(false);
  });
});

describe('compileTree: trees the checker would refuse', () => {
  it('a tree with syntax errors is refused with the offset of the invalid node', () => {
    // The parser keeps `Args(=)` as a comparison of two invalid nodes, the first at offset 5.
    const parsed = parseExpression('Args(=)');
    expect(() => compileTree(parsed.expression!, functions)).toThrow(
      new Error('Cannot compile an expression with syntax errors (at offset 5)'),
    );
  });

  it('a call to a function the library does not have is refused by name', () => {
    const parsed = parseExpression('Args(Nope([a]))');
    expect(() => compileTree(parsed.expression!, functions)).toThrow(
      "Cannot compile a call to unknown function 'Nope'",
    );
    expect(() => compileTree(parseExpression('Nope()').expression!, functions)).toThrow(
      "Cannot compile a call to unknown function 'Nope'",
    );
  });
});
