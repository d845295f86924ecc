import { describe, expect, it } from 'vitest';
import { FlowSignal } from '../value.js';
import { builtinFunctions } from './index.js';
import { call, callAsync, testContext } from './test-helper.js';

describe('IgnoreFlowIfNullOrEmpty', () => {
  it('signals "ignore attribute" for null, empty and empty multi-valued values', () => {
    expect(call('IgnoreFlowIfNullOrEmpty', [null])).toBe(FlowSignal.ignoreAttribute);
    expect(call('IgnoreFlowIfNullOrEmpty', [''])).toBe(FlowSignal.ignoreAttribute);
    expect(call('IgnoreFlowIfNullOrEmpty', [[]])).toBe(FlowSignal.ignoreAttribute);
  });
  it('passes a value through', () => {
    expect(call('IgnoreFlowIfNullOrEmpty', ['Sales'])).toBe('Sales');
    expect(call('IgnoreFlowIfNullOrEmpty', [0])).toBe(0);
  });
  it('works on a Switch result (documented example)', () => {
    const switched = call('Switch', ['9999', '', '3443', 'Dr.', '3444', 'Prof.']);
    expect(call('IgnoreFlowIfNullOrEmpty', [switched])).toBe(FlowSignal.ignoreAttribute);
  });
});

describe('flow keywords', () => {
  it('carry the scope the engine reads: the attribute, or the whole object', () => {
    expect(FlowSignal.ignoreAttribute.scope).toBe('attribute');
    expect(FlowSignal.ignoreObject.scope).toBe('object');
  });
  it('IgnoreAttributeFlow and IgnoreObjectFlow are nullary and return their signals', () => {
    expect(builtinFunctions.get('ignoreattributeflow')!.arity).toEqual({ min: 0, max: 0 });
    expect(call('IgnoreAttributeFlow', [])).toBe(FlowSignal.ignoreAttribute);
    expect(call('IgnoreObjectFlow', [])).toBe(FlowSignal.ignoreObject);
  });
  it('eager functions pass a flow signal argument through', () => {
    expect(call('Join', [' ', 'a', FlowSignal.ignoreObject])).toBe(FlowSignal.ignoreObject);
    expect(call('ToLower', [FlowSignal.ignoreAttribute])).toBe(FlowSignal.ignoreAttribute);
  });
});

describe('SelectUniqueValue', () => {
  const rules = ['John.Smith@contoso.com', 'J.Smith@contoso.com', 'Jo.Smith@contoso.com'];
  it('returns the first free candidate (documented example)', async () => {
    expect(await callAsync('SelectUniqueValue', rules, testContext())).toBe('John.Smith@contoso.com');
    expect(
      await callAsync('SelectUniqueValue', rules, testContext({ taken: ['John.Smith@contoso.com'] })),
    ).toBe('J.Smith@contoso.com');
    expect(
      await callAsync(
        'SelectUniqueValue',
        rules,
        testContext({ taken: ['John.Smith@contoso.com', 'J.Smith@contoso.com'] }),
      ),
    ).toBe('Jo.Smith@contoso.com');
  });
  it('fails when every candidate is taken, naming them', async () => {
    await expect(
      callAsync('SelectUniqueValue', ['a', 'b'], testContext({ taken: ['a', 'b'] })),
    ).rejects.toThrow(/already taken.*"a", "b"/);
  });
  it('evaluates rules lazily, in order, and skips empty ones', async () => {
    const spec = builtinFunctions.get('selectuniquevalue')!;
    const seen: string[] = [];
    const rule = (value: string | null) => () => {
      seen.push(String(value));
      return value;
    };
    const ctx = { ...testContext(), isValueTaken: async (candidate: string) => candidate === 'a' };
    expect(await spec.callAsync!([rule('a'), rule(null), rule('c'), rule('d')], ctx)).toBe('c');
    expect(seen).toEqual(['a', 'null', 'c']);
  });
  it('requires at least two rules, with no upper bound', () => {
    expect(builtinFunctions.get('selectuniquevalue')!.arity).toEqual({ min: 2, max: undefined });
  });
});
