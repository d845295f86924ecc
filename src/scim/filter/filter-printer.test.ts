import { describe, expect, it } from 'vitest';
import { isScimError } from '../scim-error.js';
import type { Filter } from './filter-ast.js';
import { parseFilter, parsePatchPath } from './filter-parser.js';
import { printAttrPath, printFilter, printLiteral, printPatchPath } from './filter-printer.js';

const NO_SPAN = { start: 0, end: 0 };

describe('printFilter', () => {
  it.each([
    // [input, canonical output]
    ['userName EQ "x"', 'userName eq "x"'],
    ['title PR', 'title pr'],
    ['a pr OR b pr AND c pr', 'a pr or b pr and c pr'],
    ['(a pr or b pr) and c pr', '(a pr or b pr) and c pr'],
    ['a pr and (b pr or c pr)', 'a pr and (b pr or c pr)'],
    ['(a pr and b pr) or c pr', 'a pr and b pr or c pr'],
    ['a pr or (b pr and c pr)', 'a pr or b pr and c pr'],
    ['((a pr or b pr) or c pr)', 'a pr or b pr or c pr'],
    ['a pr or (b pr or c pr)', 'a pr or (b pr or c pr)'],
    ['a pr and (b pr and c pr)', 'a pr and (b pr and c pr)'],
    ['NOT ((a pr))', 'not (a pr)'],
    ['not(a pr or b pr)', 'not (a pr or b pr)'],
    ['emails[ ( type eq "work" ) ]', 'emails[type eq "work"]'],
    [
      'emails[type eq "work" or (value co "x" and primary eq TRUE)]',
      'emails[type eq "work" or value co "x" and primary eq true]',
    ],
    ['x eq 1.50', 'x eq 1.5'],
    ['x eq 1E3', 'x eq 1000'],
    ['x eq -0', 'x eq -0'],
    ['x eq NULL', 'x eq null'],
    ['x eq "a\\/b"', 'x eq "a/b"'],
    ['x eq "\\u0041\\n\\u0001"', 'x eq "A\\n\\u0001"'],
    [
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value pr',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value pr',
    ],
  ])('%s  ->  %s', (input, expected) => {
    const printed = printFilter(parseFilter(input));
    expect(printed).toBe(expected);
    expect(printFilter(parseFilter(printed))).toBe(expected);
  });

  it('escapes strings as JSON so any text survives', () => {
    const value = 'q" b\\ \u0000 \ud800 ] ) é';
    const printed = printLiteral(value);
    expect(printed).toBe(JSON.stringify(value));
    const ast = parseFilter(`x eq ${printed}`);
    expect(ast.kind === 'compare' && ast.value).toBe(value);
  });

  it('refuses non-finite numbers with a ScimError', () => {
    const ast: Filter = {
      kind: 'compare',
      op: 'eq',
      path: { name: 'x', span: NO_SPAN },
      value: Infinity,
      span: NO_SPAN,
    };
    let caught: unknown;
    try {
      printFilter(ast);
    } catch (error) {
      caught = error;
    }
    expect(isScimError(caught) && caught.scimType).toBe('invalidFilter');
    expect(isScimError(caught) && caught.detail).toBe('number Infinity cannot appear in a filter');
    expect(() => printLiteral(Number.NaN)).toThrow('number NaN cannot appear in a filter');
  });

  it('prints a long left-leaning chain without recursion', () => {
    let ast: Filter = { kind: 'present', path: { name: 'a0', span: NO_SPAN }, span: NO_SPAN };
    for (let i = 1; i < 50_000; i++) {
      ast = {
        kind: 'or',
        left: ast,
        right: { kind: 'present', path: { name: `a${i}`, span: NO_SPAN }, span: NO_SPAN },
        span: NO_SPAN,
      };
    }
    const printed = printFilter(ast);
    expect(printed.startsWith('a0 pr or a1 pr or a2 pr')).toBe(true);
    expect(printed.endsWith('a49999 pr')).toBe(true);
  });
});

describe('printAttrPath / printPatchPath', () => {
  it('prints paths as parsed', () => {
    expect(printAttrPath({ uri: 'urn:x:1.0', name: 'a', subAttr: 'b', span: NO_SPAN })).toBe('urn:x:1.0:a.b');
    for (const text of [
      'members',
      'emails[type eq "work"].value',
      'members[value eq "2819c223"]',
      'name.givenName',
    ]) {
      expect(printPatchPath(parsePatchPath(text))).toBe(text);
    }
  });
});
