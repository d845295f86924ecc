import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalDn,
  childDn,
  dnKey,
  escapeDnValue,
  firstRdn,
  formatDn,
  isUnder,
  parentDn,
  parseDn,
} from './ldap-dn.js';

// Every character RFC 4514 treats specially, plus non-ASCII text, mixed into arbitrary strings.
const special = fc.constantFrom(
  ',',
  '+',
  '"',
  '\\',
  '<',
  '>',
  ';',
  '=',
  '*',
  '(',
  ')',
  '\0',
  '#',
  ' ',
  'é',
  '日',
  '🙂',
);
const hostile = fc
  .array(fc.oneof(special, fc.string({ unit: 'grapheme', maxLength: 3 })), { minLength: 1, maxLength: 12 })
  .map((parts) => parts.join(''))
  .filter((value) => value !== '');

describe('DN values (RFC 4514)', () => {
  it('round-trips any value through escape and parse', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const dn = childDn('uid', value, 'ou=people,dc=example,dc=test');
        const [rdn, ...rest] = parseDn(dn);
        expect(rdn).toEqual([{ type: 'uid', value }]);
        expect(rest).toHaveLength(3);
        expect(canonicalDn(dn)).toBe(dn);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves no separator unescaped, so a value cannot add RDNs', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const escaped = escapeDnValue(value);
        expect(escaped).not.toMatch(/(^|[^\\])[,+"<>;=\0]/u);
        expect(parseDn(`cn=${escaped}`)).toHaveLength(1);
      }),
    );
  });

  it.each([
    [',', '\\2C'],
    ['+', '\\2B'],
    ['"', '\\22'],
    ['\\', '\\5C'],
    ['<', '\\3C'],
    ['>', '\\3E'],
    [';', '\\3B'],
    ['=', '\\3D'],
    ['\0', '\\00'],
    ['#lead', '\\23lead'],
    ['mid#', 'mid#'],
    [' lead', '\\20lead'],
    ['trail ', 'trail\\20'],
    ['a b', 'a b'],
    ['*()', '*()'],
    ['Zoë 日本', 'Zoë 日本'],
  ])('escapes %j as %j', (value, escaped) => {
    expect(escapeDnValue(value)).toBe(escaped);
  });

  it('reads the forms other writers use: backslash pairs, hex pairs, spaces around separators, multi-valued RDNs', () => {
    expect(parseDn('CN=Smith\\, John + uid=js , OU=People,dc=x')).toEqual([
      [
        { type: 'CN', value: 'Smith, John' },
        { type: 'uid', value: 'js' },
      ],
      [{ type: 'OU', value: 'People' }],
      [{ type: 'dc', value: 'x' }],
    ]);
    expect(parseDn('cn=caf\\C3\\A9')[0]![0]!.value).toBe('café');
    // Hex escapes spelling one character between plain runs, an escaped space kept at the end,
    // unescaped trailing spaces dropped, a backslash pair next to a hex pair.
    expect(parseDn('cn=a\\E6\\97\\A5b \\5C\\,c\\20')[0]![0]!.value).toBe('a日b \\,c ');
    expect(parseDn('cn=x y  ,dc=z')[0]![0]!.value).toBe('x y');
    expect(parseDn('cn=\\#1\\ ')[0]![0]!.value).toBe('#1 ');
    expect(parseDn('cn=Zoë 日本')[0]![0]!.value).toBe('Zoë 日本');
    expect(parseDn('cn=#04024869')[0]![0]).toEqual({ type: 'cn', value: '#04024869', hex: true });
    expect(parseDn('')).toEqual([]);
  });

  it('refuses text that is not a DN', () => {
    for (const bad of ['uid', 'uid=a,', '=a', 'uid=a"b', 'uid=a\\', 'bad type=a', 'cn=#0']) {
      expect(() => parseDn(bad), bad).toThrow(/not a valid DN/);
    }
  });

  it('gives any DN text the canonical form and key its parse gives (plain text skips the parse)', () => {
    // DN-shaped text from types, separators and hostile values, many of them not DNs at all.
    const piece = fc.oneof(
      hostile,
      fc.constantFrom('uid', 'cn', 'OU', 'dc', '1.2.3', 'bad type', '=', ',', ' ', '+', '#', ''),
    );
    const text = fc.array(piece, { minLength: 1, maxLength: 8 }).map((parts) => parts.join(''));
    const plain = fc
      .array(
        fc.tuple(fc.constantFrom('uid', 'CN', 'ou', 'dc'), fc.stringMatching(/^[A-Za-z0-9.@é日 _#-]{1,8}$/)),
        { minLength: 1, maxLength: 5 },
      )
      .map((rdns) => rdns.map(([type, value]) => `${type}=${value}`).join(','));
    const keyByParse = (t: string) =>
      formatDn(
        parseDn(t).map((rdn) =>
          rdn
            .map(({ type, value, hex }) => ({
              type: type.toLowerCase(),
              value: value.toLowerCase(),
              ...(hex ? { hex } : {}),
            }))
            .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0)),
        ),
      );
    fc.assert(
      fc.property(fc.oneof(text, plain), (t) => {
        let parsed: string | undefined;
        try {
          parsed = formatDn(parseDn(t));
        } catch {
          parsed = undefined;
        }
        if (parsed === undefined || t.trim() === '') {
          if (t.trim() !== '') expect(() => canonicalDn(t), t).toThrow(/not a valid DN/);
          return;
        }
        expect(canonicalDn(t), t).toBe(parsed);
        expect(dnKey(t), t).toBe(keyByParse(t));
        expect(firstRdn(t), t).toEqual(parseDn(t)[0]);
      }),
      { numRuns: 3000 },
    );
  });

  it('compares DNs ignoring case and spacing, and knows what is under what', () => {
    expect(dnKey('UID=Ann, OU=People,DC=x')).toBe(dnKey('uid=ann,ou=people,dc=x'));
    expect(isUnder('uid=a,ou=people,dc=x', 'ou=People,dc=x')).toBe(true);
    expect(isUnder('ou=people,dc=x', 'ou=people,dc=x')).toBe(true);
    expect(isUnder('uid=a,ou=xpeople,dc=x', 'ou=people,dc=x')).toBe(false);
    expect(isUnder('uid=a\\2Cou=people,dc=x', 'ou=people,dc=x')).toBe(false);
    expect(parentDn('uid=a\\2Cb,ou=people,dc=x')).toBe('ou=people,dc=x');
  });
});
