import { describe, expect, it } from 'vitest';
import { parseExpression } from './expression-parser.js';
import { checkExpression } from './expression-checker.js';
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
  });

  it('requires variadic groups to be whole', () => {
    expect(codes('Switch([x], "d", "k1", "v1", "k2")')).toEqual(['E_ARGUMENT_COUNT']);
  });

  it('reports an empty required argument where it is', () => {
    const [d] = check('Left(, 3)');
    expect(d).toMatchObject({ code: 'E_MISSING_ARGUMENT', column: 6 });
  });

  it('reports literals of the wrong type', () => {
    const [d] = check('Left([x], "three")');
    expect(d).toMatchObject({ code: 'E_ARGUMENT_TYPE', column: 11 });
    expect(d?.message).toContain('numChars');
    expect(codes('Left([x], True)')).toEqual(['E_ARGUMENT_TYPE']);
    expect(codes('Not("maybe")')).toEqual(['E_ARGUMENT_TYPE']);
    expect(codes('Not("true")')).toEqual([]);
    expect(codes('Left([x], [n])')).toEqual([]);
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
  });

  it('ignores attribute names when no schema is given', () => {
    expect(check('[anything]')).toEqual([]);
  });

  it('keeps asynchronous functions at the top', () => {
    expect(check('SelectUniqueValue([a], [b])')).toEqual([]);
    expect(codes('Left(SelectUniqueValue([a], [b]), 2)')).toEqual(['E_ASYNC_NOT_TOP_LEVEL']);
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
