import fc from 'fast-check';
import { EqualityFilter, FilterParser } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { equalityFilter, escapeFilterValue, isAttributeDescription } from './ldap-filter.js';

const special = fc.constantFrom(
  '*',
  '(',
  ')',
  '\\',
  '\0',
  ',',
  '=',
  '&',
  '|',
  '!',
  '~',
  '>',
  '<',
  'é',
  '🙂',
  ' ',
);
const hostile = fc
  .array(fc.oneof(special, fc.string({ unit: 'grapheme', maxLength: 3 })), { maxLength: 12 })
  .map((parts) => parts.join(''));

describe('filter values (RFC 4515)', () => {
  it('any value parses back as one equality assertion of exactly that value', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const filter = FilterParser.parseString(equalityFilter('uid', value));
        expect(filter).toBeInstanceOf(EqualityFilter);
        expect((filter as EqualityFilter).attribute).toBe('uid');
        expect((filter as EqualityFilter).value).toBe(value);
      }),
      { numRuns: 500 },
    );
  });

  it('escapes the five characters the RFC names and nothing else', () => {
    expect(escapeFilterValue('*)(uid=*')).toBe('\\2a\\29\\28uid=\\2a');
    expect(escapeFilterValue('a\\b\0c')).toBe('a\\5cb\\00c');
    expect(escapeFilterValue('Zoë=日本')).toBe('Zoë=日本');
  });

  it('an injection attempt stays one assertion', () => {
    expect(equalityFilter('uid', '*)(uid=*')).toBe('(uid=\\2a\\29\\28uid=\\2a)');
    expect(equalityFilter('uid', 'x)(|(objectClass=*')).toBe('(uid=x\\29\\28|\\28objectClass=\\2a)');
  });

  it('refuses attribute names that would change the filter', () => {
    for (const bad of ['', 'uid)(cn', 'a b', 'cn=*', '1.', '-x'])
      expect(isAttributeDescription(bad), bad).toBe(false);
    for (const good of ['uid', 'userPrincipalName', 'cn;lang-en', '2.5.4.3', 'x-custom-1'])
      expect(isAttributeDescription(good), good).toBe(true);
    expect(() => equalityFilter('uid)(cn', 'x')).toThrow(TypeError);
  });
});
