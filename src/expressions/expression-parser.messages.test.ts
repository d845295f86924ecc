/** What the parser tells people: each diagnostic's message names what it found and where. */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from './expression-diagnostic.js';
import { ExpressionLimits } from './expression-limits.js';
import { parseExpression } from './expression-parser.js';

const report = (source: string): string[] => parseExpression(source).diagnostics.map(formatDiagnostic);

describe('parseExpression: diagnostic messages', () => {
  it.each([
    [
      'Join("a" "b")',
      ["1:10 E_UNEXPECTED_TOKEN Expected ',' or ')' in the arguments of Join but found a string"],
    ],
    ['Join("a" x)', ["1:10 E_UNEXPECTED_TOKEN Expected ',' or ')' in the arguments of Join but found 'x'"]],
    [
      'Join("a" 5)',
      ["1:10 E_UNEXPECTED_TOKEN Expected ',' or ')' in the arguments of Join but found number 5"],
    ],
    [
      'Join("a" [b])',
      ["1:10 E_UNEXPECTED_TOKEN Expected ',' or ')' in the arguments of Join but found attribute [b]"],
    ],
    [
      'Join("a" (), "b")',
      ["1:10 E_UNEXPECTED_TOKEN Expected ',' or ')' in the arguments of Join but found '('"],
    ],
    [
      'F(=)',
      [
        "1:3 E_UNEXPECTED_TOKEN Expected a value but found '='",
        "1:4 E_UNEXPECTED_TOKEN Expected a value but found ')'",
      ],
    ],
    ['Join(" ", [a]', ["1:5 E_UNBALANCED '(' of Join is never closed with ')'"]],
    ['Left([a], 1))', ["1:13 E_UNBALANCED ')' without a matching '('"]],
    ['Left([a], 1) x', ["1:14 E_TRAILING_INPUT Unexpected 'x' after the end of the expression"]],
    ['[a] [b]', ['1:5 E_TRAILING_INPUT Unexpected attribute [b] after the end of the expression']],
    ['"a" ,', ["1:5 E_TRAILING_INPUT Unexpected ',' after the end of the expression"]],
    ['   ', ['1:1 E_EMPTY Expression is empty']],
    // Nothing but a character the scanner refused: that one problem, not "empty" as well.
    ['  $ ', ["1:3 E_UNEXPECTED_CHARACTER Unexpected character '$'"]],
    [
      'IIF([a]=1=2, "x", "y")',
      ['1:10 E_CHAINED_COMPARISON A condition holds one comparison; nest IIF to combine conditions'],
    ],
    [
      'Now',
      [
        '1:1 E_UNKNOWN_IDENTIFIER Unknown name \'Now\': write a call as Now(...), an attribute as [Now], a string as "Now"',
      ],
    ],
    [
      'vbTextCompar',
      ["1:1 E_UNKNOWN_IDENTIFIER Unknown name 'vbTextCompar' - did you mean 'vbTextCompare'?"],
    ],
  ])('%j', (source, expected) => {
    expect(report(source)).toEqual(expected);
  });

  it('reports the end of the expression by name', () => {
    expect(report('[a] =')).toEqual([
      '1:6 E_UNEXPECTED_TOKEN Expected a value but found the end of the expression',
    ]);
  });

  it('reports a whole comparison chain once, and still reads what follows', () => {
    const result = parseExpression('IIF([a]=1=2<3>=4, "x", "y")');
    expect(result.diagnostics.map((d) => d.code)).toEqual(['E_CHAINED_COMPARISON']);
    const tree = result.expression;
    expect(tree?.kind === 'call' && tree.args.map((a) => a.kind)).toEqual(['comparison', 'string', 'string']);
  });

  it('skips a stray argument tail up to the next separator at the same level', () => {
    const result = parseExpression('Join("a" F(1, 2) G(3), "b")');
    expect(result.diagnostics.map((d) => d.code)).toEqual(['E_UNEXPECTED_TOKEN']);
    const tree = result.expression;
    // The comma inside F(1, 2) is not taken for a separator of Join: "b" is still read as a string.
    expect(tree?.kind === 'call' && tree.args.at(-1)).toEqual(
      expect.objectContaining({ kind: 'string', value: 'b' }),
    );
    expect(tree?.span).toEqual({ start: 0, end: 27 });
  });

  it('keeps the arguments around a stray token: no extra omitted argument after the skipped tail', () => {
    const kinds = (source: string): unknown => {
      const tree = parseExpression(source).expression;
      return tree?.kind === 'call' && tree.args.map((a) => a.kind);
    };
    expect(kinds('Join("a" x, "b")')).toEqual(['string', 'string']);
    expect(kinds('Join("a" x)')).toEqual(['string']);
    expect(kinds('Join("a", "b" 5 6, [c])')).toEqual(['string', 'string', 'attribute']);
    // An unclosed call after a stray token: the skipped tail adds no argument either.
    const unclosed = parseExpression('Join("a" x');
    expect(unclosed.diagnostics.map((d) => d.code)).toEqual(['E_UNEXPECTED_TOKEN', 'E_UNBALANCED']);
    expect(unclosed.expression?.kind === 'call' && unclosed.expression.args.map((a) => a.kind)).toEqual([
      'string',
    ]);
    expect(unclosed.expression?.span).toEqual({ start: 0, end: 10 });
  });

  it('reads names, constants and keywords case-insensitively', () => {
    const tree = parseExpression('F(VBTEXTCOMPARE, true, ignoreobjectflow, IgnoreAttributeFlow)').expression;
    expect(tree?.kind === 'call' && tree.args).toEqual([
      expect.objectContaining({ kind: 'constant', name: 'vbTextCompare', value: 1 }),
      expect.objectContaining({ kind: 'constant', name: 'True', value: true }),
      expect.objectContaining({ kind: 'flow', scope: 'object' }),
      expect.objectContaining({ kind: 'flow', scope: 'attribute' }),
    ]);
  });

  it('gives a call with no arguments and a call with omitted ones their spans', () => {
    const source = 'F( ) ';
    const tree = parseExpression(source).expression;
    expect(tree?.kind === 'call' && tree.args).toEqual([]);
    expect(tree?.span).toEqual({ start: 0, end: 4 });
    const omitted = parseExpression('F(, )').expression;
    expect(omitted?.kind === 'call' && omitted.args).toEqual([
      { kind: 'omitted', span: { start: 2, end: 2 } },
      { kind: 'omitted', span: { start: 4, end: 4 } },
    ]);
    expect(omitted?.span).toEqual({ start: 0, end: 5 });
    const unclosed = parseExpression('F([a], ').expression;
    expect(unclosed?.span).toEqual({ start: 0, end: 7 });
    expect(unclosed?.kind === 'call' && unclosed.args.map((a) => a.kind)).toEqual(['attribute', 'invalid']);
  });

  it('gives a comparison the span of both operands and a missing value an empty span where it is missing', () => {
    const comparison = parseExpression('[a] <> "x" ').expression;
    expect(comparison).toMatchObject({ kind: 'comparison', operatorSpan: { start: 4, end: 6 } });
    expect(comparison?.span).toEqual({ start: 0, end: 10 });
    const missing = parseExpression('[a] = )').expression;
    expect(missing?.kind === 'comparison' && missing.right).toEqual({
      kind: 'invalid',
      span: { start: 6, end: 6 },
    });
  });

  it('keeps at most 20 diagnostics, the first ones', () => {
    const result = parseExpression('$'.repeat(30));
    expect(result.diagnostics).toHaveLength(20);
    expect(result.diagnostics[19]?.column).toBe(20);
  });

  it('reports an input over the length limit from where the limit is passed', () => {
    const source = `"${'x'.repeat(ExpressionLimits.maxLength)}"`;
    expect(report(source)).toEqual([
      `1:${ExpressionLimits.maxLength + 1} E_TOO_LONG Expression is ${ExpressionLimits.maxLength + 2} characters long; the limit is ${ExpressionLimits.maxLength}`,
    ]);
    expect(parseExpression(`"${'x'.repeat(ExpressionLimits.maxLength - 2)}"`).diagnostics).toEqual([]);
  });

  it('names the depth limit when calls nest deeper', () => {
    const nest = (depth: number): string => `${'F('.repeat(depth)}1${')'.repeat(depth)}`;
    expect(report(nest(ExpressionLimits.maxDepth + 1))).toEqual([
      `1:${2 * ExpressionLimits.maxDepth + 1} E_TOO_DEEP Expression nests deeper than ${ExpressionLimits.maxDepth} levels`,
    ]);
  });
});
