/**
 * Character-level scanning for SCIM filters and PATCH paths (RFC 7644 §3.4.2.2, §3.5.2).
 *
 * The parser reads the source text in place through a cursor instead of building a token array:
 * filters are short and most are parsed once per request, so avoiding intermediate objects is what
 * makes parsing cheap. Everything here works on UTF-16 code units; positions are 0-based offsets
 * into the source text, the same offsets the AST spans use.
 */

/** How a scanning failure is reported: the parser decides which SCIM error type it becomes. */
export type ScanErrorFactory = (message: string) => Error;

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const DOLLAR = 0x24;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const COLON = 0x3a;
const UNDERSCORE = 0x5f;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

/** RFC 7644 uses single spaces; any run of SP, HTAB, CR or LF is accepted between tokens. */
export function isWhitespace(code: number): boolean {
  return code === SPACE || code === TAB || code === LF || code === CR;
}

export function isAlpha(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
}

export function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** RFC 7644 ABNF `nameChar = "-" / "_" / DIGIT / ALPHA`. */
export function isNameChar(code: number): boolean {
  return isAlpha(code) || isDigit(code) || code === MINUS || code === UNDERSCORE;
}

/**
 * Characters of an attribute-path token: name characters plus ':' and '.' (URN and sub-attribute
 * separators) and '$' (for `$ref`, RFC 7643 §2.4).
 */
export function isPathChar(code: number): boolean {
  return isNameChar(code) || code === COLON || code === DOT || code === DOLLAR;
}

/** Start of an attribute path: ALPHA, or '$' for `$ref`. */
export function isPathStart(code: number): boolean {
  return isAlpha(code) || code === DOLLAR;
}

/**
 * RFC 7644 `ATTRNAME = ALPHA *(nameChar)`, widened to accept `$ref` (RFC 7643 §2.4 names the
 * reference sub-attribute that way, and PATCH paths such as `members[$ref eq "..."]` use it).
 */
export function isAttrName(text: string): boolean {
  if (text.length === 0) return false;
  const first = text.charCodeAt(0);
  if (!isAlpha(first) && first !== DOLLAR) return false;
  for (let i = 1; i < text.length; i++) {
    if (!isNameChar(text.charCodeAt(i))) return false;
  }
  return true;
}

/** Index of the first non-whitespace code unit at or after `pos`. */
export function skipWhitespace(text: string, pos: number): number {
  while (pos < text.length && isWhitespace(text.charCodeAt(pos))) pos++;
  return pos;
}

/** Index just past the run of characters accepted by `accept` starting at `pos`. */
export function scanWhile(text: string, pos: number, accept: (code: number) => boolean): number {
  while (pos < text.length && accept(text.charCodeAt(pos))) pos++;
  return pos;
}

/** A bare value token ends at whitespace, a parenthesis, a bracket or a double quote. */
export function isBareValueChar(code: number): boolean {
  return (
    !isWhitespace(code) &&
    code !== 0x28 /* ( */ &&
    code !== 0x29 /* ) */ &&
    code !== 0x5b /* [ */ &&
    code !== 0x5d /* ] */ &&
    code !== QUOTE
  );
}

/** Result of reading a string literal: the decoded value and the index just past the closing quote. */
export interface ScannedString {
  readonly value: string;
  readonly end: number;
}

/**
 * Reads a JSON string literal (RFC 8259 §7) whose opening quote is at `start`: the escapes
 * \" \\ \/ \b \f \n \r \t \uXXXX, and no raw control characters. Lone surrogates written as
 * \uXXXX are kept as they are, so any JavaScript string survives a print/parse round trip.
 */
export function scanString(text: string, start: number, fail: ScanErrorFactory): ScannedString {
  let pos = start + 1;
  let chunkStart = pos;
  let out = '';
  for (;;) {
    if (pos >= text.length) {
      throw fail(`unterminated string starting at position ${start}`);
    }
    const code = text.charCodeAt(pos);
    if (code === QUOTE) {
      out += text.slice(chunkStart, pos);
      return { value: out, end: pos + 1 };
    }
    if (code < 0x20) {
      throw fail(`control character U+${hex4(code)} must be escaped in a string at position ${pos}`);
    }
    if (code !== BACKSLASH) {
      pos++;
      continue;
    }
    out += text.slice(chunkStart, pos);
    const escape = text.charCodeAt(pos + 1);
    switch (escape) {
      case QUOTE:
        out += '"';
        break;
      case BACKSLASH:
        out += '\\';
        break;
      case 0x2f:
        out += '/';
        break;
      case 0x62:
        out += '\b';
        break;
      case 0x66:
        out += '\f';
        break;
      case 0x6e:
        out += '\n';
        break;
      case 0x72:
        out += '\r';
        break;
      case 0x74:
        out += '\t';
        break;
      case 0x75: {
        const digits = text.slice(pos + 2, pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(digits)) {
          throw fail(`invalid \\u escape in a string at position ${pos}: expected four hex digits`);
        }
        out += String.fromCharCode(parseInt(digits, 16));
        pos += 4;
        break;
      }
      default:
        if (Number.isNaN(escape)) throw fail(`unterminated string starting at position ${start}`);
        throw fail(`invalid escape '\\${text.charAt(pos + 1)}' in a string at position ${pos}`);
    }
    pos += 2;
    chunkStart = pos;
  }
}

/**
 * True when `token` is exactly a JSON number (RFC 8259 §6):
 * `[ "-" ] ( "0" / 1-9 *DIGIT ) [ "." 1*DIGIT ] [ ("e"/"E") [ "+"/"-" ] 1*DIGIT ]`.
 */
export function isJsonNumber(token: string): boolean {
  let i = 0;
  const n = token.length;
  if (token.charCodeAt(i) === MINUS) i++;
  if (i >= n) return false;
  if (token.charCodeAt(i) === 0x30) {
    i++;
  } else if (isDigit(token.charCodeAt(i))) {
    while (i < n && isDigit(token.charCodeAt(i))) i++;
  } else {
    return false;
  }
  if (i < n && token.charCodeAt(i) === DOT) {
    i++;
    const digitsStart = i;
    while (i < n && isDigit(token.charCodeAt(i))) i++;
    if (i === digitsStart) return false;
  }
  if (i < n && (token.charCodeAt(i) === LOWER_E || token.charCodeAt(i) === UPPER_E)) {
    i++;
    if (i < n && (token.charCodeAt(i) === PLUS || token.charCodeAt(i) === MINUS)) i++;
    const digitsStart = i;
    while (i < n && isDigit(token.charCodeAt(i))) i++;
    if (i === digitsStart) return false;
  }
  return i === n;
}

function hex4(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}

/** A short, quoted rendering of the source at `pos` for error messages. */
export function describeAt(text: string, pos: number): string {
  if (pos >= text.length) return 'end of input';
  const code = text.charCodeAt(pos);
  if (isPathStart(code) || isDigit(code)) {
    const end = scanWhile(text, pos, isBareValueChar);
    return `'${truncate(text.slice(pos, end))}'`;
  }
  if (code < 0x20 || code === 0x7f) return `U+${hex4(code)}`;
  return `'${String.fromCodePoint(text.codePointAt(pos) ?? code)}'`;
}

/** Shortens source excerpts quoted in error messages. */
export function truncate(text: string, max = 40): string {
  return text.length <= max ? text : `${text.slice(0, max)}...`;
}
