import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseExpression } from './expression-parser.js';
import type { ArgumentNode, ExpressionNode } from './expression-ast.js';
import { ExpressionLimits } from './expression-limits.js';

/** A compact rendering of a tree, so the table states shapes rather than spans. */
function shape(node: ArgumentNode | undefined): unknown {
  if (!node) return undefined;
  switch (node.kind) {
    case 'call':
      return { call: node.name, args: node.args.map(shape) };
    case 'attribute':
      return `[${node.name}]`;
    case 'string':
      return { str: node.value };
    case 'number':
      return node.value;
    case 'constant':
      return { const: node.name, value: node.value };
    case 'flow':
      return { flow: node.scope };
    case 'comparison':
      return { op: node.operator, left: shape(node.left), right: shape(node.right) };
    case 'omitted':
      return '_';
    case 'invalid':
      return '!';
  }
}

function parseOk(source: string): ExpressionNode {
  const result = parseExpression(source);
  expect(result.diagnostics).toEqual([]);
  if (!result.expression) throw new Error('no tree');
  return result.expression;
}

describe('parseExpression: the syntax forms of Entra documentation examples', () => {
  const table: [string, unknown][] = [
    [
      'Append([userPrincipalName], ".test")',
      { call: 'Append', args: ['[userPrincipalName]', { str: '.test' }] },
    ],
    ['BitAnd(&HF, &HF7)', { call: 'BitAnd', args: [15, 247] }],
    ['BitAnd(&h1f, &H0)', { call: 'BitAnd', args: [31, 0] }],
    [
      'CBool([attribute1] = [attribute2])',
      { call: 'CBool', args: [{ op: '=', left: '[attribute1]', right: '[attribute2]' }] },
    ],
    ['Coalesce([mail],[userPrincipalName])', { call: 'Coalesce', args: ['[mail]', '[userPrincipalName]'] }],
    ['Guid()', { call: 'Guid', args: [] }],
    ['Now()', { call: 'Now', args: [] }],
    [
      'DateAdd("d", -10, CDate([StatusHireDate]))',
      { call: 'DateAdd', args: [{ str: 'd' }, -10, { call: 'CDate', args: ['[StatusHireDate]'] }] },
    ],
    [
      'IIF([country]="USA",[country],[department])',
      {
        call: 'IIF',
        args: [{ op: '=', left: '[country]', right: { str: 'USA' } }, '[country]', '[department]'],
      },
    ],
    [
      'IIF(DateDiff("d", Now(), CDate([StatusHireDate])) > 5, "False", "True")',
      {
        call: 'IIF',
        args: [
          {
            op: '>',
            left: {
              call: 'DateDiff',
              args: [{ str: 'd' }, { call: 'Now', args: [] }, { call: 'CDate', args: ['[StatusHireDate]'] }],
            },
            right: 5,
          },
          { str: 'False' },
          { str: 'True' },
        ],
      },
    ],
    [
      'IIF(DateDiff("d", Now(), CDate([StatusHireDate])) >= 0, [Department], IgnoreAttributeFlow)',
      {
        call: 'IIF',
        args: [
          {
            op: '>=',
            left: {
              call: 'DateDiff',
              args: [{ str: 'd' }, { call: 'Now', args: [] }, { call: 'CDate', args: ['[StatusHireDate]'] }],
            },
            right: 0,
          },
          '[Department]',
          { flow: 'attribute' },
        ],
      },
    ],
    [
      'IIF([a] <= 14, "False", IgnoreObjectFlow)',
      { call: 'IIF', args: [{ op: '<=', left: '[a]', right: 14 }, { str: 'False' }, { flow: 'object' }] },
    ],
    [
      'IIF([a]<>"x", "1", "0")',
      { call: 'IIF', args: [{ op: '<>', left: '[a]', right: { str: 'x' } }, { str: '1' }, { str: '0' }] },
    ],
    [
      'IIF([a]<1, "1", "0")',
      { call: 'IIF', args: [{ op: '<', left: '[a]', right: 1 }, { str: '1' }, { str: '0' }] },
    ],
    [
      'InStr("repEated","e",3,vbBinaryCompare)',
      { call: 'InStr', args: [{ str: 'repEated' }, { str: 'e' }, 3, { const: 'vbBinaryCompare', value: 0 }] },
    ],
    [
      'InStr([x], "a", , VBTEXTCOMPARE)',
      { call: 'InStr', args: ['[x]', { str: 'a' }, '_', { const: 'vbTextCompare', value: 1 }] },
    ],
    [
      'Replace([BusinessTitle],"Product Developer", , , "Software Engineer", , )',
      {
        call: 'Replace',
        args: [
          '[BusinessTitle]',
          { str: 'Product Developer' },
          '_',
          '_',
          { str: 'Software Engineer' },
          '_',
          '_',
        ],
      },
    ],
    [
      'Replace([telephoneNumber], , "\\\\+(?<isdCode>\\\\d* )(?<phoneNumber>\\\\d{10})", , "${phoneNumber}", , )',
      {
        call: 'Replace',
        args: [
          '[telephoneNumber]',
          '_',
          { str: '\\+(?<isdCode>\\d* )(?<phoneNumber>\\d{10})' },
          '_',
          { str: '${phoneNumber}' },
          '_',
          '_',
        ],
      },
    ],
    [
      'Switch([Active], , \n  "1", "True",\n  "0", "False")',
      {
        call: 'Switch',
        args: ['[Active]', '_', { str: '1' }, { str: 'True' }, { str: '0' }, { str: 'False' }],
      },
    ],
    ['Join("", 1000, [x])', { call: 'Join', args: [{ str: '' }, 1000, '[x]'] }],
    ['[extension_abc_department]', '[extension_abc_department]'],
    ['[manager.displayName]', '[manager.displayName]'],
    [
      '[urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber]',
      '[urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber]',
    ],
    ['"Company name: \\"Contoso\\""', { str: 'Company name: "Contoso"' }],
    ['"a\\\\b"', { str: 'a\\b' }],
    ['"\\d{3}"', { str: '\\d{3}' }],
    [
      'AssertiveAppRoleAssignmentsComplex([appRoleAssignments])',
      { call: 'AssertiveAppRoleAssignmentsComplex', args: ['[appRoleAssignments]'] },
    ],
    ['IgnoreAttributeFlow', { flow: 'attribute' }],
    ['True', { const: 'True', value: true }],
    ['  \r\n\tToLower (\n [mail] \n , "en-US"\n)\n', { call: 'ToLower', args: ['[mail]', { str: 'en-US' }] }],
    ['F(,)', { call: 'F', args: ['_', '_'] }],
    ['1.5', 1.5],
  ];
  it.each(table)('%s', (source, expected) => {
    expect(shape(parseOk(source))).toEqual(expected);
  });

  it('records spans that slice back to the source', () => {
    const source = 'Join(" ", [givenName], [sn])';
    const tree = parseOk(source);
    if (tree.kind !== 'call') throw new Error('expected a call');
    expect(source.slice(tree.span.start, tree.span.end)).toBe(source);
    expect(source.slice(tree.nameSpan.start, tree.nameSpan.end)).toBe('Join');
    expect(tree.args.map((arg) => source.slice(arg.span.start, arg.span.end))).toEqual([
      '" "',
      '[givenName]',
      '[sn]',
    ]);
  });
});

describe('parseExpression: diagnostics', () => {
  const table: [string, string, number, number][] = [
    ['Join(" ", [a]', 'E_UNBALANCED', 1, 5],
    ['Join(" ", [a]))', 'E_UNBALANCED', 1, 15],
    ['Left("abc, 2)', 'E_UNTERMINATED_STRING', 1, 6],
    ['Left([abc, 2)', 'E_UNTERMINATED_ATTRIBUTE', 1, 6],
    ['Left(abc], 2)', 'E_UNKNOWN_IDENTIFIER', 1, 6],
    ['Left([], 2)', 'E_EMPTY_ATTRIBUTE', 1, 6],
    ['Join(" ",\n  [a]\n  [b])', 'E_UNEXPECTED_TOKEN', 3, 3],
    ['Left([a], 1) x', 'E_TRAILING_INPUT', 1, 14],
    ['IIF([a]=1=2, "x", "y")', 'E_CHAINED_COMPARISON', 1, 10],
    ['IIF([a] != 1, "x", "y")', 'E_UNEXPECTED_CHARACTER', 1, 9],
    ['Join(\u201c \u201d, [a])', 'E_UNEXPECTED_CHARACTER', 1, 6],
    ['BitAnd(&H, 1)', 'E_INVALID_NUMBER', 1, 8],
    ['BitAnd(99999999999999999999, 1)', 'E_INVALID_NUMBER', 1, 8],
    ['BitAnd(9007199254740993, 1)', 'E_INVALID_NUMBER', 1, 8],
    ['BitAnd(&H20000000000001, 1)', 'E_INVALID_NUMBER', 1, 8],
    ['Now', 'E_UNKNOWN_IDENTIFIER', 1, 1],
    ['IgnoreAtributeFlow', 'E_UNKNOWN_IDENTIFIER', 1, 1],
    ['   ', 'E_EMPTY', 1, 1],
    ['Join(" ",, ]', 'E_UNBALANCED', 1, 12],
  ];
  it.each(table)('%s -> %s at %i:%i', (source, code, line, column) => {
    const result = parseExpression(source);
    const found = result.diagnostics.find((d) => d.code === code);
    expect(found, JSON.stringify(result.diagnostics)).toBeDefined();
    expect([found?.line, found?.column]).toEqual([line, column]);
  });

  it('accepts integer literals beyond 2^53 that a double holds exactly (AD dates)', () => {
    for (const [source, value] of [
      ['DateFromNum(129699324000000000)', 129699324000000000],
      ['DateFromNum(-129699324000000000)', -129699324000000000],
      ['BitAnd(9007199254740992, 1)', 9007199254740992],
      ['BitAnd(&H20000000000000, 1)', 2 ** 53],
    ] as const) {
      const result = parseExpression(source);
      expect(result.diagnostics).toEqual([]);
      const tree = result.expression;
      const first = tree?.kind === 'call' ? tree.args[0] : undefined;
      expect(first?.kind === 'number' ? first.value : undefined).toBe(value);
    }
  });

  it('accepts an integer literal exactly when its digits round-trip through a double', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 70n }), (n) => {
        const exact = BigInt(Number(n)) === n;
        const result = parseExpression(`BitAnd(${n}, 1)`);
        expect(result.diagnostics.length === 0).toBe(exact);
      }),
      { numRuns: 300 },
    );
  });

  it('suggests the keyword a bare name nearly spells', () => {
    const [diagnostic] = parseExpression('IIF([a]="1", "x", IgnoreAtributeFlow)').diagnostics;
    expect(diagnostic?.message).toContain("did you mean 'IgnoreAttributeFlow'");
  });

  it('reports several problems in one pass', () => {
    const result = parseExpression('Join("a" "b", [c,\n "unterminated');
    expect(result.diagnostics.map((d) => d.code)).toEqual(
      expect.arrayContaining(['E_UNTERMINATED_ATTRIBUTE', 'E_UNTERMINATED_STRING', 'E_UNEXPECTED_TOKEN']),
    );
  });

  it('keeps a tree with invalid nodes beside the diagnostics, for the checker', () => {
    const result = parseExpression('Jion([a], Left(, )');
    expect(result.expression?.kind).toBe('call');
  });

  it('rejects input over the length limit without scanning it', () => {
    const source = `Join("", ${'"x", '.repeat(2000)}"x")`;
    const result = parseExpression(source);
    expect(result.expression).toBeUndefined();
    expect(result.diagnostics.map((d) => d.code)).toEqual(['E_TOO_LONG']);
  });

  it('accepts nesting up to the depth limit and rejects one level more', () => {
    const nest = (depth: number): string => `${'F('.repeat(depth)}[x]${')'.repeat(depth)}`;
    expect(parseExpression(nest(ExpressionLimits.maxDepth)).diagnostics).toEqual([]);
    const deep = parseExpression(nest(ExpressionLimits.maxDepth + 1));
    expect(deep.expression).toBeUndefined();
    expect(deep.diagnostics.map((d) => d.code)).toEqual(['E_TOO_DEEP']);
    expect(deep.diagnostics[0]?.column).toBe(2 * ExpressionLimits.maxDepth + 1);
  });

  it('reports line and column on later lines, counting CRLF once', () => {
    const [diagnostic] = parseExpression('Join(" ",\r\n   [a],\r\n   $)').diagnostics;
    expect([diagnostic?.line, diagnostic?.column, diagnostic?.code]).toEqual([
      3,
      4,
      'E_UNEXPECTED_CHARACTER',
    ]);
  });
});

describe('parseExpression: fuzzing', () => {
  const outcome = (source: string): void => {
    const result = parseExpression(source);
    // Either a tree or at least one diagnostic, and every diagnostic points inside the input.
    expect(result.expression !== undefined || result.diagnostics.length > 0).toBe(true);
    for (const d of result.diagnostics) {
      expect(d.span.start).toBeGreaterThanOrEqual(0);
      expect(d.span.end).toBeLessThanOrEqual(source.length);
      expect(d.line).toBeGreaterThanOrEqual(1);
      expect(d.column).toBeGreaterThanOrEqual(1);
    }
    if (result.diagnostics.length === 0) expect(result.expression?.kind).not.toBe('invalid');
  };

  it('always yields a tree or diagnostics for arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), outcome), { numRuns: 1500 });
  });

  it('always yields a tree or diagnostics for token soup', () => {
    const token = fc.constantFrom(
      'Join',
      'IIF',
      'F',
      '(',
      ')',
      ',',
      '[a]',
      '[',
      ']',
      '"s"',
      '"',
      '\\',
      '=',
      '<>',
      '<=',
      '>',
      '&H1F',
      '&H',
      '-',
      '12',
      'vbTextCompare',
      'IgnoreObjectFlow',
      ' ',
      '\n',
      '$',
      '\u201c',
    );
    fc.assert(
      fc.property(
        fc.array(token, { maxLength: 80 }).map((t) => t.join('')),
        outcome,
      ),
      { numRuns: 2000 },
    );
  });

  it('answers long and deeply nested inputs with the right diagnostics', () => {
    // How long these take is measured in bench/expressions.bench.ts; here only what they yield.
    const cases: [string, string, readonly string[]][] = [
      ['8000 open parentheses', '('.repeat(8000), ['E_TRAILING_INPUT', 'E_UNEXPECTED_TOKEN']],
      ['calls nested 4000 deep', 'F('.repeat(4000), ['E_TOO_DEEP']],
      [
        '60 unclosed calls around 1500 arguments',
        `${'F('.repeat(60)}${'"x",'.repeat(1500)}`,
        ['E_UNBALANCED'],
      ],
      ['8000 open brackets', '['.repeat(8000), ['E_UNTERMINATED_ATTRIBUTE']],
      ['8000 quotes', '"'.repeat(8000), ['E_TRAILING_INPUT']],
      ['8000 commas', ','.repeat(8000), ['E_TRAILING_INPUT', 'E_UNEXPECTED_TOKEN']],
      ['a call of 3001 omitted arguments', 'F(' + ', '.repeat(3000) + ')', []],
      ['100,000 characters', 'x'.repeat(100_000), ['E_TOO_LONG']],
    ];
    for (const [label, source, codes] of cases) {
      outcome(source);
      const result = parseExpression(source);
      expect({ label, codes: [...new Set(result.diagnostics.map((d) => d.code))].sort() }).toEqual({
        label,
        codes,
      });
    }
    // Depth is bounded: the deep call is refused at the limit, not after walking all 4000 levels.
    const deep = parseExpression('F('.repeat(4000)).diagnostics[0]!;
    expect(deep.message).toBe('Expression nests deeper than 64 levels');
    expect(deep.span.start).toBeLessThan(200);
    // Only the first 8192 characters are read; the rest is named as the excess.
    const long = parseExpression('x'.repeat(100_000)).diagnostics[0]!;
    expect(long.span).toEqual({ start: 8192, end: 100_000 });
    const omitted = parseExpression('F(' + ', '.repeat(3000) + ')').expression;
    expect(omitted?.kind === 'call' && omitted.args.length).toBe(3001);
    expect(omitted?.kind === 'call' && omitted.args.every((arg) => arg.kind === 'omitted')).toBe(true);
  });
});
