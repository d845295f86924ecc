import { describe, expect, it } from 'vitest';
import { parseExpression } from './expression-parser.js';
import { checkExpression, paramAt } from './expression-checker.js';
import type { ExprValue } from './value.js';
import type { FunctionSpec } from './functions/function-spec.js';

const spec = (
  name: string,
  params: FunctionSpec['params'],
  extra: Partial<FunctionSpec> = {},
): FunctionSpec => ({
  name,
  params,
  summary: name,
  call: () => null,
  ...extra,
});

/** What Probe's literal check was handed, one entry per call checked. */
const probed: (ExprValue | undefined)[][] = [];

const functions: ReadonlyMap<string, FunctionSpec> = new Map(
  [
    spec('Join', [
      { name: 'separator', kind: 'string' },
      { name: 'source', kind: 'any', variadic: true },
    ]),
    spec('Left', [
      { name: 'source', kind: 'string' },
      { name: 'numChars', kind: 'number' },
    ]),
    spec('Not', [{ name: 'source', kind: 'boolean' }]),
    spec(
      'Replace',
      [
        { name: 'source', kind: 'string' },
        { name: 'oldValue', kind: 'string', optional: true },
        { name: 'regexPattern', kind: 'string', optional: true },
        { name: 'regexGroupName', kind: 'string', optional: true },
        { name: 'replacementValue', kind: 'string', optional: true },
        { name: 'replacementAttributeName', kind: 'string', optional: true },
        { name: 'template', kind: 'string', optional: true },
      ],
      {
        checkLiterals: (literals) =>
          typeof literals[2] === 'string' && literals[2].includes('(?<') && !literals[2].includes('>')
            ? [{ argumentIndex: 2, message: 'regexPattern does not compile' }]
            : [],
      },
    ),
    spec(
      'Switch',
      [
        { name: 'source', kind: 'any' },
        { name: 'defaultValue', kind: 'any', optional: true },
        { name: 'key', kind: 'any', variadic: true },
        { name: 'value', kind: 'any', variadic: true },
      ],
      { arity: { min: 4, max: undefined }, variadicGroupSize: 2 },
    ),
    spec('SelectUniqueValue', [{ name: 'rule', kind: 'any', variadic: true }], {
      async: true,
      call: undefined,
      callAsync: async () => null,
    }),
    spec('AppRoleAssignmentsComplex', [{ name: 'source', kind: 'any' }]),
    // A declared arity narrower than the parameter list: the arity decides.
    spec(
      'Pick',
      [
        { name: 'source', kind: 'any', optional: true },
        { name: 'first', kind: 'string', optional: true },
        { name: 'second', kind: 'string', optional: true },
      ],
      { arity: { min: 1, max: 2 } },
    ),
    // A typed repeating tail, one parameter and a group of two.
    spec('Sum', [
      { name: 'label', kind: 'string' },
      { name: 'term', kind: 'number', variadic: true },
    ]),
    spec(
      'Weights',
      [
        { name: 'source', kind: 'any' },
        { name: 'key', kind: 'string', variadic: true },
        { name: 'weight', kind: 'number', variadic: true },
      ],
      { variadicGroupSize: 2 },
    ),
    spec(
      'Triples',
      [
        { name: 'source', kind: 'any' },
        { name: 'a', kind: 'any', variadic: true },
        { name: 'b', kind: 'any', variadic: true },
        { name: 'c', kind: 'any', variadic: true },
      ],
      { variadicGroupSize: 3 },
    ),
    spec('Probe', [{ name: 'value', kind: 'any', variadic: true, optional: true }], {
      checkLiterals: (literals) => {
        probed.push([...literals]);
        return [];
      },
    }),
    spec(
      'Broken',
      [
        { name: 'source', kind: 'any' },
        { name: 'extra', kind: 'any', optional: true },
      ],
      {
        checkLiterals: () => {
          throw new Error('pattern table missing');
        },
      },
    ),
    spec('Thrower', [{ name: 'source', kind: 'any' }], {
      checkLiterals: () => {
        throw 'plain text';
      },
    }),
  ].map((s) => [s.name.toLowerCase(), s] as const),
);

function check(source: string, sourceAttributes?: readonly string[]) {
  const parsed = parseExpression(source);
  if (!parsed.expression) throw new Error('no tree');
  return [
    ...parsed.diagnostics,
    ...checkExpression(source, parsed.expression, {
      functions,
      ...(sourceAttributes ? { sourceAttributes } : {}),
    }),
  ];
}

const codes = (source: string, attrs?: readonly string[]): string[] =>
  check(source, attrs).map((d) => d.code);

describe('checkExpression', () => {
  it('accepts well-formed calls', () => {
    expect(check('Join(" ", [a], Left([b], 3), "x")')).toEqual([]);
    expect(check('Replace([x], , "re", , "", , )')).toEqual([]);
    expect(check('Switch([x], , "1", "a", "2", "b")')).toEqual([]);
    expect(check('left([b], "3")')).toEqual([]);
  });

  it('reports an unknown function at its name, with a suggestion', () => {
    const [d] = check('Left(Jion(" ", [a]), 2)');
    expect(d).toMatchObject({ code: 'E_UNKNOWN_FUNCTION', line: 1, column: 6 });
    expect(d?.message).toBe("Unknown function 'Jion' - did you mean 'Join'?");
  });

  it('offers no suggestion for a name far from every function', () => {
    expect(check('Frobnicate([a])')[0]?.message).toBe("Unknown function 'Frobnicate'");
  });

  it('still checks the arguments of an unknown function', () => {
    expect(codes('Jion(Left([a]))')).toEqual(['E_UNKNOWN_FUNCTION', 'E_ARGUMENT_COUNT']);
  });

  it('counts arguments, omitted positions included', () => {
    expect(check('Left([a])')[0]?.message).toBe('Left takes 2 arguments but got 1');
    expect(codes('Left([a], 1, 2)')).toEqual(['E_ARGUMENT_COUNT']);
    expect(check('Join(" ")')[0]?.message).toBe('Join takes at least 2 arguments but got 1');
    expect(codes('Replace([x], , , , , , , )')).toEqual(['E_ARGUMENT_COUNT']);
    expect(check('Switch([x], "d", "k")')[0]?.message).toBe('Switch takes at least 4 arguments but got 3');
    expect(check('Not()')[0]?.message).toBe('Not takes 1 argument but got 0');
    expect(check('Not(1, 2)')[0]?.message).toBe('Not takes 1 argument but got 2');
  });

  it('requires variadic groups to be whole', () => {
    expect(codes('Switch([x], "d", "k1", "v1", "k2")')).toEqual(['E_ARGUMENT_COUNT']);
  });

  it('reports an empty required argument where it is', () => {
    const [d] = check('Left(, 3)');
    expect(d).toMatchObject({ code: 'E_MISSING_ARGUMENT', column: 6 });
    expect(d?.message).toBe('Argument 1 of Left (source) is required');
    expect(check('Left([a], )')[0]?.message).toBe('Argument 2 of Left (numChars) is required');
  });

  it('reports literals of the wrong type', () => {
    const [d] = check('Left([x], "three")');
    expect(d).toMatchObject({ code: 'E_ARGUMENT_TYPE', column: 11 });
    expect(d?.message).toContain('numChars');
    expect(codes('Left([x], True)')).toEqual(['E_ARGUMENT_TYPE']);
    expect(codes('Not("maybe")')).toEqual(['E_ARGUMENT_TYPE']);
    expect(codes('Not("true")')).toEqual([]);
    expect(codes('Left([x], [n])')).toEqual([]);
    // Only the boolean constants are refused as numbers; the vb constants are numbers.
    expect(check('Left([x], vbTextCompare)')).toEqual([]);
    expect(check('Left([x], False)')[0]?.message).toBe(
      'Argument 2 of Left (numChars) must be a number: False is not a number',
    );
    // A boolean parameter takes booleans, numbers and the strings True / False (trimmed), nothing else.
    for (const text of ['Not(1)', 'Not(True)', 'Not(" true ")', 'Not("FALSE")', 'Not([a])']) {
      expect(check(text), text).toEqual([]);
    }
    for (const text of ['Not("xtrue")', 'Not("truex")', 'Not("")']) {
      expect(codes(text), text).toEqual(['E_ARGUMENT_TYPE']);
    }
  });

  it('passes a number string exactly when the functions read it as a number', () => {
    // The built-ins read " 42 ", "1.5e2" and VBA hex ("&H1a", "&h1A") as numbers ...
    for (const text of ['42', ' 42 ', '-7', '1.5e2', '.5', '&H1a', '&h1A']) {
      expect(codes(`Left([x], "${text}")`), text).toEqual([]);
    }
    // ... and refuse JavaScript's other spellings, which would fail when the mapping runs.
    for (const text of ['0x10', '0b101', '0o7', 'Infinity', '1e999', '', ' ', '&H']) {
      expect(codes(`Left([x], "${text}")`), text).toEqual(['E_ARGUMENT_TYPE']);
    }
  });

  it('lets a declared arity decide over the parameter list', () => {
    expect(check('Pick()')[0]?.message).toBe('Pick takes 1 to 2 arguments but got 0');
    expect(check('Pick(1, "a", "b")')[0]?.message).toBe('Pick takes 1 to 2 arguments but got 3');
    expect(check('Pick(1, "a")')).toEqual([]);
  });

  it('binds no parameter to arguments past the end of a fixed list', () => {
    // The third argument is only too many; it is not checked against numChars as well.
    expect(codes('Left([a], 1, "x")')).toEqual(['E_ARGUMENT_COUNT']);
    expect(check('Left([a], 1, "x", "y")')[0]?.message).toBe('Left takes 2 arguments but got 4');
  });

  it('binds each argument of a repeating tail to its parameter, and type-checks it', () => {
    const names = (name: string, count: number): (string | undefined)[] => {
      const found = functions.get(name.toLowerCase());
      if (!found) throw new Error(name);
      return Array.from({ length: count }, (_, i) => paramAt(found, i)?.name);
    };
    expect(names('Switch', 8)).toEqual([
      'source',
      'defaultValue',
      'key',
      'value',
      'key',
      'value',
      'key',
      'value',
    ]);
    expect(names('Weights', 6)).toEqual(['source', 'key', 'weight', 'key', 'weight', 'key']);
    expect(names('Sum', 4)).toEqual(['label', 'term', 'term', 'term']);
    expect(names('Left', 3)).toEqual(['source', 'numChars', undefined]);
    expect(check('Sum("a", 1, "2", &H3)')).toEqual([]);
    expect(check('Sum("a", 1, 2, "x")')[0]?.message).toBe(
      'Argument 4 of Sum (term) must be a number: "x" is not a number',
    );
    expect(check('Weights([a], "k", 1, "k2", 2)')).toEqual([]);
    expect(check('Weights([a], "k", 1, "k2", "two")')[0]?.message).toBe(
      'Argument 5 of Weights (weight) must be a number: "two" is not a number',
    );
    expect(check('Triples([x], 1, 2, 3)')).toEqual([]);
    expect(check('Triples([x], 1, 2, 3, 4, 5, 6)')).toEqual([]);
    expect(codes('Triples([x], 1, 2, 3, 4)')).toEqual(['E_ARGUMENT_COUNT']);
    expect(check('Weights([a], "k", 1, "k2")')[0]?.message).toBe(
      'Weights takes its arguments after the first 1 in groups of 2 (key, weight) but got 3',
    );
  });

  it("hands a function's literal check the value of each literal, nothing for the rest", () => {
    probed.length = 0;
    expect(check('Probe("s", 2, &HA, vbTextCompare, True, [a], , Probe())')).toEqual([]);
    expect(probed[0]).toEqual(['s', 2, 10, 1, true, undefined, undefined, undefined]);
    expect(probed).toHaveLength(2);
  });

  it('reports a literal check that throws as a problem of the whole call', () => {
    const [d] = check('Left([x], Broken("a"))');
    expect(d).toMatchObject({ code: 'E_INVALID_LITERAL', column: 11 });
    expect(d?.message).toBe('Broken: pattern table missing');
    expect(d?.span).toEqual({ start: 10, end: 21 });
    // Even with a second argument, the problem is placed on the call, not on an argument.
    expect(check('Broken("a", "b")')[0]?.span).toEqual({ start: 0, end: 16 });
    expect(check('Thrower(1)')[0]?.message).toBe('Thrower: plain text');
  });

  it('refuses a flow keyword where a number or a boolean is expected', () => {
    const [n] = check('Left([x], IgnoreAttributeFlow)');
    expect(n?.message).toBe('Argument 2 of Left (numChars) must be a number: a flow keyword is not a number');
    const [b] = check('Not(IgnoreObjectFlow)');
    expect(b?.message).toBe('Argument 1 of Not (source) must be a boolean: a flow keyword is not a boolean');
  });

  it("runs a function's own literal check", () => {
    const [d] = check('Replace([x], , "(?<a", , "", , )');
    expect(d).toMatchObject({ code: 'E_INVALID_LITERAL', column: 16 });
  });

  it('checks attributes against the source schema case-insensitively, with a suggestion', () => {
    const schema = [
      'givenName',
      'surname',
      'manager',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
    ];
    expect(check('Join(" ", [GIVENNAME], [manager.displayName])', schema)).toEqual([]);
    expect(
      check('[urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber]', schema),
    ).toEqual([]);
    const [d] = check('Join(" ", [givenName], [surnme])', schema);
    expect(d).toMatchObject({ code: 'E_UNKNOWN_ATTRIBUTE', column: 24 });
    expect(d?.message).toBe('Unknown attribute [surnme] - did you mean [surname]?');
    expect(check('[xyzzy]', schema)[0]?.message).toBe('Unknown attribute [xyzzy]');
    // A known name is a prefix only when a '.' or ':' follows it.
    expect(codes('[givenNameX]', schema)).toEqual(['E_UNKNOWN_ATTRIBUTE']);
    expect(codes('[surname-x]', schema)).toEqual(['E_UNKNOWN_ATTRIBUTE']);
  });

  it('ignores attribute names when no schema is given', () => {
    expect(check('[anything]')).toEqual([]);
  });

  it('keeps asynchronous functions at the top', () => {
    expect(check('SelectUniqueValue([a], [b])')).toEqual([]);
    expect(codes('Left(SelectUniqueValue([a], [b]), 2)')).toEqual(['E_ASYNC_NOT_TOP_LEVEL']);
    expect(check('SelectUniqueValue([a]) = "x"')[0]?.message).toBe(
      'SelectUniqueValue must be the whole expression; it cannot be nested inside another call or comparison',
    );
    expect(codes('"x" = SelectUniqueValue([a])')).toEqual(['E_ASYNC_NOT_TOP_LEVEL']);
  });

  it('checks both sides of a comparison', () => {
    expect(codes('Jion([a]) = Left([b])')).toEqual(['E_UNKNOWN_FUNCTION', 'E_ARGUMENT_COUNT']);
    expect(codes('[givenName] <> [surnme]', ['givenName', 'surname'])).toEqual(['E_UNKNOWN_ATTRIBUTE']);
  });

  it('resolves function-like keywords to the function that answers them', () => {
    expect(check('AssertiveAppRoleAssignmentsComplex([appRoleAssignments])')).toEqual([]);
  });

  it('explains a keyword written as a call', () => {
    expect(check('IgnoreObjectFlow()')[0]?.message).toContain('without parentheses');
  });

  it('reports problems on later lines at their line', () => {
    const [d] = check('Join(" ",\n  [a],\n  Lft([b], 1))');
    expect(d).toMatchObject({ code: 'E_UNKNOWN_FUNCTION', line: 3, column: 3 });
  });
});
