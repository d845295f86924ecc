/** Tokens of the Entra expression syntax, and the problems the scanner reports while reading them. */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, lineAndColumn } from './expression-diagnostic.js';
import { scanExpression, type Token } from './expression-scanner.js';

/** Each token as a short text: kind and what it holds. */
function describeToken(token: Token): string {
  switch (token.kind) {
    case 'identifier':
      return `id:${token.text}`;
    case 'string':
      return `str:${token.value}${token.invalid ? '!' : ''}`;
    case 'number':
      return `num:${token.raw}=${token.value}${token.invalid ? '!' : ''}`;
    case 'attribute':
      return `attr:${token.name}${token.invalid ? '!' : ''}`;
    case 'operator':
      return `op:${token.operator}`;
    default:
      return token.kind;
  }
}

const kinds = (source: string): string[] => scanExpression(source).tokens.map(describeToken);
const messages = (source: string): string[] =>
  scanExpression(source).diagnostics.map((d) => `${d.code} ${d.span.start}-${d.span.end} ${d.message}`);

describe('scanExpression: tokens', () => {
  it('reads a call with identifiers, attributes, strings and punctuation, with spans', () => {
    const source = 'Join(", ", [givenName],[sn])';
    const { tokens, diagnostics } = scanExpression(source);
    expect(diagnostics).toEqual([]);
    expect(tokens.map(describeToken)).toEqual([
      'id:Join',
      '(',
      'str:, ',
      ',',
      'attr:givenName',
      ',',
      'attr:sn',
      ')',
      'eof',
    ]);
    expect(tokens.map((t) => source.slice(t.span.start, t.span.end))).toEqual([
      'Join',
      '(',
      '", "',
      ',',
      '[givenName]',
      ',',
      '[sn]',
      ')',
      '',
    ]);
    expect(tokens.at(-1)?.span).toEqual({ start: source.length, end: source.length });
  });

  it('reads identifiers with digits and underscores, not starting with a digit', () => {
    expect(kinds('_a1 B_2 z')).toEqual(['id:_a1', 'id:B_2', 'id:z', 'eof']);
    expect(kinds('Z9')).toEqual(['id:Z9', 'eof']);
  });

  it('reads the comparison operators, longest first', () => {
    expect(kinds('= <> <= >= < >')).toEqual(['op:=', 'op:<>', 'op:<=', 'op:>=', 'op:<', 'op:>', 'eof']);
    expect(kinds('[a]<=1')).toEqual(['attr:a', 'op:<=', 'num:1=1', 'eof']);
    expect(kinds('>=<')).toEqual(['op:>=', 'op:<', 'eof']);
    expect(kinds('><')).toEqual(['op:>', 'op:<', 'eof']);
    expect(kinds('>>')).toEqual(['op:>', 'op:>', 'eof']);
  });

  it('reads decimal numbers, negative ones and decimals with digits after the point', () => {
    expect(kinds('0 42 -7 3.25 -0.5')).toEqual([
      'num:0=0',
      'num:42=42',
      'num:-7=-7',
      'num:3.25=3.25',
      'num:-0.5=-0.5',
      'eof',
    ]);
    // A point not followed by a digit ends the number.
    expect(kinds('1.')[0]).toBe('num:1=1');
    expect(kinds('1.x').slice(0, 1)).toEqual(['num:1=1']);
    // A minus sign not followed by a digit is no number.
    expect(messages('-x')[0]).toContain("Unexpected character '-'");
  });

  it('reads VBA hex literals with &H or &h and hex digits of either case', () => {
    expect(kinds('&HF7 &hff &H0a &H10')).toEqual([
      'num:&HF7=247',
      'num:&hff=255',
      'num:&H0a=10',
      'num:&H10=16',
      'eof',
    ]);
    expect(kinds('&HFG')).toEqual(['num:&HF=15', 'id:G', 'eof']);
  });

  it('takes exactly 0-9, A-F and a-f as hex digits', () => {
    expect(kinds('&HA &Ha &H9 &H0')).toEqual(['num:&HA=10', 'num:&Ha=10', 'num:&H9=9', 'num:&H0=0', 'eof']);
    // The characters just outside each range end the number.
    expect(kinds('&H1@')[0]).toBe('num:&H1=1');
    expect(kinds('&H1g')).toEqual(['num:&H1=1', 'id:g', 'eof']);
    expect(kinds('&H1`')[0]).toBe('num:&H1=1');
    expect(kinds('&H1/')[0]).toBe('num:&H1=1');
    expect(kinds('&H1:')[0]).toBe('num:&H1=1');
  });

  it('keeps \\" and \\\\ as escapes and any other backslash as written (Entra regex text)', () => {
    expect(kinds('"a\\"b"')).toEqual(['str:a"b', 'eof']);
    expect(kinds('"a\\\\b"')).toEqual(['str:a\\b', 'eof']);
    expect(kinds('"\\d{10}"')).toEqual(['str:\\d{10}', 'eof']);
    expect(kinds('"\\\\d{10}"')).toEqual(['str:\\d{10}', 'eof']);
    expect(kinds('"x\\"')).toEqual(['str:x"!', 'eof']);
  });

  it('trims attribute names', () => {
    expect(kinds('[ mail ]')).toEqual(['attr:mail', 'eof']);
  });

  it('skips ASCII and Unicode whitespace between tokens', () => {
    for (const space of ['\t', '\n', '\u000b', '\u000c', '\r', ' ', '\u00a0', '\u2003', '\u3000']) {
      expect(scanExpression(`A${space}B`).diagnostics, JSON.stringify(space)).toEqual([]);
    }
    expect(kinds('\tA\u000b\u000cB\r\nC\u00a0D\u2003E')).toEqual([
      'id:A',
      'id:B',
      'id:C',
      'id:D',
      'id:E',
      'eof',
    ]);
  });
});

describe('scanExpression: diagnostics', () => {
  it('reports an unterminated string and keeps its text', () => {
    const { tokens, diagnostics } = scanExpression('Left("abc');
    expect(tokens.map(describeToken)).toEqual(['id:Left', '(', 'str:abc!', 'eof']);
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      '1:6 E_UNTERMINATED_STRING String is not closed with "',
    ]);
    expect(diagnostics[0]?.span).toEqual({ start: 5, end: 9 });
  });

  it('ends an attribute at the end of the line, reporting it unterminated', () => {
    const { tokens, diagnostics } = scanExpression('[abc\n]');
    expect(tokens.map(describeToken)).toEqual(['attr:abc!', 'eof']);
    expect(diagnostics.map((d) => `${d.code} ${d.span.start}-${d.span.end}`)).toEqual([
      'E_UNTERMINATED_ATTRIBUTE 0-4',
      'E_UNBALANCED 5-6',
    ]);
    expect(messages('[a\rb]')[0]).toBe("E_UNTERMINATED_ATTRIBUTE 0-2 Attribute name is not closed with ']'");
    expect(messages('[abc')).toEqual(["E_UNTERMINATED_ATTRIBUTE 0-4 Attribute name is not closed with ']'"]);
  });

  it('reports an empty attribute reference, spaces counting as empty', () => {
    expect(kinds('[  ]')).toEqual(['attr:!', 'eof']);
    expect(messages('[  ]')).toEqual(['E_EMPTY_ATTRIBUTE 0-4 Empty attribute reference []']);
  });

  it("reports a ']' without its '['", () => {
    expect(messages('a]')).toEqual(["E_UNBALANCED 1-2 ']' without a matching '['"]);
  });

  it('gives hints for characters pasted from elsewhere', () => {
    expect(messages('\u201cx\u201d')[0]).toBe(
      `E_UNEXPECTED_CHARACTER 0-1 Unexpected character '\u201c': use straight double quotes (") around strings`,
    );
    expect(messages('\u201e')[0]).toContain('use straight double quotes');
    expect(messages('\u201d')[0]).toBe(
      `E_UNEXPECTED_CHARACTER 0-1 Unexpected character '\u201d': use straight double quotes (") around strings`,
    );
    expect(messages("'x'")[0]).toBe(
      `E_UNEXPECTED_CHARACTER 0-1 Unexpected character ''': strings take double quotes (")`,
    );
    expect(messages('!')[0]).toContain('Unexpected character \'!\': write "not equal" as <>');
    expect(messages('&')[0]).toContain("Unexpected character '&': hex numbers are written &H");
    expect(messages('&X')[0]).toContain("Unexpected character '&': hex numbers");
    expect(messages('+')[0]).toContain("Unexpected character '+': join strings with Join or Append");
    expect(messages('$')).toEqual(["E_UNEXPECTED_CHARACTER 0-1 Unexpected character '$'"]);
    // Only '&' starts a hex number: another character before an H is refused on its own.
    expect(messages('$H1')).toEqual(["E_UNEXPECTED_CHARACTER 0-1 Unexpected character '$'"]);
    expect(kinds('$H1')).toEqual(['id:H1', 'eof']);
  });

  it('shows control characters by code point and a surrogate pair as one character', () => {
    expect(messages('\u0001')).toEqual(["E_UNEXPECTED_CHARACTER 0-1 Unexpected character 'U+0001'"]);
    expect(messages('\u007f')).toEqual(["E_UNEXPECTED_CHARACTER 0-1 Unexpected character 'U+007f'"]);
    expect(messages('\u001f')).toEqual(["E_UNEXPECTED_CHARACTER 0-1 Unexpected character 'U+001f'"]);
    expect(messages('😀x')).toEqual(["E_UNEXPECTED_CHARACTER 0-2 Unexpected character '😀'"]);
    expect(kinds('😀x')).toEqual(['id:x', 'eof']);
    // U+FFFF is one UTF-16 unit: the character after it is read.
    expect(messages('\uffffx')).toEqual(["E_UNEXPECTED_CHARACTER 0-1 Unexpected character '\uffff'"]);
    expect(kinds('\uffffx')).toEqual(['id:x', 'eof']);
  });

  it('refuses numbers a double cannot hold exactly, suggesting a string', () => {
    expect(kinds('9007199254740993')).toEqual(['num:9007199254740993=0!', 'eof']);
    expect(messages('9007199254740993')).toEqual([
      'E_INVALID_NUMBER 0-16 Number 9007199254740993 cannot be represented exactly; write it as a string ("9007199254740993") to keep every digit',
    ]);
    expect(kinds('9007199254740992')).toEqual(['num:9007199254740992=9007199254740992', 'eof']);
    // An integral decimal beyond 2^53 is refused, a fractional one is approximate by nature.
    expect(kinds('100000000000000000000.0')[0]).toMatch(/!$/);
    expect(kinds('9007199254740992.0')[0]).toMatch(/!$/);
    expect(kinds('9007199254740991.0')[0]).toBe('num:9007199254740991.0=9007199254740991');
    expect(kinds('0.1')[0]).toBe('num:0.1=0.1');
    expect(kinds(`1${'0'.repeat(400)}`)[0]).toMatch(/=0!$/);
    expect(kinds(`1${'0'.repeat(400)}.5`)[0]).toMatch(/=0!$/);
  });

  it('refuses &H without digits, and hex numbers beyond exact doubles', () => {
    expect(kinds('&H')).toEqual(['num:&H=0!', 'eof']);
    expect(messages('&H')).toEqual(['E_INVALID_NUMBER 0-2 &H must be followed by hex digits, e.g. &HF7']);
    expect(messages('&H20000000000001')).toEqual([
      'E_INVALID_NUMBER 0-16 Hex number &H20000000000001 cannot be represented exactly',
    ]);
    expect(kinds('&H20000000000000')).toEqual([`num:&H20000000000000=${2 ** 53}`, 'eof']);
    expect(kinds(`&H${'F'.repeat(300)}`)[0]).toMatch(/=0!$/);
  });

  it('reports every problem of one input, in order', () => {
    expect(scanExpression('$ "a\\" [b').diagnostics.map((d) => d.code)).toEqual([
      'E_UNEXPECTED_CHARACTER',
      'E_UNTERMINATED_STRING',
    ]);
    expect(scanExpression('$ [] ]').diagnostics.map((d) => d.code)).toEqual([
      'E_UNEXPECTED_CHARACTER',
      'E_EMPTY_ATTRIBUTE',
      'E_UNBALANCED',
    ]);
  });
});

describe('lineAndColumn', () => {
  it('counts lines ended by LF, CR or CRLF, and columns from 1', () => {
    expect(lineAndColumn('ab', 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
    expect(lineAndColumn('ab\rcd', 3)).toEqual({ line: 2, column: 1 });
    expect(lineAndColumn('ab\r\ncd', 4)).toEqual({ line: 2, column: 1 });
    expect(lineAndColumn('a\n\nb', 3)).toEqual({ line: 3, column: 1 });
  });
});
