/** The character classes and literals of RFC 7644 §3.4.2.2 filters, as the parser reads them. */
import { describe, expect, it } from 'vitest';
import { scimErrorThrownBy } from '../../../test/support/scim-error-of.js';
import { parseFilter } from './filter-parser.js';
import {
  describeAt,
  isAttrName,
  isBareValueChar,
  isJsonNumber,
  scanString,
  truncate,
} from './filter-scanner.js';

const fail = (message: string) => new Error(message);

function valueOf(text: string): unknown {
  const ast = parseFilter(text);
  return ast.kind === 'compare' ? ast.value : undefined;
}

function detailOf(text: string): string {
  return scimErrorThrownBy(() => parseFilter(text))?.detail ?? 'ok';
}

describe('attribute names (ATTRNAME = ALPHA *(nameChar), nameChar = "-" / "_" / DIGIT / ALPHA)', () => {
  it.each(['a', 'z', 'A', 'Z', 'a1', 'a-b', 'a_b', 'userName', '$ref', 'x9-_Y'])('accepts %j', (name) => {
    expect(isAttrName(name)).toBe(true);
  });

  it.each(['', '1a', '-a', '_a', 'a.b', 'a:b', 'a b', 'é', 'a$', '[', '`', '{', '@', '/'])(
    'refuses %j',
    (name) => {
      expect(isAttrName(name)).toBe(false);
    },
  );

  it('parses names with hyphens, underscores and digits in filters', () => {
    const ast = parseFilter('a-b_9 pr and Z pr');
    expect(ast.kind === 'and' && ast.left.kind === 'present' && ast.left.path.name).toBe('a-b_9');
  });
});

describe('JSON numbers (RFC 8259 §6)', () => {
  it.each(['0', '-0', '7', '10', '1.5', '0.05', '1e9', '1E9', '1e+9', '1e-9', '-1.25E-3', '90'])(
    'accepts %j',
    (token) => {
      expect(isJsonNumber(token)).toBe(true);
    },
  );

  it.each([
    '',
    '-',
    '+1',
    '01',
    '1.',
    '.1',
    '1e',
    '1e+',
    '1e-',
    'e1',
    '1a',
    '1.2.3',
    '1e1.5',
    '0x1',
    '- 1',
    '1 ',
  ])('refuses %j', (token) => {
    expect(isJsonNumber(token)).toBe(false);
  });
});

describe('JSON strings (RFC 8259 §7)', () => {
  it('decodes escapes in either hex case and reports where the string ends', () => {
    expect(scanString('"\\u00E9\\u00e9" rest', 0, fail)).toEqual({ value: 'éé', end: 14 });
    expect(scanString('x "a\\/b"', 2, fail)).toEqual({ value: 'a/b', end: 8 });
    expect(scanString('""', 0, fail)).toEqual({ value: '', end: 2 });
  });

  it('keeps text between escapes', () => {
    expect(valueOf('x eq "ab\\ncd\\tef"')).toBe('ab\ncd\tef');
    expect(valueOf('x eq "\\\\\\\\"')).toBe('\\\\');
  });

  it('refuses raw control characters but not DEL or non-ASCII', () => {
    expect(detailOf('x eq "a\u001fb"')).toBe(
      'control character U+001F must be escaped in a string at position 7',
    );
    expect(detailOf('x eq "a\tb"')).toBe(
      'control character U+0009 must be escaped in a string at position 7',
    );
    expect(valueOf('x eq "a\u007fb"')).toBe('a\u007fb');
    expect(valueOf('x eq " "')).toBe(' ');
  });

  it('refuses \\u with too few or non-hex digits', () => {
    expect(detailOf('x eq "\\u00g0"')).toBe(
      'invalid \\u escape in a string at position 6: expected four hex digits',
    );
    expect(detailOf('x eq "\\u00"')).toBe(
      'invalid \\u escape in a string at position 6: expected four hex digits',
    );
  });

  it('names an unknown escape', () => {
    expect(detailOf('x eq "\\a"')).toBe("invalid escape '\\a' in a string at position 6");
    expect(detailOf('x eq "\\U0041"')).toBe("invalid escape '\\U' in a string at position 6");
  });
});

describe('bare values', () => {
  it('end at whitespace, parentheses, brackets and double quotes, and nothing else', () => {
    for (const end of ' \t\r\n()[]"') expect(isBareValueChar(end.charCodeAt(0))).toBe(false);
    for (const part of "aZ09-_.:$@/\\,;'{}<>=!?*+~#%&|^`")
      expect(isBareValueChar(part.charCodeAt(0))).toBe(true);
  });
});

describe('describeAt', () => {
  it('quotes a token that starts like a name or number up to the next delimiter', () => {
    expect(describeAt('a eq foo(bar)', 5)).toBe("'foo'");
    expect(describeAt('a eq 12 x', 5)).toBe("'12'");
    expect(describeAt('a eq $x]', 5)).toBe("'$x'");
  });

  it('shows a single other character, whole code points included', () => {
    expect(describeAt('a eq é', 5)).toBe("'é'");
    expect(describeAt('a eq 😀', 5)).toBe("'😀'");
    expect(describeAt('a eq ~x', 5)).toBe("'~'");
    expect(describeAt('a eq \u0000', 5)).toBe('U+0000');
    expect(describeAt('a eq \u001f', 5)).toBe('U+001F');
    expect(describeAt('a eq \u007f', 5)).toBe('U+007F');
    expect(describeAt('a eq  ', 5)).toBe("' '");
    expect(describeAt('a eq ', 5)).toBe('end of input');
    expect(describeAt('a eq ', 9)).toBe('end of input');
  });

  it('shortens what it quotes', () => {
    expect(describeAt(`a eq ${'x'.repeat(45)}`, 5)).toBe(`'${'x'.repeat(40)}...'`);
    expect(truncate('abcdef', 3)).toBe('abc...');
    expect(truncate('abc', 3)).toBe('abc');
  });
});
