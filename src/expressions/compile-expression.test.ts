import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileExpression } from './compile-expression.js';
import type { CompiledExpression } from './compile-expression.js';
import { createEvaluationContext } from './create-context.js';
import type { FunctionSpec } from './functions/function-spec.js';
import { ExpressionRuntimeError } from './functions/function-spec.js';
import type { ExprValue, SourceAttributes } from './value.js';
import { FlowSignal, isFlowSignal } from './value.js';

/** A small library with observable calls, independent of the built-ins. */
function library() {
  const calls: string[] = [];
  const str = (v: ExprValue | undefined): string => (v === null || v === undefined ? '' : String(v));
  const specs: FunctionSpec[] = [
    {
      name: 'Join',
      summary: 'join',
      params: [
        { name: 'separator', kind: 'string' },
        { name: 'source', kind: 'any', variadic: true },
      ],
      call: (args) => {
        calls.push('Join');
        if (args.some(isFlowSignal)) return args.find(isFlowSignal) as FlowSignal;
        const [separator, ...rest] = args;
        return rest
          .flatMap((v) => (Array.isArray(v) ? v : [v]))
          .filter((v) => v !== null && v !== undefined && v !== '')
          .map(str)
          .join(str(separator));
      },
    },
    {
      name: 'Upper',
      summary: 'upper',
      params: [{ name: 'source', kind: 'string' }],
      call: ([v]) => {
        calls.push('Upper');
        return str(v).toUpperCase();
      },
    },
    {
      name: 'IIF',
      summary: 'iif',
      params: [
        { name: 'condition', kind: 'any' },
        { name: 'whenTrue', kind: 'any' },
        { name: 'whenFalse', kind: 'any' },
      ],
      callLazy: ([c, t, f]) => {
        calls.push('IIF');
        return (c?.() === true ? t?.() : f?.()) ?? null;
      },
    },
    {
      name: 'Boom',
      summary: 'always fails',
      params: [{ name: 'x', kind: 'any', optional: true }],
      call: () => {
        calls.push('Boom');
        throw new TypeError('kaboom');
      },
    },
    {
      name: 'Tick',
      summary: 'reads the clock',
      params: [],
      volatile: true,
      call: (_args, ctx) => ctx.now().toISOString(),
    },
    {
      name: 'Pure',
      summary: 'claims purity but reads the clock',
      params: [],
      call: (_args, ctx) => ctx.now().getUTCFullYear(),
    },
    {
      name: 'Args',
      summary: 'shows what it receives',
      params: [{ name: 'x', kind: 'any', variadic: true, optional: true }],
      call: (args) => JSON.stringify(args.map((a) => (a === undefined ? '<omitted>' : a))),
    },
    {
      name: 'Unique',
      summary: 'async',
      params: [{ name: 'rule', kind: 'any', variadic: true }],
      async: true,
      callAsync: async (rules, ctx) => {
        for (const rule of rules) {
          const v = rule?.();
          if (typeof v === 'string' && !(await ctx.isValueTaken?.(v, undefined))) return v;
        }
        throw new ExpressionRuntimeError('Unique', 'all taken');
      },
    },
  ];
  const functions = new Map(specs.map((s) => [s.name.toLowerCase(), s] as const));
  return { calls, functions };
}

function compile(source: string, functions: ReadonlyMap<string, FunctionSpec>): CompiledExpression {
  const result = compileExpression(source, { functions });
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  return result.expression;
}

const ctx = createEvaluationContext({ now: new Date('2024-05-06T07:08:09Z'), taken: ['jdoe'] });

describe('compileExpression', () => {
  it('returns diagnostics instead of throwing, in source order', () => {
    const { functions } = library();
    const result = compileExpression('Jion([a], Upper())', { functions });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics.map((d) => [d.code, d.column])).toEqual([
      ['E_UNKNOWN_FUNCTION', 1],
      ['E_ARGUMENT_COUNT', 11],
    ]);
  });

  it('never throws on non-string input', () => {
    const result = compileExpression(42 as unknown as string);
    expect(result.ok).toBe(false);
  });

  it('evaluates nested calls over attributes', () => {
    const { functions } = library();
    const expr = compile('Join(" ", Upper([givenName]), [sn], [missing])', functions);
    expect(expr.evaluate({ givenName: 'ada', sn: 'Lovelace' }, ctx)).toBe('ADA Lovelace');
    expect(expr.isAsync).toBe(false);
    expect(expr.referencedAttributes).toEqual(['givenName', 'sn', 'missing']);
  });

  it('passes omitted positions as undefined and numbers, hex and constants as values', () => {
    const { functions } = library();
    expect(compile('Args([a], , &HF7, vbTextCompare, -3, True)', functions).evaluate({ a: 'x' }, ctx)).toBe(
      JSON.stringify(['x', '<omitted>', 247, 1, -3, true]),
    );
  });

  it('looks attributes up case-insensitively, and into complex and extension attributes', () => {
    const { functions } = library();
    const expr = compile(
      'Args([MAIL], [manager.displayName], [urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber], [emails], [constructor], [flat.name])',
      functions,
    );
    const attributes: SourceAttributes = {
      mail: 'a@b.c',
      manager: { value: 'm1', displayName: 'Boss' },
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { employeeNumber: '701' },
      emails: [{ value: 'w@x.y', type: 'work' }, { value: 'h@x.y' }],
      'flat.name': 'flat wins',
    };
    expect(JSON.parse(expr.evaluate(attributes, ctx) as string)).toEqual([
      'a@b.c',
      'Boss',
      '701',
      ['w@x.y', 'h@x.y'],
      null,
      'flat wins',
    ]);
  });

  it('evaluates only the branch IIF takes', () => {
    const { calls, functions } = library();
    const expr = compile('IIF([country]="US", Upper([a]), Boom())', functions);
    calls.length = 0; // compiling tried (and abandoned) folding Boom()
    expect(expr.evaluate({ country: 'US', a: 'x' }, ctx)).toBe('X');
    expect(calls).toEqual(['IIF', 'Upper']);
    expect(() => expr.evaluate({ country: 'NL' }, ctx)).toThrow(ExpressionRuntimeError);
  });

  it('turns anything a function throws into an ExpressionRuntimeError naming it', () => {
    const { functions } = library();
    const expr = compile('Join(" ", [a], Boom([a]))', functions);
    let caught: unknown;
    try {
      expr.evaluate({ a: 'x' }, ctx);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ExpressionRuntimeError);
    expect((caught as ExpressionRuntimeError).functionName).toBe('Boom');
    expect((caught as Error).message).toBe('Boom: kaboom');
  });

  it('folds pure calls on literals once, at compile time', () => {
    const { calls, functions } = library();
    const expr = compile('Join("-", Upper("a"), Upper("b"), [x])', functions);
    expect(calls).toEqual(['Upper', 'Upper']);
    expr.evaluate({ x: '1' }, ctx);
    expr.evaluate({ x: '2' }, ctx);
    expect(calls).toEqual(['Upper', 'Upper', 'Join', 'Join']);
  });

  it('does not fold volatile calls, calls that touch the context, or calls that fail', () => {
    const { functions } = library();
    expect(compile('Tick()', functions).evaluate({}, ctx)).toBe('2024-05-06T07:08:09.000Z');
    expect(compile('Pure()', functions).evaluate({}, ctx)).toBe(2024);
    expect(compileExpression('Boom("x")', { functions }).ok).toBe(true);
  });

  it('compares in conditions as documented', () => {
    const { functions } = library();
    const cond = (c: string, attributes: SourceAttributes = {}) =>
      compile(`IIF(${c}, "yes", "no")`, functions).evaluate(attributes, ctx);
    expect(cond('[a]="US"', { a: 'US' })).toBe('yes');
    expect(cond('[a]="us"', { a: 'US' })).toBe('no');
    expect(cond('[a]<>"US"', { a: 'NL' })).toBe('yes');
    expect(cond('[a]="US"')).toBe('no');
    expect(cond('[a]<>"US"')).toBe('no');
    expect(cond('[n] > 9', { n: '10' })).toBe('yes');
    expect(cond('[n] >= 10', { n: 10 })).toBe('yes');
    expect(cond('[n] < &HF', { n: 14 })).toBe('yes');
    expect(cond('[s] > [t]', { s: '10', t: '9' })).toBe('yes');
    expect(cond('[s] > [t]', { s: 'b', t: 'a' })).toBe('yes');
    expect(cond('[s] <= [t]', { s: 'b', t: 'a' })).toBe('no');
    expect(cond('[b] = "true"', { b: true })).toBe('yes');
    expect(cond('[b] = True', { b: 'True' })).toBe('yes');
    expect(cond('[roles] = "admin"', { roles: ['user', 'admin'] })).toBe('yes');
    expect(cond('[roles] <> "admin"', { roles: ['user', 'admin'] })).toBe('no');
    expect(cond('[roles] = "x"', { roles: [] })).toBe('no');
    expect(cond('[a] = ""', { a: '' })).toBe('yes');
  });

  it('folds comparisons of literals', () => {
    const { calls, functions } = library();
    compile('IIF(1 < 2, "y", "n")', functions);
    expect(calls).toEqual(['IIF']);
  });

  it('carries flow signals through eager calls and comparisons', () => {
    const { functions } = library();
    expect(compile('IgnoreAttributeFlow', functions).evaluate({}, ctx)).toBe(FlowSignal.ignoreAttribute);
    expect(compile('IIF([a]="x", [a], IgnoreObjectFlow)', functions).evaluate({ a: 'y' }, ctx)).toBe(
      FlowSignal.ignoreObject,
    );
    expect(compile('IIF(IgnoreAttributeFlow = [a], "y", "n")', functions).evaluate({ a: 'y' }, ctx)).toBe(
      'n',
    );
    expect(compile('Args(IgnoreObjectFlow = IgnoreAttributeFlow)', functions).evaluate({}, ctx)).toBe(
      JSON.stringify([{ scope: 'object' }]),
    );
  });

  it('passes signals from lazy and flow built-ins through the eager built-ins around them', () => {
    const run = (source: string, attributes: SourceAttributes): ExprValue => {
      const result = compileExpression(source);
      if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('; '));
      return result.expression.evaluate(attributes, ctx);
    };
    const cases: [string, SourceAttributes, ExprValue][] = [
      ['ToLower(IIF([a]="x", IgnoreAttributeFlow, [a]))', { a: 'x' }, FlowSignal.ignoreAttribute],
      ['ToLower(IIF([a]="x", IgnoreAttributeFlow, [a]))', { a: 'Y' }, 'y'],
      ['Join(" ", IgnoreFlowIfNullOrEmpty([a]), "b")', { a: '' }, FlowSignal.ignoreAttribute],
      ['Join(" ", IgnoreFlowIfNullOrEmpty([a]), "b")', { a: 'c' }, 'c b'],
      ['Left(Switch([a], "d", "k", IgnoreObjectFlow), 1)', { a: 'k' }, FlowSignal.ignoreObject],
      ['Left(Switch([a], "d", "k", IgnoreObjectFlow), 1)', { a: 'z' }, 'd'],
      ['ToUpper(Coalesce([a], IgnoreAttributeFlow))', {}, FlowSignal.ignoreAttribute],
      [
        'Replace(ToUpper(Coalesce([a], IgnoreAttributeFlow)), "A", , , "b", , )',
        {},
        FlowSignal.ignoreAttribute,
      ],
      ['StripSpaces(IIF([a] = IgnoreObjectFlow, "x", "y"))', { a: 'q' }, FlowSignal.ignoreObject],
      ['ToLower(Join(" ", [a], [b]))', { a: 'A', b: 'B' }, 'a b'],
    ];
    for (const [source, attributes, expected] of cases) {
      expect(run(source, attributes), source).toBe(expected);
    }
  });

  it('gives a lazy function thunks of its own evaluation, also when re-entered', () => {
    const own: { expression?: CompiledExpression } = {};
    let depth = 0;
    const again: FunctionSpec = {
      name: 'Again',
      summary: 'evaluates its own expression once more, on other attributes, between its thunks',
      params: [{ name: 'x', kind: 'any' }],
      callLazy: ([x]) => {
        const before = String(x?.());
        const inner = depth++ === 0 ? String(own.expression?.evaluate({ a: 'inner' }, ctx)) : '';
        depth--;
        return `${before}/${String(x?.())}/${inner}`;
      },
    };
    const functions = new Map([['again', again]]);
    const expression = compile('Again([a])', functions);
    own.expression = expression;
    expect(expression.evaluate({ a: 'outer' }, ctx)).toBe('outer/outer/inner/inner/');
    expect(expression.evaluate({ a: 'next' }, ctx)).toBe('next/next/inner/inner/');
  });

  it('evaluates an asynchronous expression only through evaluateAsync', async () => {
    const { functions } = library();
    const expr = compile('Unique(Join("", [first], [last]), Join(".", [first], [last]))', functions);
    expect(expr.isAsync).toBe(true);
    expect(() => expr.evaluate({}, ctx)).toThrow(/evaluateAsync/);
    expect(await expr.evaluateAsync({ first: 'j', last: 'doe' }, ctx)).toBe('j.doe');
    expect(await expr.evaluateAsync({ first: 'a', last: 'b' }, ctx)).toBe('ab');
    await expect(
      expr.evaluateAsync({ first: 'j', last: 'doe' }, createEvaluationContext({ taken: ['jdoe', 'J.DOE'] })),
    ).rejects.toThrow('Unique: all taken');
  });

  it('evaluates a synchronous expression through evaluateAsync too, rejecting on errors', async () => {
    const { functions } = library();
    expect(await compile('Upper([a])', functions).evaluateAsync({ a: 'q' }, ctx)).toBe('Q');
    await expect(compile('Boom()', functions).evaluateAsync({}, ctx)).rejects.toBeInstanceOf(
      ExpressionRuntimeError,
    );
  });

  it('reports the assertive role keyword to the engine', () => {
    const functions = new Map([
      [
        'approleassignmentscomplex',
        {
          name: 'AppRoleAssignmentsComplex',
          summary: '',
          params: [{ name: 's', kind: 'any' }],
          call: () => [],
        } as FunctionSpec,
      ],
    ]);
    expect(
      compile('AssertiveAppRoleAssignmentsComplex([appRoleAssignments])', functions).assertiveAppRoles,
    ).toBe(true);
    expect(compile('AppRoleAssignmentsComplex([appRoleAssignments])', functions).assertiveAppRoles).toBe(
      false,
    );
  });
});

describe('compileExpression with the built-in library', () => {
  const run = (source: string, attributes: SourceAttributes = {}): ExprValue => {
    const result = compileExpression(source);
    if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
    return result.expression.evaluate(attributes, ctx);
  };

  it('runs documentation examples end to end', () => {
    expect(run('Join(", ", "", [surname], [givenName])', { givenName: 'John', surname: 'Doe' })).toBe(
      'Doe, John',
    );
    expect(run('Append([userPrincipalName], ".test")', { userPrincipalName: 'John.Doe@contoso.com' })).toBe(
      'John.Doe@contoso.com.test',
    );
    expect(run('BitAnd(&HF, &HF7)')).toBe(7);
    expect(run('IIF([country]="USA",[country],[department])', { country: 'NL', department: 'R&D' })).toBe(
      'R&D',
    );
    expect(
      run(
        'Replace([telephoneNumber], , "\\\\+(?<isdCode>\\\\d* )(?<phoneNumber>\\\\d{10})", , "${phoneNumber}", , )',
        {
          telephoneNumber: '+91 9998887777',
        },
      ),
    ).toBe('9998887777');
    expect(
      run('Switch([state], "Australia/Sydney", "NSW", "Australia/Sydney","QLD", "Australia/Brisbane")', {
        state: 'QLD',
      }),
    ).toBe('Australia/Brisbane');
  });

  it('tells the engine when a value must be redacted in logs', () => {
    const redacted = compileExpression('Redact(RandomString(6,3,0,0,3))');
    const plain = compileExpression('RandomString(6,3,0,0,3)');
    expect(redacted.ok && redacted.expression.redacted).toBe(true);
    expect(plain.ok && plain.expression.redacted).toBe(false);
  });

  it('rejects a misspelt built-in with a suggestion', () => {
    const result = compileExpression('NormalizeDiacritic([givenName])');
    expect(result.ok ? [] : result.diagnostics.map((d) => d.message)).toEqual([
      "Unknown function 'NormalizeDiacritic' - did you mean 'NormalizeDiacritics'?",
    ]);
  });
});

describe('compileExpression: fuzzing with the built-in library', () => {
  const names = [
    'Join',
    'IIF',
    'Left',
    'Mid',
    'Switch',
    'Replace',
    'Coalesce',
    'ToLower',
    'Split',
    'Item',
    'Count',
    'Jion',
    'F',
  ];
  const piece = fc.oneof(
    fc.constantFrom(...names).map((n) => `${n}(`),
    fc.constantFrom(
      ')',
      ',',
      ', ',
      '[a]',
      '[b]',
      '[list]',
      '"x"',
      '""',
      '" "',
      '1',
      '0',
      '-1',
      '&HF',
      '=',
      '<>',
      '>',
      'vbTextCompare',
      'IgnoreAttributeFlow',
      'True',
      '(',
      '[',
      '"',
    ),
  );
  const attributes = { a: 'Ada', b: '', list: ['p', 'q'] };

  it('never throws while compiling, and evaluates to a value or an ExpressionRuntimeError', () => {
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 30 }).map((p) => p.join('')),
        (source) => {
          const result = compileExpression(source);
          if (!result.ok) {
            expect(result.diagnostics.length).toBeGreaterThan(0);
            return;
          }
          try {
            const value = result.expression.evaluate(attributes, ctx);
            expect(value).not.toBeUndefined();
          } catch (error) {
            expect(error).toBeInstanceOf(ExpressionRuntimeError);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});
