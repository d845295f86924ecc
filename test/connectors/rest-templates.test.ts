/**
 * Property tests for what the REST connector builds requests and reads answers with: URL template
 * expansion (every value encoded, so none can change the URL's shape), JSON paths (print and parse
 * agree; a value set at a path is read back there), body templates, and the Link header.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../src/shared/json.js';
import { fillBody } from '../../src/connectors/rest/body-template.js';
import {
  getAtPath,
  parseJsonPath,
  printJsonPath,
  setAtPath,
  type PathSegment,
} from '../../src/connectors/rest/json-path.js';
import { linkWithRel } from '../../src/connectors/rest/link-header.js';
import { appendQuery, UrlTemplate } from '../../src/connectors/rest/url-template.js';

// Any code points, and lone surrogates too (sent as U+FFFD: encodeURIComponent refuses them).
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('a', '/', '\ud800', '?', '#', '&', '=', '%', '+', ' '), maxLength: 10 }),
);
const wellFormed = (text: string) => text.replace(/\p{Surrogate}/gu, '\uFFFD');
const values = (context: Record<string, JsonValue>, attributes: Record<string, JsonValue> = {}) => ({
  context,
  attributes,
});

describe('URL templates', () => {
  it('an id becomes exactly one path segment, whatever it holds', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyText.filter((s) => s !== ''),
          fc.constantFrom('.', '..', '%2e', '.%2E', '...'),
        ),
        (id) => {
          const expanded = new UrlTemplate('/users/{id}').expand(values({ id }));
          // '.' and '..' would be resolved away by any URL parser: refused, never sent.
          expect(expanded.ok).toBe(id !== '.' && id !== '..');
          if (!expanded.ok) return;
          const url = new URL(`http://api.test/v1${expanded.text}`);
          const segments = url.pathname.split('/');
          expect(segments).toHaveLength(4);
          expect(url.search).toBe('');
          expect(url.hash).toBe('');
          expect(decodeURIComponent(segments[3]!)).toBe(wellFormed(id));
        },
      ),
    );
  });

  it('query values and names read back as sent and never add a parameter', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 12 }),
        anyText,
        fc.option(anyText, { nil: undefined }),
        (attribute, value, extra) => {
          const expanded = new UrlTemplate('/users?{attribute}={value}').expand(values({ attribute, value }));
          if (!expanded.ok) throw new Error('expected an expansion');
          const target = appendQuery(expanded.text, [
            ['_limit', 5],
            ['extra', extra],
          ]);
          const params = [...new URL(`http://api.test${target}`).searchParams];
          expect(params[0]).toEqual([wellFormed(attribute), wellFormed(value)]);
          expect(params[1]).toEqual(['_limit', '5']);
          expect(params).toHaveLength(extra === undefined ? 2 : 3);
          if (extra !== undefined) expect(params[2]).toEqual(['extra', wellFormed(extra)]);
        },
      ),
    );
  });

  it('a placeholder without a value is reported, not sent empty; braces can be written literally', () => {
    expect(new UrlTemplate('/users/{id}').expand(values({}))).toEqual({ ok: false, missing: 'id' });
    expect(new UrlTemplate('/a/{{x}}/{id}').expand(values({ id: 7 }))).toEqual({
      ok: true,
      text: '/a/{x}/7',
    });
    expect(new UrlTemplate('/g/{memberIds}').expand(values({ memberIds: ['a b', 'c,d'] }))).toEqual({
      ok: true,
      text: '/g/a%20b,c%2Cd',
    });
    expect(() => new UrlTemplate('/users/{id')).toThrow(/not closed/u);
  });
});

const key = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom('id', 'name', 'a.b', '$', '[0]', '"q"', "it's", '__proto__'),
);
const segment: fc.Arbitrary<PathSegment> = fc.oneof(key, fc.nat({ max: 5 }));
const jsonValue = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<JsonValue>;

describe('JSON paths', () => {
  it('printing a path and parsing it back gives the same steps', () => {
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 5 }), (path) => {
        expect(parseJsonPath(printJsonPath(path))).toEqual(path);
      }),
    );
  });

  it('a value set at a path (starting with a key) is read back there', () => {
    fc.assert(
      fc.property(key, fc.array(segment, { maxLength: 4 }), jsonValue, (first, rest, value) => {
        const path = [first, ...rest];
        const target = {};
        setAtPath(target, path, value);
        expect(getAtPath(target, path)).toEqual(value);
        expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
        expect(Object.keys(Object.prototype)).toEqual([]);
      }),
    );
  });

  it('reads the common forms, and refuses malformed ones with the offset', () => {
    const answer = { data: { items: [{ id: 7 }] }, 'a.b': 1 } as JsonValue;
    expect(getAtPath(answer, parseJsonPath('data.items[0].id'))).toBe(7);
    expect(getAtPath(answer, parseJsonPath('$.data.items[0].id'))).toBe(7);
    expect(getAtPath(answer, parseJsonPath('["a.b"]'))).toBe(1);
    expect(getAtPath(answer, parseJsonPath('$'))).toBe(answer);
    expect(getAtPath(answer, parseJsonPath('data.missing.id'))).toBeUndefined();
    expect(() => parseJsonPath('data..id')).toThrow(/offset 5/u);
    expect(() => parseJsonPath('data[x]')).toThrow(/after '\['/u);
  });
});

describe('body templates', () => {
  it('a lone placeholder keeps its type; absent values leave their key out; constants stay', () => {
    fc.assert(
      fc.property(jsonValue, fc.boolean(), (value, present) => {
        const attributes: Record<string, JsonValue> = present ? { v: value } : {};
        const body = fillBody(
          { kind: 'user', value: '{v}', list: ['{v}', 1], text: 'x-{v}' },
          values({}, attributes),
        );
        if (present && value !== null) {
          expect(body).toEqual({
            kind: 'user',
            value,
            list: [value, 1],
            text: `x-${typeof value === 'string' ? value : JSON.stringify(value)}`,
          });
        } else if (present) {
          expect(body).toEqual({ kind: 'user', value: null, list: [null, 1] });
        } else {
          expect(body).toEqual({ kind: 'user', list: [1] });
        }
      }),
    );
  });
});

describe('Link header (RFC 8288)', () => {
  it('finds rel=next among several links and relation lists', () => {
    expect(linkWithRel('<https://a/x?p=1>; rel="first", <https://a/x?p=3>; rel="next last"', 'next')).toBe(
      'https://a/x?p=3',
    );
    expect(linkWithRel(['<https://a/1>; rel=prev', '<https://a/2>; title="a, b"; rel=next'], 'next')).toBe(
      'https://a/2',
    );
    expect(linkWithRel('<https://a/1>; rel="prev"', 'next')).toBeUndefined();
    expect(linkWithRel(undefined, 'next')).toBeUndefined();
  });

  it('any link list with one next link is found', () => {
    fc.assert(
      fc.property(fc.array(fc.webUrl(), { minLength: 1, maxLength: 4 }), fc.nat(), (urls, pick) => {
        const index = pick % urls.length;
        const header = urls.map((url, i) => `<${url}>; rel="${i === index ? 'next' : 'other'}"`).join(', ');
        expect(linkWithRel(header, 'next')).toBe(urls[index]);
      }),
    );
  });
});
