import { describe, expect, it } from 'vitest';
import { ExpressionRuntimeError } from './function-spec.js';
import { FlowSignal } from '../value.js';
import type { ExprValue } from '../value.js';
import { defineAsync, defineEager, defineLazy, defineRaw, deriveArity, p } from './define-function.js';
import { testContext } from './test-helper.js';

const echo = (args: readonly (ExprValue | undefined)[]): ExprValue => args[0] ?? null;

describe('p', () => {
  it('defaults to kind any without flags', () => {
    expect(p('source')).toEqual({ name: 'source', kind: 'any' });
    expect(p('start', 'number', { optional: true })).toEqual({
      name: 'start',
      kind: 'number',
      optional: true,
    });
  });
});

describe('deriveArity', () => {
  it('counts required parameters up to the last one as the minimum', () => {
    expect(deriveArity([])).toEqual({ min: 0, max: 0 });
    expect(deriveArity([p('a'), p('b')])).toEqual({ min: 2, max: 2 });
    expect(deriveArity([p('a'), p('b', 'any', { optional: true })])).toEqual({ min: 1, max: 2 });
    expect(deriveArity([p('a', 'any', { optional: true }), p('b')])).toEqual({ min: 2, max: 2 });
  });

  it('opens the maximum for a variadic tail, which counts once unless optional', () => {
    expect(deriveArity([p('sep'), p('source', 'any', { variadic: true })])).toEqual({
      min: 2,
      max: undefined,
    });
    expect(deriveArity([p('a'), p('rest', 'any', { variadic: true, optional: true })])).toEqual({
      min: 1,
      max: undefined,
    });
  });
});

describe('the define helpers', () => {
  const def = { name: 'Echo', summary: 'echoes', params: [p('value')] };

  it('copies the definition and derives the arity when none is given', () => {
    const spec = defineEager(def, echo);
    expect(spec).toMatchObject({
      name: 'Echo',
      summary: 'echoes',
      params: def.params,
      arity: { min: 1, max: 1 },
    });
    expect(spec).not.toHaveProperty('volatile');
    expect(spec).not.toHaveProperty('variadicGroupSize');
    expect(spec).not.toHaveProperty('checkLiterals');
    expect(spec).not.toHaveProperty('signalsFromArgumentsOnly');
    expect(defineEager({ ...def, arity: { min: 0, max: 3 } }, echo).arity).toEqual({ min: 0, max: 3 });
  });

  it('carries the optional flags only when set', () => {
    const checkLiterals = () => [];
    const spec = defineLazy(
      { ...def, volatile: true, variadicGroupSize: 2, checkLiterals, signalsFromArgumentsOnly: true },
      () => null,
    );
    expect(spec).toMatchObject({ volatile: true, variadicGroupSize: 2, signalsFromArgumentsOnly: true });
    expect(spec.checkLiterals).toBe(checkLiterals);
  });

  it('passes flow signals past an eager function, and not past a raw one', () => {
    const ctx = testContext();
    const eager = defineEager(def, () => 'called');
    expect(eager.call?.([FlowSignal.ignoreObject], ctx)).toBe(FlowSignal.ignoreObject);
    expect(eager.callPlain?.([FlowSignal.ignoreObject], ctx)).toBe('called');
    const raw = defineRaw(def, () => 'called');
    expect(raw.call?.([FlowSignal.ignoreObject], ctx)).toBe('called');
    expect(raw).not.toHaveProperty('callPlain');
  });

  it('marks lazy and asynchronous functions by their entry point', async () => {
    const lazy = defineLazy(def, (args) => args[0]?.() ?? null);
    expect(lazy.callLazy?.([() => 'x'], testContext())).toBe('x');
    expect(lazy).not.toHaveProperty('call');
    const later = defineAsync(def, async () => 'done');
    expect(later.async).toBe(true);
    await expect(later.callAsync?.([], testContext())).resolves.toBe('done');
  });
});

describe('ExpressionRuntimeError', () => {
  it('is named for what it is and prefixes the function name', () => {
    const error = new ExpressionRuntimeError('Left', 'numChars must be a number');
    expect(error.name).toBe('ExpressionRuntimeError');
    expect(error.message).toBe('Left: numChars must be a number');
    expect(error.functionName).toBe('Left');
  });
});
