import type { Instant } from './date-values.js';
import { utcFields, utcMs } from './date-values.js';

/**
 * .NET custom date and time format strings ("yyyyMMddHHmmss.fZ", "M/d/yyyy h:mm:ss tt"), as
 * FormatDateTime's inputFormat and outputFormat use them: a tokenizer and a formatter (the parser
 * is date-format-parser.ts). Culture is the invariant culture (English month and day
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

/** Invariant-culture month names. */
export const MONTHS = [
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
/** Invariant-culture day names, Sunday first. */
export const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : String(i)));

function pad(n: number, width: number): string {
  // Two-digit fields (months, days, hours...) are the bulk: a table lookup, no string building.
  if (width === 2 && n >= 0 && n < 100) return TWO_DIGITS[n]!;
  if (width === 4 && n >= 1000 && n < 10_000) return String(n);
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

/** Calendar fields of a wall-clock time; `ticks` are the 100-ns units within the second. */
export interface DateFields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly ticks: number;
}

/** The wall-clock fields of an instant at a UTC offset (minutes). */
export function fieldsAt(instant: Instant, offset: number): DateFields {
  const f = utcFields(instant.ms + offset * 60_000);
  return {
    year: f.year,
    month: f.month,
    day: f.day,
    hour: f.hour,
    minute: f.minute,
    second: f.second,
    ticks: f.ms * 10_000 + instant.subTicks,
  };
}

function weekday(f: DateFields): string {
  return DAYS[utcFields(utcMs(f.year, f.month, f.day)).weekday]!;
}

/** Formats an instant with a tokenized format, at a given UTC offset (minutes). */
export function formatTokens(tokens: readonly DateFormatToken[], instant: Instant, offset: number): string {
  return formatFields(tokens, fieldsAt(instant, offset), offset);
}

/** Formats wall-clock fields with a tokenized format; `offset` (minutes) is what z, zz, zzz and K print. */
export function formatFields(tokens: readonly DateFormatToken[], f: DateFields, offset: number): string {
  let out = '';
  for (const token of tokens) {
    if (token.kind === 'literal') {
      out += token.text;
      continue;
    }
    const n = token.count;
    switch (token.letter) {
      case 'y':
        out += n === 1 ? String(f.year % 100) : n === 2 ? pad(f.year % 100, 2) : pad(f.year, n);
        break;
      case 'M': {
        const name = MONTHS[f.month - 1]!;
        out += n === 1 ? String(f.month) : n === 2 ? pad(f.month, 2) : n === 3 ? name.slice(0, 3) : name;
        break;
      }
      case 'd':
        out +=
          n === 1 ? String(f.day) : n === 2 ? pad(f.day, 2) : n === 3 ? weekday(f).slice(0, 3) : weekday(f);
        break;
      case 'h': {
        const h12 = f.hour % 12 === 0 ? 12 : f.hour % 12;
        out += n === 1 ? String(h12) : pad(h12, 2);
        break;
      }
      case 'H':
        out += n === 1 ? String(f.hour) : pad(f.hour, 2);
        break;
      case 'm':
        out += n === 1 ? String(f.minute) : pad(f.minute, 2);
        break;
      case 's':
        out += n === 1 ? String(f.second) : pad(f.second, 2);
        break;
      case 'f':
        out += pad(f.ticks, 7).slice(0, n);
        break;
      case 'F': {
        const digits = pad(f.ticks, 7).slice(0, n).replace(/0+$/, '');
        // .NET drops the decimal point before an F field that prints nothing.
        if (digits === '' && out.endsWith('.')) out = out.slice(0, -1);
        out += digits;
        break;
      }
      case 't': {
        const ampm = f.hour < 12 ? 'AM' : 'PM';
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

const tokenCache = new Map<string, DateFormatToken[]>();

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
