import type { ExprValue } from '../value.js';
import type { FunctionSpec } from './function-spec.js';
import { ExpressionRuntimeError } from './function-spec.js';
import { defineEager, p } from './define-function.js';
import { mapStrings, toInt, toStr, toStrOrEmpty } from './coerce.js';
import { pcase } from './pcase.js';

/**
 * String functions of Entra's expression language. Positions and lengths count Unicode code
 * points, so a character outside the Basic Multilingual Plane (an emoji) is never split in half.
 */

const SURROGATE = /[\uD800-\uDFFF]/;

/** Code-point aware slice; plain UTF-16 slicing when the text has no surrogate pairs (the usual case). */
function sliceChars(text: string, start: number, end?: number): string {
  // Code points and UTF-16 units agree up to the first surrogate: only the units before `end` count.
  const limit = end === undefined ? text.length : Math.min(text.length, end);
  let plain = true;
  for (let i = 0; i < limit; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdfff) {
      plain = false;
      break;
    }
  }
  if (plain) return text.slice(start, end);
  return Array.from(text).slice(start, end).join('');
}

function charLength(text: string): number {
  return SURROGATE.test(text) ? Array.from(text).length : text.length;
}

/** Append(source, suffix): source followed by suffix; a missing side counts as empty. */
export const append = defineEager(
  {
    name: 'Append',
    summary: 'Appends suffix to the end of source.',
    params: [p('source', 'string'), p('suffix', 'string')],
  },
  ([source, suffix]) => {
    const s = toStr(source);
    const x = toStr(suffix);
    if (s === null && x === null) return null;
    return (s ?? '') + (x ?? '');
  },
);

/** Base64 of a JavaScript string's UTF-16LE bytes (.NET's Encoding.Unicode), without Node's Buffer. */
export function base64Utf16Le(text: string): string {
  const bytes = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    bytes[i * 2] = unit & 0xff;
    bytes[i * 2 + 1] = unit >> 8;
  }
  return base64(bytes);
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function base64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i] ?? 0;
    const b1 = bytes[i + 1] ?? 0;
    const b2 = bytes[i + 2] ?? 0;
    const n = (b0 << 16) | (b1 << 8) | b2;
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
    out += i + 1 < bytes.length ? B64[(n >> 6) & 63]! : '=';
    out += i + 2 < bytes.length ? B64[n & 63]! : '=';
  }
  return out;
}

/** ConvertToBase64(source): base64 of the UTF-16LE encoding, as .NET's Encoding.Unicode. */
export const convertToBase64 = defineEager(
  {
    name: 'ConvertToBase64',
    summary: 'Converts a string to a Unicode (UTF-16LE) base64 string.',
    params: [p('source', 'string')],
  },
  ([source]) => {
    const s = toStr(source);
    return s === null ? null : base64Utf16Le(s);
  },
);

const utf8 = new TextEncoder();
const HEX = '0123456789ABCDEF';

/** ConvertToUTF8Hex(source): upper-case hex of the UTF-8 bytes. */
export const convertToUtf8Hex = defineEager(
  {
    name: 'ConvertToUTF8Hex',
    summary: 'Converts a string to its UTF-8 bytes in upper-case hexadecimal.',
    params: [p('source', 'string')],
  },
  ([source]) => {
    const s = toStr(source);
    if (s === null) return null;
    let out = '';
    for (const byte of utf8.encode(s)) out += HEX[byte >> 4]! + HEX[byte & 15]!;
    return out;
  },
);

/** CStr(value): the value as a string; booleans render "True" / "False". */
export const cstr = defineEager(
  {
    name: 'CStr',
    summary: 'Converts a value to a string.',
    params: [p('value')],
  },
  ([value]) => toStr(value),
);

/** The compare-type argument of InStr: vbTextCompare (1) ignores case, vbBinaryCompare (0) does not. */
function isTextCompare(value: ExprValue | undefined): boolean {
  if (value === undefined || value === null) return false;
  if (value === 1 || value === '1') return true;
  if (value === 0 || value === '0') return false;
  const name = toStr(value)?.toLowerCase();
  if (name === 'vbtextcompare') return true;
  if (name === 'vbbinarycompare') return false;
  throw new ExpressionRuntimeError(
    'InStr',
    `compareType must be vbTextCompare or vbBinaryCompare, got ${toStr(value)}`,
  );
}

/** InStr(value1, value2, start, compareType): 1-based position of value2 in value1, 0 when absent. */
export const instr = defineEager(
  {
    name: 'InStr',
    summary: 'Finds the 1-based position of the first occurrence of a substring, or 0.',
    params: [
      p('value1', 'string'),
      p('value2', 'string'),
      p('start', 'number', { optional: true }),
      p('compareType', 'any', { optional: true }),
    ],
  },
  ([value1, value2, start, compareType]) => {
    const haystack = toStr(value1);
    const needle = toStr(value2);
    if (haystack === null || needle === null) return null;
    const from = Math.max(1, toInt(start, 'InStr', 'start') ?? 1);
    const text = isTextCompare(compareType);
    const h = text ? haystack.toLowerCase() : haystack;
    const n = text ? needle.toLowerCase() : needle;
    const length = charLength(h);
    if (from > length) return needle === '' && from === length + 1 ? from : 0;
    if (!SURROGATE.test(h)) return h.indexOf(n, from - 1) + 1;
    const chars = Array.from(h);
    const offset = chars.slice(0, from - 1).join('').length;
    const found = h.indexOf(n, offset);
    return found < 0 ? 0 : Array.from(h.slice(0, found)).length + 1;
  },
);

/** Left(string, numChars): the first numChars characters. */
export const left = defineEager(
  {
    name: 'Left',
    summary: 'Returns numChars characters from the start of a string.',
    params: [p('string', 'string'), p('numChars', 'number')],
  },
  ([source, numChars]) => {
    const s = toStr(source);
    if (s === null) return '';
    const n = toInt(numChars, 'Left', 'numChars') ?? 0;
    if (n < 0) return s;
    return sliceChars(s, 0, n);
  },
);

/** Mid(source, start, length): the substring starting at 1-based start. */
export const mid = defineEager(
  {
    name: 'Mid',
    summary: 'Returns length characters starting at the 1-based position start.',
    params: [p('source', 'string'), p('start', 'number'), p('length', 'number')],
  },
  ([source, start, length]) => {
    const s = toStr(source);
    if (s === null) return null;
    const from = Math.max(1, toInt(start, 'Mid', 'start') ?? 1);
    const count = toInt(length, 'Mid', 'length') ?? 0;
    if (count <= 0) return '';
    return sliceChars(s, from - 1, from - 1 + count);
  },
);

/** PCase(source, wordSeparators): proper case. */
export const pcaseFunction = defineEager(
  {
    name: 'PCase',
    summary: 'Converts the first character of each word to upper case and the rest to lower case.',
    params: [p('source', 'string'), p('wordSeparators', 'string', { optional: true })],
  },
  ([source, separators]) => {
    const seps = toStr(separators);
    return mapStrings(source, (text) => pcase(text, seps));
  },
);

/** StripSpaces(source): removes every space (U+0020) character. */
export const stripSpaces = defineEager(
  {
    name: 'StripSpaces',
    summary: 'Removes all space characters from a string.',
    params: [p('source', 'string')],
  },
  ([source]) => {
    if (typeof source === 'string') return source.includes(' ') ? source.replaceAll(' ', '') : source;
    return mapStrings(source, (text) => (text.includes(' ') ? text.replaceAll(' ', '') : text));
  },
);

const cultures = new Map<string, string | null>();

/** The canonical locale for a culture argument, checked once per distinct name. */
function culture(fn: string, value: ExprValue | undefined): string | undefined {
  const name = toStr(value);
  if (name === null || name.trim() === '') return undefined;
  let locale = cultures.get(name);
  if (locale === undefined) {
    try {
      locale = Intl.getCanonicalLocales(name.trim())[0] ?? null;
    } catch {
      locale = null;
    }
    if (cultures.size >= 256) cultures.clear();
    cultures.set(name, locale);
  }
  if (locale === null)
    throw new ExpressionRuntimeError(fn, `culture ${JSON.stringify(name)} is not a valid culture name`);
  return locale;
}

/** ToLower(source, culture): lower case, invariant unless a culture (e.g. "tr-TR") is given. */
export const toLower = defineEager(
  {
    name: 'ToLower',
    summary: 'Converts a string to lower case, using the rules of an optional culture.',
    params: [p('source', 'string'), p('culture', 'string', { optional: true })],
  },
  ([source, cultureName]) => {
    if (cultureName === undefined && typeof source === 'string') return source.toLowerCase();
    const locale = culture('ToLower', cultureName);
    return mapStrings(source, (text) => (locale ? text.toLocaleLowerCase(locale) : text.toLowerCase()));
  },
);

/** ToUpper(source, culture): upper case, invariant unless a culture is given. */
export const toUpper = defineEager(
  {
    name: 'ToUpper',
    summary: 'Converts a string to upper case, using the rules of an optional culture.',
    params: [p('source', 'string'), p('culture', 'string', { optional: true })],
  },
  ([source, cultureName]) => {
    if (cultureName === undefined && typeof source === 'string') return source.toUpperCase();
    const locale = culture('ToUpper', cultureName);
    return mapStrings(source, (text) => (locale ? text.toLocaleUpperCase(locale) : text.toUpperCase()));
  },
);

/** Word(string, wordNumber, delimiters): the n-th (1-based) word, words split by any delimiter character. */
export const word = defineEager(
  {
    name: 'Word',
    summary: 'Returns the n-th word of a string, words separated by any of the delimiter characters.',
    params: [p('string', 'string'), p('wordNumber', 'number'), p('delimiters', 'string')],
  },
  ([source, wordNumber, delimiters]) => {
    const s = toStr(source);
    const n = toInt(wordNumber, 'Word', 'wordNumber') ?? 0;
    if (s === null || n < 1) return '';
    const delims = new Set(Array.from(toStrOrEmpty(delimiters)));
    let count = 0;
    let current = '';
    for (const ch of s) {
      if (delims.has(ch)) {
        if (current !== '' && ++count === n) return current;
        current = '';
      } else {
        current += ch;
      }
    }
    if (current !== '' && ++count === n) return current;
    return '';
  },
);

/** Redact(value): the value itself; the engine shows "[Redact]" in provisioning logs instead. */
export const redact = defineEager(
  {
    name: 'Redact',
    summary: 'Returns the value unchanged and marks it to be shown as "[Redact]" in provisioning logs.',
    params: [p('value')],
  },
  ([value]) => value ?? null,
);

/** The string functions, for index.ts. */
export const stringFunctions: readonly FunctionSpec[] = [
  append,
  convertToBase64,
  convertToUtf8Hex,
  cstr,
  instr,
  left,
  mid,
  pcaseFunction,
  stripSpaces,
  toLower,
  toUpper,
  word,
  redact,
];
