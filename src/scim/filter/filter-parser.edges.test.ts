/** Edges of the filter and path grammar: keyword boundaries, number forms, limits and their messages. */
import { describe, expect, it } from 'vitest';
import { errorOf } from '../../../test/support/scim-error-of.js';
import { parseAttrPath, parseFilter, parsePatchPath } from './filter-parser.js';

describe('keywords are whole words', () => {
  it.each([
    ['title pr orb pr', "unexpected 'orb' at position 9"],
    ['title pr andy pr', "unexpected 'andy' at position 9"],
    ['title pr or-x pr', "unexpected 'or-x' at position 9"],
    ['title pr and_x pr', "unexpected 'and_x' at position 9"],
    ['title pr or:x pr', "unexpected 'or:x' at position 9"],
  ])('%j is not an and/or', (text, message) => {
    const error = errorOf(() => parseFilter(text));
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toContain(message);
  });

  it('takes and/or followed by whitespace or a parenthesis as the keyword', () => {
    expect(parseFilter('title pr or(userName pr)').kind).toBe('or');
    expect(parseFilter('title pr and\tuserName pr').kind).toBe('and');
  });

  it('reads a keyword at the very end as an incomplete expression', () => {
    expect(errorOf(() => parseFilter('title pr or')).detail).toContain(
      "expected an attribute path, '(' or 'not' at position 11, found end of input",
    );
  });
});

describe('JSON number literals (RFC 8259 §6)', () => {
  it.each(['1e', '1e+', '1E-', '-', '-x', '1.e3', '.5', '+1', '00', '1.2.3', '1e5e5'])(
    'refuses %j as a number',
    (token) => {
      const error = errorOf(() => parseFilter(`x eq ${token}`));
      expect(error.scimType).toBe('invalidFilter');
      // The message quotes a token that starts like a value whole, anything else by its first character.
      const shown = /^[0-9]/.test(token) ? token : token.charAt(0);
      expect(error.detail).toContain(`at position 5, found '${shown}'`);
    },
  );

  it('keeps such tokens as strings when bare values are allowed', () => {
    const value = (token: string) => {
      const ast = parseFilter(`x eq ${token}`, { allowBareValues: true });
      return ast.kind === 'compare' ? ast.value : undefined;
    };
    expect(value('1e')).toBe('1e');
    expect(value('1e+')).toBe('1e+');
    expect(value('1.e3')).toBe('1.e3');
    expect(value('-')).toBe('-');
    expect(value('1e+5')).toBe(100000);
    expect(value('TRUE')).toBe(true);
    expect(value('Null')).toBe(null);
    expect(value('falsey')).toBe('falsey');
    expect(value('nullable')).toBe('nullable');
  });
});

describe('limits and messages of the path entry points', () => {
  it('names a path, not a filter, in the length and depth messages', () => {
    expect(errorOf(() => parsePatchPath('members', { maxLength: 4 })).detail).toBe(
      'path is 7 characters long; the maximum is 4',
    );
    expect(errorOf(() => parseAttrPath('userName', { maxLength: 4 })).detail).toBe(
      'path is 8 characters long; the maximum is 4',
    );
    expect(errorOf(() => parsePatchPath('emails[(type pr)]', { maxDepth: 1 })).detail).toBe(
      'path nesting exceeds the maximum depth of 1 at position 7',
    );
    expect(errorOf(() => parseFilter('title pr', { maxLength: 4 })).detail).toBe(
      'filter is 8 characters long; the maximum is 4',
    );
  });

  it('accepts text exactly at the length limit', () => {
    expect(parseFilter('title pr', { maxLength: 8 }).kind).toBe('present');
    expect(parsePatchPath('members', { maxLength: 7 }).attr.name).toBe('members');
  });

  it('refuses a value that is not a string, saying so', () => {
    const filter = errorOf(() => parseFilter(42 as unknown as string));
    expect(filter.scimType).toBe('invalidFilter');
    expect(filter.detail).toBe('filter must be a string');
    const path = errorOf(() => parsePatchPath(null as unknown as string));
    expect(path.scimType).toBe('invalidPath');
    expect(path.detail).toBe('path must be a string');
    expect(errorOf(() => parseAttrPath({} as unknown as string)).detail).toBe('path must be a string');
  });
});

describe('what error messages quote', () => {
  it('names an invalid attribute name after a URN', () => {
    expect(errorOf(() => parseFilter('urn:x:1abc pr')).detail).toBe(
      "in attribute path 'urn:x:1abc' at position 0, the attribute name '1abc' is not a valid name (position 6)",
    );
  });

  it('reports a string ending in a lone backslash as unterminated', () => {
    expect(errorOf(() => parseFilter('x eq "abc\\')).detail).toBe(
      'unterminated string starting at position 5',
    );
  });

  it('shows control characters by code point', () => {
    expect(errorOf(() => parseFilter('x eq \u0001')).detail).toContain('at position 5, found U+0001');
    expect(errorOf(() => parseFilter('x eq \u007f')).detail).toContain('at position 5, found U+007F');
  });

  it('shortens long source excerpts to 40 characters', () => {
    const op = 'x'.repeat(50);
    expect(errorOf(() => parseFilter(`userName ${op} "a"`)).detail).toBe(
      `unknown operator '${'x'.repeat(40)}...' after 'userName' at position 9; expected eq, ne, co, sw, ew, gt, ge, lt, le or pr`,
    );
    const exactly = 'y'.repeat(40);
    expect(errorOf(() => parseFilter(`userName ${exactly} "a"`)).detail).toContain(
      `unknown operator '${exactly}' after`,
    );
  });
});

describe('parseAttrPath messages', () => {
  it('says an attribute path was expected', () => {
    expect(errorOf(() => parseAttrPath(' 9a')).detail).toBe(
      "expected an attribute path at position 1, found '9a'",
    );
    expect(errorOf(() => parseAttrPath('')).detail).toBe(
      'expected an attribute path at position 0, found end of input',
    );
  });

  it('says the attribute path should have ended', () => {
    expect(errorOf(() => parseAttrPath('name.givenName x')).detail).toBe(
      "unexpected 'x' at position 15: expected the end of the attribute path",
    );
  });
});

describe('nesting inside value filters', () => {
  it('counts the brackets of a value filter toward the depth limit', () => {
    expect(parseFilter('emails[((type pr))]', { maxDepth: 3 }).kind).toBe('valuePath');
    expect(errorOf(() => parseFilter('emails[((type pr))]', { maxDepth: 2 })).detail).toBe(
      'filter nesting exceeds the maximum depth of 2 at position 8',
    );
    expect(errorOf(() => parseFilter('(emails[type pr])', { maxDepth: 1 })).detail).toBe(
      'filter nesting exceeds the maximum depth of 1 at position 7',
    );
  });
});

describe('parsePatchPath messages after a value filter', () => {
  it('says what may follow the closing bracket, and that nothing may follow the sub-attribute', () => {
    expect(errorOf(() => parsePatchPath('emails[type eq "work"] x')).detail).toBe(
      "unexpected 'x' at position 23: expected '.' and a sub-attribute or the end of the path",
    );
    expect(errorOf(() => parsePatchPath('emails[type eq "work"].value x')).detail).toBe(
      "unexpected 'x' at position 29: expected the end of the path",
    );
    expect(errorOf(() => parsePatchPath('members x')).detail).toBe(
      "unexpected 'x' at position 8: expected '[' or the end of the path",
    );
  });
});

describe('messages about a missing or unknown operator', () => {
  it('quotes what stands where the operator should be', () => {
    expect(errorOf(() => parseFilter('userName "x"')).detail).toBe(
      "expected a comparison operator (eq, ne, co, sw, ew, gt, ge, lt, le or pr) after 'userName' at position 9, found '\"'",
    );
    expect(errorOf(() => parseFilter('emails[type (x)]')).detail).toContain("at position 12, found '('");
  });

  it("suggests '(' after not only for a bare attribute called not", () => {
    expect(errorOf(() => parseFilter('not xx "a"')).detail).toBe(
      "expected '(' after 'not' at position 4, found 'xx'",
    );
    expect(errorOf(() => parseFilter('urn:x:not xx "a"')).detail).toBe(
      "unknown operator 'xx' after 'urn:x:not' at position 10; expected eq, ne, co, sw, ew, gt, ge, lt, le or pr",
    );
    expect(errorOf(() => parseFilter('not.x xx "a"')).detail).toBe(
      "unknown operator 'xx' after 'not.x' at position 6; expected eq, ne, co, sw, ew, gt, ge, lt, le or pr",
    );
  });
});

describe('invalid sub-attribute names', () => {
  it('names the sub-attribute that is not a valid name', () => {
    expect(errorOf(() => parseFilter('name.1st pr')).detail).toBe(
      "attribute path 'name.1st' at position 0 has an invalid sub-attribute name '1st'",
    );
    expect(errorOf(() => parseFilter('name. pr')).detail).toBe(
      "attribute path 'name.' at position 0 has an invalid sub-attribute name ''",
    );
    expect(errorOf(() => parseFilter('a.b.c pr')).detail).toBe(
      "attribute path 'a.b.c' at position 0 has more than one sub-attribute level",
    );
  });
});
