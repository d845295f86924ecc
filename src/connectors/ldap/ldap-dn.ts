/**
 * Distinguished names (RFC 4514): escaping a value placed in a DN, parsing a DN a server or a
 * mapping gives, and printing it back in one canonical form. Every DN the connector sends is built
 * here, so a value with `,` `+` `"` `\` `<` `>` `;` `=`, NUL, a leading `#` or space cannot change
 * the DN's structure, and names read back compare equal to the names the connector built.
 */
import { isAttributeDescription } from './ldap-filter.js';

/** One attribute type and value of an RDN. */
export interface AttributeTypeAndValue {
  type: string;
  /** The value as text; for a `#` hex-string value (BER, RFC 4514 §2.4) the text as written, with `hex`. */
  value: string;
  hex?: true;
}

/** A relative distinguished name: one or more type-value pairs (`cn=a+uid=b`). */
export type Rdn = AttributeTypeAndValue[];

/** A DN as its RDNs, leftmost (the entry's own) first. The root DN is `[]`. */
export type Dn = Rdn[];

/** Thrown for text that is not a DN. */
export class DnSyntaxError extends Error {
  constructor(text: string, reason: string) {
    super(`'${text}' is not a valid DN: ${reason}`);
    this.name = 'DnSyntaxError';
  }
}

// RFC 4514 §2.4 characters that must be escaped anywhere in a value, and `=`, which may be: some
// parsers split on it. Hex escapes, as OpenLDAP prints them, so a DN read back is the same text.
const ESCAPED = new Set(['"', '+', ',', ';', '<', '>', '\\', '=', '\0']);

// A value with none of those, no leading `#` or space and no trailing space is printed as it is.
const NEEDS_ESCAPE = /["+,;<>\\=\0]|^[# ]| $/;

function hexEscape(char: string): string {
  return [...Buffer.from(char, 'utf8')]
    .map((byte) => `\\${byte.toString(16).toUpperCase().padStart(2, '0')}`)
    .join('');
}

/** Escapes one attribute value for a DN (RFC 4514 §2.4). Non-ASCII text is kept as UTF-8. */
export function escapeDnValue(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  const chars = [...value];
  return chars
    .map((char, index) => {
      if (ESCAPED.has(char)) return hexEscape(char);
      if (index === 0 && (char === '#' || char === ' ')) return hexEscape(char);
      if (index === chars.length - 1 && char === ' ') return hexEscape(char);
      return char;
    })
    .join('');
}

/** `type=escaped value`, checking the type. */
export function formatRdn(rdn: Rdn): string {
  return rdn
    .map(({ type, value, hex }) => {
      if (!isAttributeDescription(type)) throw new TypeError(`'${type}' is not an LDAP attribute name`);
      return `${type}=${hex ? value : escapeDnValue(value)}`;
    })
    .join('+');
}

/** The canonical text of a DN: values escaped as `escapeDnValue` does, no spaces around separators. */
export function formatDn(dn: Dn): string {
  return dn.map(formatRdn).join(',');
}

/** The DN of a child entry: `type=value` under `parent` (canonical text). */
export function childDn(type: string, value: string, parent: string): string {
  const rdn = formatRdn([{ type, value }]);
  const dn = parent === '' ? rdn : `${rdn},${canonicalDn(parent)}`;
  // The server answers the new entry under this DN: its canonical text is itself.
  rememberCanonical(dn, dn);
  return dn;
}

/**
 * True for the text of a DN that is already canonical and needs no escape: RDNs of one
 * `type=value` each, a valid type, no character a value must escape, no `=` or leading `#` in a
 * value, no space beside a separator. Such text is its own canonical form, and lower-cased its
 * own key, so the many DNs a cycle handles that the connector built (or the server answered as
 * it was sent) skip the parse.
 */
function isPlainDn(text: string): boolean {
  const n = text.length;
  if (n === 0) return false;
  let start = 0;
  let equals = -1;
  for (let i = 0; i <= n; i++) {
    const code = i < n ? text.charCodeAt(i) : 0x2c;
    if (code === 0x2c /* , */) {
      if (equals <= start || equals >= i - 1) return false;
      if (text.charCodeAt(start) === 0x20 || text.charCodeAt(i - 1) === 0x20) return false;
      if (text.charCodeAt(equals - 1) === 0x20) return false;
      const first = text.charCodeAt(equals + 1);
      if (first === 0x20 || first === 0x23 /* # */) return false;
      if (!isAttributeDescription(text.slice(start, equals))) return false;
      start = i + 1;
      equals = -1;
    } else if (code === 0x3d /* = */) {
      if (equals >= 0) return false;
      equals = i;
    } else if (
      code === 0x5c /* \ */ ||
      code === 0x22 /* " */ ||
      code === 0x2b /* + */ ||
      code === 0x3b /* ; */ ||
      code === 0x3c /* < */ ||
      code === 0x3e /* > */ ||
      code === 0
    ) {
      return false;
    }
  }
  return true;
}

/** Parses a DN (RFC 4514, tolerating spaces around `,`, `+` and `=` as RFC 2253 readers do). */
export function parseDn(text: string): Dn {
  return parseRdns(text, Infinity);
}

/** The first `limit` RDNs of a DN; the text after them is not read. */
function parseRdns(text: string, limit: number): Dn {
  const dn: Dn = [];
  if (text.trim() === '') return dn;
  let i = 0;
  const n = text.length;
  let rdn: Rdn = [];
  for (;;) {
    while (i < n && text.charCodeAt(i) === 0x20) i++;
    const typeStart = i;
    while (i < n && text[i] !== '=' && text[i] !== ',' && text[i] !== '+') i++;
    const type = text.slice(typeStart, i).trim();
    if (i >= n || text[i] !== '=') throw new DnSyntaxError(text, `expected '=' after '${type}'`);
    if (!isAttributeDescription(type)) throw new DnSyntaxError(text, `'${type}' is not an attribute type`);
    i++;
    while (i < n && text.charCodeAt(i) === 0x20) i++;
    if (text[i] === '#') {
      const start = i++;
      while (i < n && /[0-9A-Fa-f]/.test(text[i]!)) i++;
      if ((i - start - 1) % 2 !== 0 || i - start === 1) throw new DnSyntaxError(text, 'bad hex-string value');
      rdn.push({ type, value: text.slice(start, i), hex: true });
      while (i < n && text.charCodeAt(i) === 0x20) i++;
    } else {
      // Runs of plain characters are sliced out whole; only escapes go through bytes (a run of
      // hex escapes may spell one multi-byte UTF-8 character).
      let value = '';
      let bytes: number[] | undefined;
      let trailingSpaces = 0;
      while (i < n) {
        const code = text.charCodeAt(i);
        if (code === 0x2c /* , */ || code === 0x2b /* + */) break;
        if (code === 0x5c /* \ */) {
          const high = hexDigit(text.charCodeAt(i + 1));
          const low = hexDigit(text.charCodeAt(i + 2));
          if (high >= 0 && low >= 0) {
            (bytes ??= []).push(high * 16 + low);
            i += 3;
          } else if (i + 1 < n) {
            const escaped = String.fromCodePoint(text.codePointAt(i + 1)!);
            if (bytes !== undefined) value += utf8(bytes);
            bytes = undefined;
            value += escaped;
            i += 1 + escaped.length;
          } else {
            throw new DnSyntaxError(text, 'a value ends with a lone backslash');
          }
          trailingSpaces = 0;
          continue;
        }
        if (code === 0x22 || code === 0x3b || code === 0x3c || code === 0x3e || code === 0) {
          const char = text[i]!;
          throw new DnSyntaxError(text, `unescaped '${char === '\0' ? 'NUL' : char}' in a value`);
        }
        const start = i;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (
            c === 0x2c ||
            c === 0x2b ||
            c === 0x5c ||
            c === 0x22 ||
            c === 0x3b ||
            c === 0x3c ||
            c === 0x3e ||
            c === 0
          )
            break;
          trailingSpaces = c === 0x20 ? trailingSpaces + 1 : 0;
          i++;
        }
        if (bytes !== undefined) value += utf8(bytes);
        bytes = undefined;
        value += text.slice(start, i);
      }
      if (bytes !== undefined) value += utf8(bytes);
      // Unescaped trailing spaces are not part of the value (RFC 4514 requires them escaped).
      if (trailingSpaces > 0) value = value.slice(0, value.length - trailingSpaces);
      rdn.push({ type, value });
    }
    if (i >= n) {
      dn.push(rdn);
      return dn;
    }
    if (text[i] === '+') {
      i++;
      continue;
    }
    dn.push(rdn);
    if (dn.length >= limit) return dn;
    rdn = [];
    i++;
    if (i >= n) throw new DnSyntaxError(text, 'it ends with a separator');
  }
}

function utf8(bytes: number[]): string {
  return Buffer.from(bytes).toString('utf8');
}

/** The value of a hex digit's character code, -1 for any other (NaN past the end included). */
function hexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

// Containers and the base DN are canonicalised for every entry built under them: remember them.
const canonicalCache = new Map<string, string>();
const CANONICAL_CACHE_ENTRIES = 1024;

/** The canonical text of a DN given as text; throws `DnSyntaxError` for text that is not a DN. */
export function canonicalDn(text: string): string {
  const cached = canonicalCache.get(text);
  if (cached !== undefined) return cached;
  if (isPlainDn(text)) return text;
  const canonical = formatDn(parseDn(text));
  rememberCanonical(text, canonical);
  if (canonical !== text) rememberCanonical(canonical, canonical);
  return canonical;
}

function rememberCanonical(text: string, canonical: string) {
  if (text.length > 512) return;
  if (canonicalCache.size >= CANONICAL_CACHE_ENTRIES)
    canonicalCache.delete(canonicalCache.keys().next().value!);
  canonicalCache.set(text, canonical);
}

/** A comparison key: canonical text with types and values lower-cased (naming attributes ignore case). */
export function dnKey(text: string): string {
  if (isPlainDn(text)) return text.toLowerCase();
  return formatDn(
    parseDn(text).map((rdn) =>
      rdn
        .map(({ type, value, hex }) => ({
          type: type.toLowerCase(),
          value: value.toLowerCase(),
          ...(hex ? { hex } : {}),
        }))
        .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0)),
    ),
  );
}

/** The parent of a DN (canonical text), `''` for a one-RDN DN. */
export function parentDn(text: string): string {
  return formatDn(parseDn(text).slice(1));
}

/** The first RDN of a DN (the rest of the text is not checked). */
export function firstRdn(text: string): Rdn {
  const [rdn] = parseRdns(text, 1);
  if (rdn === undefined) throw new DnSyntaxError(text, 'it is empty');
  return rdn;
}

/** True when `dn` is `base` or below it. */
export function isUnder(dn: string, base: string): boolean {
  const child = dnKey(dn);
  const parent = dnKey(base);
  return parent === '' || child === parent || child.endsWith(`,${parent}`);
}
