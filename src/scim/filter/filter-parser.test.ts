import { describe, expect, it } from 'vitest';
import { errorOf } from '../../../test/support/scim-error-of.js';
import type { AttrPath, CompareOp, FilterLiteral } from './filter-ast.js';
import { parseAttrPath, parseFilter, parsePatchPath } from './filter-parser.js';
import { printFilter } from './filter-printer.js';

/** Deep copy without `span` keys: spans are checked separately. */
function strip<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === 'span' ? undefined : v))) as T;
}

type Node = Record<string, unknown>;
const path = (name: string, subAttr?: string, uri?: string): Node => ({
  ...(uri === undefined ? {} : { uri }),
  name,
  ...(subAttr === undefined ? {} : { subAttr }),
});
const cmp = (p: Node, op: CompareOp, value: FilterLiteral): Node => ({ kind: 'compare', op, path: p, value });
const pr = (p: Node): Node => ({ kind: 'present', path: p });
const and = (left: Node, right: Node): Node => ({ kind: 'and', left, right });
const or = (left: Node, right: Node): Node => ({ kind: 'or', left, right });
const not = (filter: Node): Node => ({ kind: 'not', filter });
const vp = (p: Node, filter: Node): Node => ({ kind: 'valuePath', path: p, filter });

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('parseFilter: the filter examples of RFC 7644 §3.4.2.2', () => {
  const examples: [string, Node][] = [
    ['userName eq "bjensen"', cmp(path('userName'), 'eq', 'bjensen')],
    ['name.familyName co "O\'Malley"', cmp(path('name', 'familyName'), 'co', "O'Malley")],
    ['userName sw "J"', cmp(path('userName'), 'sw', 'J')],
    [`${CORE_USER}:userName sw "J"`, cmp(path('userName', undefined, CORE_USER), 'sw', 'J')],
    ['title pr', pr(path('title'))],
    [
      'meta.lastModified gt "2011-05-13T04:42:34Z"',
      cmp(path('meta', 'lastModified'), 'gt', '2011-05-13T04:42:34Z'),
    ],
    [
      'meta.lastModified ge "2011-05-13T04:42:34Z"',
      cmp(path('meta', 'lastModified'), 'ge', '2011-05-13T04:42:34Z'),
    ],
    [
      'meta.lastModified lt "2011-05-13T04:42:34Z"',
      cmp(path('meta', 'lastModified'), 'lt', '2011-05-13T04:42:34Z'),
    ],
    [
      'meta.lastModified le "2011-05-13T04:42:34Z"',
      cmp(path('meta', 'lastModified'), 'le', '2011-05-13T04:42:34Z'),
    ],
    ['title pr and userType eq "Employee"', and(pr(path('title')), cmp(path('userType'), 'eq', 'Employee'))],
    ['title pr or userType eq "Intern"', or(pr(path('title')), cmp(path('userType'), 'eq', 'Intern'))],
    [`schemas eq "${ENTERPRISE}"`, cmp(path('schemas'), 'eq', ENTERPRISE)],
    [
      'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
      and(
        cmp(path('userType'), 'eq', 'Employee'),
        or(cmp(path('emails'), 'co', 'example.com'), cmp(path('emails', 'value'), 'co', 'example.org')),
      ),
    ],
    [
      'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
      and(
        cmp(path('userType'), 'ne', 'Employee'),
        not(or(cmp(path('emails'), 'co', 'example.com'), cmp(path('emails', 'value'), 'co', 'example.org'))),
      ),
    ],
    [
      'userType eq "Employee" and (emails.type eq "work")',
      and(cmp(path('userType'), 'eq', 'Employee'), cmp(path('emails', 'type'), 'eq', 'work')),
    ],
    [
      'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
      and(
        cmp(path('userType'), 'eq', 'Employee'),
        vp(path('emails'), and(cmp(path('type'), 'eq', 'work'), cmp(path('value'), 'co', '@example.com'))),
      ),
    ],
    [
      'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
      or(
        vp(path('emails'), and(cmp(path('type'), 'eq', 'work'), cmp(path('value'), 'co', '@example.com'))),
        vp(path('ims'), and(cmp(path('type'), 'eq', 'xmpp'), cmp(path('value'), 'co', '@foo.com'))),
      ),
    ],
  ];

  it.each(examples)('%s', (text, expected) => {
    const ast = parseFilter(text);
    expect(strip(ast)).toEqual(expected);
    expect(strip(parseFilter(printFilter(ast)))).toEqual(expected);
  });

  it('prints the RFC examples canonically (the redundant parentheses of one example dropped)', () => {
    for (const [text] of examples) {
      const printed = printFilter(parseFilter(text));
      if (text === 'userType eq "Employee" and (emails.type eq "work")') {
        expect(printed).toBe('userType eq "Employee" and emails.type eq "work"');
      } else {
        expect(printed).toBe(text);
      }
    }
  });
});

describe('parseFilter: grammar', () => {
  it('binds and tighter than or, and builds chains left-associatively', () => {
    const a = pr(path('a'));
    const b = pr(path('b'));
    const c = pr(path('c'));
    const d = pr(path('d'));
    expect(strip(parseFilter('a pr or b pr and c pr'))).toEqual(or(a, and(b, c)));
    expect(strip(parseFilter('a pr and b pr or c pr'))).toEqual(or(and(a, b), c));
    expect(strip(parseFilter('(a pr or b pr) and c pr'))).toEqual(and(or(a, b), c));
    expect(strip(parseFilter('a pr or b pr or c pr or d pr'))).toEqual(or(or(or(a, b), c), d));
    expect(strip(parseFilter('a pr and b pr and c pr or d pr'))).toEqual(or(and(and(a, b), c), d));
    expect(strip(parseFilter('not (a pr) and b pr'))).toEqual(and(not(a), b));
    expect(strip(parseFilter('not(not (a pr))'))).toEqual(not(not(a)));
  });

  it('treats operators and keywords case-insensitively', () => {
    expect(strip(parseFilter('userName EQ "x" AND title Pr OR NOT (active Eq TRUE)'))).toEqual(
      or(and(cmp(path('userName'), 'eq', 'x'), pr(path('title'))), not(cmp(path('active'), 'eq', true))),
    );
    expect(strip(parseFilter('a eq False'))).toEqual(cmp(path('a'), 'eq', false));
    expect(strip(parseFilter('a eq NULL'))).toEqual(cmp(path('a'), 'eq', null));
  });

  it('parses every comparison operator', () => {
    for (const op of ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const) {
      expect(strip(parseFilter(`x ${op} "v"`))).toEqual(cmp(path('x'), op, 'v'));
    }
  });

  it('reads keywords only where the grammar expects them, so attributes may be called not/and/or', () => {
    expect(strip(parseFilter('not eq "x" and and pr or or pr'))).toEqual(
      or(and(cmp(path('not'), 'eq', 'x'), pr(path('and'))), pr(path('or'))),
    );
    expect(strip(parseFilter('not pr'))).toEqual(pr(path('not')));
  });

  it('accepts any whitespace between tokens and none where unambiguous', () => {
    expect(strip(parseFilter('  userName\teq\r\n"x"  '))).toEqual(cmp(path('userName'), 'eq', 'x'));
    expect(strip(parseFilter('(a pr)and(b pr)'))).toEqual(and(pr(path('a')), pr(path('b'))));
  });

  it('splits URN-qualified paths at the last colon before the attribute name', () => {
    expect(strip(parseFilter(`${CORE_USER}:name.familyName eq "J"`))).toEqual(
      cmp(path('name', 'familyName', CORE_USER), 'eq', 'J'),
    );
    expect(strip(parseFilter(`${ENTERPRISE}:employeeNumber eq "701984"`))).toEqual(
      cmp(path('employeeNumber', undefined, ENTERPRISE), 'eq', '701984'),
    );
    expect(strip(parseFilter(`${ENTERPRISE}:manager.value pr`))).toEqual(
      pr(path('manager', 'value', ENTERPRISE)),
    );
  });

  it('parses $ref as an attribute name', () => {
    expect(strip(parseFilter('members[$ref eq "x"]'))).toEqual(
      vp(path('members'), cmp(path('$ref'), 'eq', 'x')),
    );
  });

  it('parses value paths with nested logic inside', () => {
    expect(
      strip(parseFilter('emails[(type eq "work" or type eq "home") and not (primary eq false)]')),
    ).toEqual(
      vp(
        path('emails'),
        and(
          or(cmp(path('type'), 'eq', 'work'), cmp(path('type'), 'eq', 'home')),
          not(cmp(path('primary'), 'eq', false)),
        ),
      ),
    );
  });

  it('decodes every JSON string escape', () => {
    const ast = parseFilter('x eq "q\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9\\uD83D\\uDE00 \\ud800"');
    expect(ast.kind === 'compare' && ast.value).toBe('q" b\\ s/ \b\f\n\r\t é😀 \ud800');
  });

  it('keeps non-ASCII text in strings as is', () => {
    const ast = parseFilter('displayName eq "Bärbel Ñúñez 😀"');
    expect(ast.kind === 'compare' && ast.value).toBe('Bärbel Ñúñez 😀');
  });

  it.each([
    ['0', 0],
    ['-0', -0],
    ['42', 42],
    ['-17', -17],
    ['3.25', 3.25],
    ['1e3', 1000],
    ['1E+2', 100],
    ['2.5e-3', 0.0025],
    ['-0.5E1', -5],
  ])('parses the JSON number %s', (text, value) => {
    const ast = parseFilter(`x eq ${text}`);
    expect(ast.kind === 'compare' && ast.value).toBe(value);
  });

  it('gives every node its source span', () => {
    const text = 'userName eq "x" or not (emails[type eq "work"]) and title pr';
    const ast = parseFilter(text);
    const slice = (f: { span: { start: number; end: number } }) => text.slice(f.span.start, f.span.end);
    expect(slice(ast)).toBe(text);
    if (ast.kind !== 'or' || ast.right.kind !== 'and') throw new Error('unexpected shape');
    expect(slice(ast.left)).toBe('userName eq "x"');
    if (ast.left.kind !== 'compare') throw new Error('unexpected shape');
    expect(slice(ast.left.path)).toBe('userName');
    const notNode = ast.right.left;
    expect(slice(notNode)).toBe('not (emails[type eq "work"])');
    if (notNode.kind !== 'not') throw new Error('unexpected shape');
    expect(slice(notNode.filter)).toBe('emails[type eq "work"]');
    if (notNode.filter.kind !== 'valuePath') throw new Error('unexpected shape');
    expect(slice(notNode.filter.filter)).toBe('type eq "work"');
    expect(slice(ast.right.right)).toBe('title pr');
  });
});

describe('parseFilter: allowBareValues', () => {
  it('is off by default: an unquoted value is an error', () => {
    expect(errorOf(() => parseFilter('externalId eq jyoung')).scimType).toBe('invalidFilter');
  });

  it('takes a bare token as a string unless it is true/false/null or a number', () => {
    const opts = { allowBareValues: true };
    expect(strip(parseFilter('externalId eq jyoung', opts))).toEqual(cmp(path('externalId'), 'eq', 'jyoung'));
    expect(strip(parseFilter('a eq 12 and b eq TRUE and c eq null', opts))).toEqual(
      and(and(cmp(path('a'), 'eq', 12), cmp(path('b'), 'eq', true)), cmp(path('c'), 'eq', null)),
    );
    expect(strip(parseFilter('a eq 12ab', opts))).toEqual(cmp(path('a'), 'eq', '12ab'));
    expect(strip(parseFilter('(mail eq j.young@example.com)', opts))).toEqual(
      cmp(path('mail'), 'eq', 'j.young@example.com'),
    );
    expect(strip(parseFilter('emails[value eq a@b.c]', opts))).toEqual(
      vp(path('emails'), cmp(path('value'), 'eq', 'a@b.c')),
    );
    expect(strip(parseFilter('a eq "quoted still works"', opts))).toEqual(
      cmp(path('a'), 'eq', 'quoted still works'),
    );
  });

  it('ends a bare value at whitespace, so the rest must still parse', () => {
    const error = errorOf(() => parseFilter('displayName eq John Smith', { allowBareValues: true }));
    expect(error.detail).toContain("'Smith' at position 20");
  });
});

describe('parseFilter: allowValuePathSubAttribute', () => {
  const tolerant = { allowBareValues: true, allowValuePathSubAttribute: true };

  it('is off by default: `].sub` in a filter is an error naming PATCH paths', () => {
    const error = errorOf(() => parseFilter('emails[type eq "work"].value eq "a@b.c"'));
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toContain('allowed only in PATCH paths, at position 22');
  });

  it('reads a sub-attribute comparison after a value filter as a condition inside it', () => {
    expect(strip(parseFilter('emails[type eq "work"].value eq "a@b.c"', tolerant))).toEqual(
      vp(path('emails'), and(cmp(path('type'), 'eq', 'work'), cmp(path('value'), 'eq', 'a@b.c'))),
    );
    expect(strip(parseFilter('emails[type eq work or primary eq true].value sw a', tolerant))).toEqual(
      vp(
        path('emails'),
        and(
          { kind: 'or', left: cmp(path('type'), 'eq', 'work'), right: cmp(path('primary'), 'eq', true) },
          cmp(path('value'), 'sw', 'a'),
        ),
      ),
    );
    expect(strip(parseFilter('emails[type eq "work"].value pr and active eq true', tolerant))).toEqual(
      and(
        vp(path('emails'), and(cmp(path('type'), 'eq', 'work'), pr(path('value')))),
        cmp(path('active'), 'eq', true),
      ),
    );
  });

  it('prints the tolerant form canonically, and the canonical text parses strictly to the same AST', () => {
    for (const text of [
      'emails[type eq "work"].value eq "a@b.c"',
      'emails[type eq "work" or primary eq true].value sw "a"',
      'not (emails[type eq "work"].value pr)',
    ]) {
      const ast = parseFilter(text, tolerant);
      const printed = printFilter(ast);
      expect(printed).not.toContain('].');
      expect(strip(parseFilter(printed))).toEqual(strip(ast));
    }
    expect(printFilter(parseFilter('emails[type eq "work"].value eq "a@b.c"', tolerant))).toBe(
      printFilter(parseFilter('emails[type eq "work" and value eq "a@b.c"]')),
    );
  });

  it('gives spans over the source text', () => {
    const text = 'emails[type eq "work"].value eq "x"';
    const ast = parseFilter(text, tolerant);
    if (ast.kind !== 'valuePath' || ast.filter.kind !== 'and') throw new Error('unexpected shape');
    expect(text.slice(ast.span.start, ast.span.end)).toBe(text);
    expect(text.slice(ast.filter.right.span.start, ast.filter.right.span.end)).toBe('value eq "x"');
  });

  it('still reports errors with positions', () => {
    expect(errorOf(() => parseFilter('emails[type eq "work"].value eq', tolerant)).detail).toContain(
      "expected a value after 'value eq' at position 31",
    );
    expect(errorOf(() => parseFilter('emails[type eq "work"].value xx "a"', tolerant)).scimType).toBe(
      'invalidFilter',
    );
    expect(errorOf(() => parseFilter('emails[type eq "work"]. eq "a"', tolerant)).detail).toContain(
      "expected a sub-attribute name after '].' at position 23",
    );
    expect(errorOf(() => parseFilter('emails[type eq "work"].value.x eq "a"', tolerant)).detail).toContain(
      "after '].' at position 23, found 'value.x'",
    );
  });
});

describe('parseFilter: errors say what and where', () => {
  it.each([
    ['', 'empty filter'],
    ['   ', 'empty filter'],
    [
      'userName',
      "expected a comparison operator (eq, ne, co, sw, ew, gt, ge, lt, le or pr) after 'userName' at position 8, found end of input",
    ],
    ['userName foo "x"', "unknown operator 'foo' after 'userName' at position 9"],
    ['userName eq', "expected a value after 'userName eq' at position 11, found end of input"],
    ['userName eq bjensen', "after 'userName eq' at position 12, found 'bjensen'"],
    ['userName eq "bjensen', 'unterminated string starting at position 12'],
    ['userName eq "a\\qb"', "invalid escape '\\q' in a string at position 14"],
    ['userName eq "a\\u12"', 'invalid \\u escape in a string at position 14'],
    ['userName eq "a\nb"', 'control character U+000A must be escaped in a string at position 14'],
    [
      '(userName pr',
      "expected 'and', 'or' or ')' closing the '(' at position 0, found end of input at position 12",
    ],
    [
      'emails[type eq "work"',
      "expected 'and', 'or' or ']' closing the '[' at position 6, found end of input at position 21",
    ],
    ['userName pr)', "unexpected ')' at position 11: expected 'and', 'or' or the end of the filter"],
    ['userName pr and', "expected an attribute path, '(' or 'not' at position 15, found end of input"],
    ['userName pr xor title pr', "unexpected 'xor' at position 12"],
    ['"x" eq userName', "expected an attribute path, '(' or 'not' at position 0, found '\"'"],
    ['a.b.c pr', "attribute path 'a.b.c' at position 0 has more than one sub-attribute level"],
    ['urn:x: pr', 'the attribute name is missing (position 6)'],
    ['1abc pr', "expected an attribute path, '(' or 'not' at position 0, found '1abc'"],
    ['emails[type[x pr]]', "value filters cannot be nested: '[' at position 11"],
    [
      'emails[type eq "work"].value eq "x"',
      "a sub-attribute after a value filter ('].') is allowed only in PATCH paths, at position 22",
    ],
    ['not userName eq "x"', "expected '(' after 'not' at position 4, found 'userName'"],
    ['x eq 01', "found '01'"],
    ['x eq 1.', "found '1.'"],
    ['x eq 1e999', "number '1e999' at position 5 is out of range"],
    ['x eq "a"b', "unexpected 'b' at position 8"],
    ['userName eq "x" and (', "expected an attribute path, '(' or 'not' at position 21, found end of input"],
  ])('%j', (text, message) => {
    const error = errorOf(() => parseFilter(text));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toContain(message);
  });

  it('rejects a filter longer than the limit, and the limit is configurable', () => {
    const long = `userName eq "${'x'.repeat(70_000)}"`;
    expect(errorOf(() => parseFilter(long)).detail).toContain('the maximum is 65536');
    expect(strip(parseFilter(long, { maxLength: 100_000 }))).toEqual(
      cmp(path('userName'), 'eq', 'x'.repeat(70_000)),
    );
    expect(errorOf(() => parseFilter('title pr', { maxLength: 4 })).detail).toContain('the maximum is 4');
  });

  it('rejects nesting deeper than the limit, and the limit is configurable', () => {
    const nested = (n: number) => `${'('.repeat(n)}a pr${')'.repeat(n)}`;
    expect(strip(parseFilter(nested(64)))).toEqual(pr(path('a')));
    expect(errorOf(() => parseFilter(nested(65))).detail).toBe(
      'filter nesting exceeds the maximum depth of 64 at position 64',
    );
    expect(errorOf(() => parseFilter(nested(5), { maxDepth: 4 })).detail).toContain('maximum depth of 4');
  });

  it('answers 100k-deep parentheses and not(...) with an error, not a stack overflow', () => {
    const n = 100_000;
    const limits = { maxLength: 10_000_000 };
    const parens = `${'('.repeat(n)}a pr${')'.repeat(n)}`;
    const nots = `${'not('.repeat(n)}a pr${')'.repeat(n)}`;
    const brackets = `${'a['.repeat(n)}b pr${']'.repeat(n)}`;
    expect(errorOf(() => parseFilter(parens, limits)).detail).toContain('maximum depth of 64');
    expect(errorOf(() => parseFilter(nots, limits)).detail).toContain('maximum depth of 64');
    expect(errorOf(() => parseFilter(brackets, limits)).scimType).toBe('invalidFilter');
    // With the default length limit the size alone is refused.
    expect(errorOf(() => parseFilter(parens)).detail).toContain('the maximum is 65536');
  });

  it('parses a very long and/or chain without recursion', () => {
    const text = Array.from({ length: 3000 }, (_, i) => `id eq "${i}"`).join(' or ');
    const ast = parseFilter(text);
    expect(ast.kind).toBe('or');
    expect(printFilter(ast)).toBe(text);
  });
});

describe('parsePatchPath (RFC 7644 §3.5.2)', () => {
  it.each<[string, Node]>([
    ['members', { attr: path('members') }],
    ['name.familyName', { attr: path('name', 'familyName') }],
    ['addresses[type eq "work"]', { attr: path('addresses'), valueFilter: cmp(path('type'), 'eq', 'work') }],
    [
      'members[value eq "2819c223-7f76-453a-919d-413861904646"]',
      {
        attr: path('members'),
        valueFilter: cmp(path('value'), 'eq', '2819c223-7f76-453a-919d-413861904646'),
      },
    ],
    [
      'members[value eq "2819c223-7f76-453a-919d-413861904646"].displayName',
      {
        attr: path('members'),
        valueFilter: cmp(path('value'), 'eq', '2819c223-7f76-453a-919d-413861904646'),
        subAttr: 'displayName',
      },
    ],
    [
      'emails[type eq "work"].value',
      { attr: path('emails'), valueFilter: cmp(path('type'), 'eq', 'work'), subAttr: 'value' },
    ],
    [
      'emails[type eq "work" and primary eq true].value',
      {
        attr: path('emails'),
        valueFilter: and(cmp(path('type'), 'eq', 'work'), cmp(path('primary'), 'eq', true)),
        subAttr: 'value',
      },
    ],
    [`${ENTERPRISE}:manager`, { attr: path('manager', undefined, ENTERPRISE) }],
    [`${ENTERPRISE}:manager.value`, { attr: path('manager', 'value', ENTERPRISE) }],
    [ENTERPRISE, { attr: path('User', undefined, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0') }],
    [
      `${CORE_USER}:emails[type eq "work"].value`,
      {
        attr: path('emails', undefined, CORE_USER),
        valueFilter: cmp(path('type'), 'eq', 'work'),
        subAttr: 'value',
      },
    ],
  ])('%s', (text, expected) => {
    expect(strip(parsePatchPath(text))).toEqual(expected);
  });

  it('spans the whole path', () => {
    const text = 'emails[type eq "work"].value';
    expect(parsePatchPath(text).span).toEqual({ start: 0, end: text.length });
  });

  it.each([
    ['', 'expected an attribute path at position 0, found end of input'],
    ['emails[type eq "work"', "expected 'and', 'or' or ']' closing the '[' at position 6"],
    ['emails[type eq "work"].', "expected a sub-attribute name after '].' at position 23"],
    ['emails[type eq "work"].value.x', 'expected a sub-attribute name'],
    ['emails[type eq "work"]x', "unexpected 'x' at position 22"],
    [
      'name.givenName[type eq "x"]',
      "a value filter must follow an attribute, not the sub-attribute 'name.givenName'",
    ],
    [
      'emails[type eq]',
      "expected a value (a string in double quotes, a number, true, false or null) after 'type eq' at position 14, found ']'",
    ],
    ['a b', "unexpected 'b' at position 2"],
    ['a[b[c pr]]', 'value filters cannot be nested'],
  ])('rejects %j as invalidPath', (text, message) => {
    const error = errorOf(() => parsePatchPath(text));
    expect(error.scimType).toBe('invalidPath');
    expect(error.detail).toContain(message);
  });
});

describe('parseAttrPath', () => {
  it('parses plain, dotted and URN-qualified paths', () => {
    expect(strip(parseAttrPath('userName'))).toEqual(path('userName'));
    expect(strip(parseAttrPath(' name.givenName '))).toEqual(path('name', 'givenName'));
    expect(strip(parseAttrPath(`${ENTERPRISE}:manager.displayName`))).toEqual(
      path('manager', 'displayName', ENTERPRISE),
    );
    const parsed: AttrPath = parseAttrPath('meta.lastModified');
    expect(parsed.span).toEqual({ start: 0, end: 17 });
  });

  it.each(['', 'a b', 'a[x pr]', 'a..b', '9a', 'a.b.c'])('rejects %j as invalidPath', (text) => {
    expect(errorOf(() => parseAttrPath(text)).scimType).toBe('invalidPath');
  });
});
