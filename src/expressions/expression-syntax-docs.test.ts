import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileExpression } from './compile-expression.js';
import { parseExpression } from './expression-parser.js';
import { DiagnosticCode } from './expression-diagnostic.js';

/** docs/expression-syntax.md is kept true by running its tables. */
const docs = readFileSync(new URL('../../docs/expression-syntax.md', import.meta.url), 'utf8');

function tableAfter(heading: string): string[][] {
  const start = docs.indexOf(heading);
  if (start < 0) throw new Error(`no section ${heading}`);
  const lines = docs.slice(start).split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.split(' | ').map((cell) => cell.replace(/^\|\s*|\s*\|$/g, '').trim()));
  }
  return rows;
}

/** The text of the first `code span` in a table cell (escaped pipes restored). */
function firstCode(cell: string): string | undefined {
  return /`([^`]+)`/.exec(cell)?.[1]?.replaceAll('\\|', '|');
}

describe('docs/expression-syntax.md', () => {
  const diagnostics = tableAfter('## Diagnostics');

  it('lists every diagnostic code, and only those', () => {
    expect(diagnostics.map((row) => firstCode(row[0] ?? '')).sort()).toEqual(
      Object.values(DiagnosticCode).sort(),
    );
  });

  const examples = diagnostics
    .map((row) => [firstCode(row[0] ?? ''), firstCode(row[2] ?? '')] as const)
    .filter((pair): pair is readonly [string, string] => pair[1] !== undefined && !pair[1].includes('...'));

  it.each(examples)('%s: the example %s yields it', (code, example) => {
    const result = compileExpression(example, { sourceAttributes: ['surname'] });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.diagnostics.map((d) => d.code)).toContain(code);
  });

  const escapes = tableAfter('### String escapes').filter((row) => !(row[0] ?? '').includes('docs'));

  it.each(escapes.map((row) => [firstCode(row[0] ?? ''), row[1] ?? ''] as const))(
    'the string %s has the documented value',
    (written, value) => {
      const tree = parseExpression(written ?? '').expression;
      const expected = firstCode(value);
      expect(tree?.kind === 'string' ? tree.value : undefined).toBe(expected);
    },
  );

  const forms = tableAfter('## Syntax').flatMap((row) =>
    [...(row[1] ?? '').matchAll(/`([^`]+)`/g)].map((match) => [row[0] ?? '', match[1] ?? ''] as const),
  );

  it.each(forms)('the %s example %s compiles', (_form, example) => {
    const result = compileExpression(example);
    expect(result.ok ? [] : result.diagnostics).toEqual([]);
  });
});
