import type { Instant } from './date-values.js';
import { utcMs, validFields } from './date-values.js';

/**
 * .NET custom date and time format strings ("yyyyMMddHHmmss.fZ", "M/d/yyyy h:mm:ss tt"), as
 * FormatDateTime's inputFormat and outputFormat use them: a tokenizer, a parser compiled to one
 * RegExp per format, and a formatter. Culture is the invariant culture (English month and day
 * names, "AM"/"PM", ":" and "/" separators). Compiled formats are cached because expressions run
 * once per user.
 */

type FieldLetter = 'd' | 'f' | 'F' | 'g' | 'h' | 'H' | 'K' | 'm' | 'M' | 's' | 't' | 'y' | 'z';

/** One piece of a format string. */
export type DateFormatToken =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'field'; readonly letter: FieldLetter; readonly count: number };

const FIELD_LETTERS = new Set<string>(['d', 'f', 'F', 'g', 'h', 'H', 'K', 'm', 'M', 's', 't', 'y', 'z']);
const MAX_COUNT: Partial<Record<FieldLetter, number>> = {
  f: 7,
  F: 7,
  d: 4,
  M: 4,
  h: 2,
  H: 2,
  m: 2,
  s: 2,
  t: 2,
  z: 3,
  K: 1,
  g: 2,
};

// .NET standard format strings (one character) that FormatDateTime users meet, as custom patterns.
const STANDARD: Readonly<Record<string, string>> = {
  d: 'M/d/yyyy',
  D: 'dddd, dd MMMM yyyy',
  f: 'dddd, dd MMMM yyyy HH:mm',
  F: 'dddd, dd MMMM yyyy HH:mm:ss',
  g: 'M/d/yyyy h:mm tt',
  G: 'M/d/yyyy h:mm:ss tt',
  o: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
  O: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
  s: "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
  t: 'h:mm tt',
  T: 'h:mm:ss tt',
  u: "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
};

/** Error in a format string itself (not in the value being parsed). */
export class DateFormatError extends Error {}

/** Splits a .NET custom format string into literal and field tokens. */
export function tokenizeDateFormat(format: string): DateFormatToken[] {
  const pattern = format.length === 1 ? (STANDARD[format] ?? `%${format}`) : format;
  const tokens: DateFormatToken[] = [];
  const literal = (text: string): void => {
    const last = tokens[tokens.length - 1];
    if (last?.kind === 'literal') tokens[tokens.length - 1] = { kind: 'literal', text: last.text + text };
    else tokens.push({ kind: 'literal', text });
  };
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === "'" || ch === '"') {
      const end = pattern.indexOf(ch, i + 1);
      if (end < 0)
        throw new DateFormatError(`unterminated quoted text at position ${i + 1} of format "${format}"`);
      literal(pattern.slice(i + 1, end));
      i = end + 1;
    } else if (ch === '\\') {
      if (i + 1 >= pattern.length) throw new DateFormatError(`format "${format}" ends with a lone backslash`);
      literal(pattern[i + 1]!);
      i += 2;
    } else if (ch === '%') {
      const next = pattern[i + 1];
      if (next === undefined || !FIELD_LETTERS.has(next)) {
        throw new DateFormatError(`"%" must be followed by a format specifier in "${format}"`);
      }
      tokens.push({ kind: 'field', letter: next as FieldLetter, count: 1 });
      i += 2;
    } else if (FIELD_LETTERS.has(ch)) {
      let j = i;
      while (pattern[j] === ch) j++;
      const count = j - i;
      const max = MAX_COUNT[ch as FieldLetter];
      if (max !== undefined && count > max && (ch === 'f' || ch === 'F')) {
        throw new DateFormatError(`"${ch.repeat(count)}" in format "${format}": at most 7 fraction digits`);
      }
      tokens.push({
        kind: 'field',
        letter: ch as FieldLetter,
        count: max === undefined ? count : Math.min(count, max),
      });
      i = j;
    } else {
      literal(ch);
      i += 1;
    }
  }
  return tokens;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function offsetText(minutes: number, count: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const hours = Math.floor(abs / 60);
  if (count === 1) return `${sign}${hours}`;
  if (count === 2) return `${sign}${pad(hours, 2)}`;
  return `${sign}${pad(hours, 2)}:${pad(abs % 60, 2)}`;
}

/** Formats an instant with a tokenized format, at a given UTC offset (minutes). */
export function formatTokens(tokens: readonly DateFormatToken[], instant: Instant, offset: number): string {
  const d = new Date(instant.ms + offset * 60_000);
  const ticks = d.getUTCMilliseconds() * 10_000 + instant.subTicks;
  const year = d.getUTCFullYear();
  let out = '';
  for (const token of tokens) {
    if (token.kind === 'literal') {
      out += token.text;
      continue;
    }
    const n = token.count;
    switch (token.letter) {
      case 'y':
        out += n === 1 ? String(year % 100) : n === 2 ? pad(year % 100, 2) : pad(year, n);
        break;
      case 'M': {
        const month = d.getUTCMonth();
        out +=
          n === 1
            ? String(month + 1)
            : n === 2
              ? pad(month + 1, 2)
              : n === 3
                ? MONTHS[month]!.slice(0, 3)
                : MONTHS[month]!;
        break;
      }
      case 'd': {
        const day = d.getUTCDate();
        const weekday = DAYS[d.getUTCDay()]!;
        out += n === 1 ? String(day) : n === 2 ? pad(day, 2) : n === 3 ? weekday.slice(0, 3) : weekday;
        break;
      }
      case 'h': {
        const h12 = d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12;
        out += n === 1 ? String(h12) : pad(h12, 2);
        break;
      }
      case 'H':
        out += n === 1 ? String(d.getUTCHours()) : pad(d.getUTCHours(), 2);
        break;
      case 'm':
        out += n === 1 ? String(d.getUTCMinutes()) : pad(d.getUTCMinutes(), 2);
        break;
      case 's':
        out += n === 1 ? String(d.getUTCSeconds()) : pad(d.getUTCSeconds(), 2);
        break;
      case 'f':
        out += pad(ticks, 7).slice(0, n);
        break;
      case 'F': {
        const digits = pad(ticks, 7).slice(0, n).replace(/0+$/, '');
        // .NET drops the decimal point before an F field that prints nothing.
        if (digits === '' && out.endsWith('.')) out = out.slice(0, -1);
        out += digits;
        break;
      }
      case 't': {
        const ampm = d.getUTCHours() < 12 ? 'AM' : 'PM';
        out += n === 1 ? ampm[0] : ampm;
        break;
      }
      case 'z':
        out += offsetText(offset, n);
        break;
      case 'K':
        out += offset === 0 ? 'Z' : offsetText(offset, 3);
        break;
      case 'g':
        out += 'A.D.';
        break;
    }
  }
  return out;
}

/** A format compiled for parsing: one RegExp and what each capture group means. */
export interface CompiledDateParser {
  readonly regex: RegExp;
  readonly groups: readonly DateFormatToken[];
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function fieldPattern(letter: FieldLetter, n: number): string {
  switch (letter) {
    case 'y':
      return n === 1 ? '(\\d{1,2})' : n === 2 ? '(\\d{2})' : n === 3 ? '(\\d{3,4})' : `(\\d{${n}})`;
    case 'M':
      if (n >= 4) return `(${MONTHS.join('|')})`;
      if (n === 3) return `(${MONTHS.map((m) => m.slice(0, 3)).join('|')})`;
      return n === 1 ? '(\\d{1,2})' : '(\\d{2})';
    case 'd':
      if (n >= 4) return `(${DAYS.join('|')})`;
      if (n === 3) return `(${DAYS.map((m) => m.slice(0, 3)).join('|')})`;
      return n === 1 ? '(\\d{1,2})' : '(\\d{2})';
    case 'h':
    case 'H':
    case 'm':
    case 's':
      return n === 1 ? '(\\d{1,2})' : '(\\d{2})';
    case 'f':
      return `(\\d{${n}})`;
    case 'F':
      return `(\\d{0,${n}})`;
    case 't':
      return n === 1 ? '([AP])' : '(AM|PM)';
    case 'z':
      return n === 1 ? '([+-]\\d{1,2}|Z)' : n === 2 ? '([+-]\\d{2}|Z)' : '([+-]\\d{2}:?\\d{2}|Z)';
    case 'K':
      return '(Z|[+-]\\d{2}:?\\d{2})?';
    case 'g':
      return '(A\\.?D\\.?)?';
  }
}

/** Compiles a tokenized format for parsing. Leading and trailing white space is allowed, as .NET's default styles do. */
export function compileDateParser(tokens: readonly DateFormatToken[]): CompiledDateParser {
  let source = '^\\s*';
  const groups: DateFormatToken[] = [];
  for (const token of tokens) {
    if (token.kind === 'literal') {
      // A literal Z in the input format is the UTC designator, as .NET's parser reads it.
      source += token.text
        .split('')
        .map((ch) => (ch === 'Z' ? '(Z)' : ch === ' ' ? '\\s+' : escapeRegex(ch)))
        .join('');
      for (const ch of token.text) if (ch === 'Z') groups.push({ kind: 'field', letter: 'K', count: 1 });
    } else {
      source += fieldPattern(token.letter, token.count);
      groups.push(token);
    }
  }
  return { regex: new RegExp(`${source}\\s*$`, 'i'), groups };
}

function parseOffset(text: string): number {
  if (text === '' || text.toUpperCase() === 'Z') return 0;
  const sign = text[0] === '-' ? -1 : 1;
  const digits = text.slice(1).replace(':', '');
  const hours = Number(digits.length > 2 ? digits.slice(0, digits.length - 2) : digits);
  const minutes = digits.length > 2 ? Number(digits.slice(-2)) : 0;
  return sign * (hours * 60 + minutes);
}

/** Wall-clock fields read from a string, and the offset when the string carried one. */
export interface ParsedDate {
  readonly wallMs: number;
  readonly subTicks: number;
  readonly offset: number | undefined;
}

/** Parses text with a compiled format; null when the text does not match or names no real date. */
export function parseWithFormat(parser: CompiledDateParser, text: string): ParsedDate | null {
  const m = parser.regex.exec(text);
  if (!m) return null;
  let year = 1;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let ticks = 0;
  let pm: boolean | undefined;
  let offset: number | undefined;
  parser.groups.forEach((token, index) => {
    const value = m[index + 1];
    if (value === undefined || token.kind !== 'field') return;
    const n = token.count;
    switch (token.letter) {
      case 'y': {
        const y = Number(value);
        year = n <= 2 ? (y < 50 ? 2000 + y : 1900 + y) : y;
        break;
      }
      case 'M':
        month =
          n >= 3
            ? MONTHS.findIndex((name) => name.toLowerCase().startsWith(value.toLowerCase().slice(0, 3))) + 1
            : Number(value);
        break;
      case 'd':
        if (n <= 2) day = Number(value);
        break;
      case 'h':
        hour = Number(value) % 12;
        break;
      case 'H':
        hour = Number(value);
        break;
      case 'm':
        minute = Number(value);
        break;
      case 's':
        second = Number(value);
        break;
      case 'f':
      case 'F':
        ticks = Number(value.padEnd(7, '0'));
        break;
      case 't':
        pm = value.toUpperCase().startsWith('P');
        break;
      case 'z':
      case 'K':
        offset = parseOffset(value);
        break;
      case 'g':
        break;
    }
  });
  if (pm !== undefined) hour = (hour % 12) + (pm ? 12 : 0);
  if (!validFields(year, month, day, hour, minute, second)) return null;
  const wallMs = utcMs(year, month, day, hour, minute, second, Math.floor(ticks / 10_000));
  return { wallMs, subTicks: ticks % 10_000, offset };
}

const tokenCache = new Map<string, DateFormatToken[]>();
const parserCache = new Map<string, CompiledDateParser>();

/** Tokenizes once per distinct format string. */
export function cachedTokens(format: string): DateFormatToken[] {
  let tokens = tokenCache.get(format);
  if (!tokens) {
    tokens = tokenizeDateFormat(format);
    if (tokenCache.size >= 256) tokenCache.clear();
    tokenCache.set(format, tokens);
  }
  return tokens;
}

/** Compiles a parser once per distinct format string. */
export function cachedParser(format: string): CompiledDateParser {
  let parser = parserCache.get(format);
  if (!parser) {
    parser = compileDateParser(cachedTokens(format));
    if (parserCache.size >= 256) parserCache.clear();
    parserCache.set(format, parser);
  }
  return parser;
}
