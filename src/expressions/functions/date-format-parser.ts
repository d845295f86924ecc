import { utcMs, validFields } from './date-values.js';
import type { DateFields, DateFormatToken } from './format-date-time.js';
import { DAYS, MONTHS } from './format-date-time.js';

/**
 * Parses text against a tokenized .NET custom date format (FormatDateTime's inputFormat). It reads
 * left to right without backtracking, as .NET's ParseExact does: a one-letter numeric field takes
 * one or two digits, greedily. Leading and trailing white space is allowed (.NET's default styles),
 * a space in the format matches one or more white-space characters, literal letters match in any
 * case, and a literal `Z` is the UTC designator. A hand-written matcher rather than a RegExp:
 * reading digits by char code avoids a substring per field, and this runs once per user.
 */

/** Wall-clock fields read from a string, and the offset (minutes) when the string carried one. */
export interface ParsedDate {
  readonly fields: DateFields;
  readonly wallMs: number;
  readonly subTicks: number;
  readonly offset: number | undefined;
}

const Code = { zero: 48, nine: 57, plus: 43, minus: 45, colon: 58 } as const;

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || code === 0xa0;
}

/** Where the last readDigits call stopped, or -1 when it failed (a variable, not a tuple, per field). */
let digitsEnd = -1;

/** Reads between min and max digits at pos; returns the value and sets digitsEnd (-1 on failure). */
function readDigits(text: string, pos: number, min: number, max: number): number {
  let value = 0;
  let i = pos;
  const limit = Math.min(text.length, pos + max);
  while (i < limit) {
    const code = text.charCodeAt(i);
    if (code < Code.zero || code > Code.nine) break;
    value = value * 10 + (code - Code.zero);
    i++;
  }
  digitsEnd = i - pos < min ? -1 : i;
  return digitsEnd < 0 ? 0 : value;
}

/** Index of the longest name (case-insensitive) at pos, as [index, end]; [-1, -1] when none matches. */
function readName(text: string, pos: number, names: readonly string[]): [number, number] {
  let best = -1;
  let end = -1;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (name.length > end - pos && text.substr(pos, name.length).toLowerCase() === name.toLowerCase()) {
      best = i;
      end = pos + name.length;
    }
  }
  return [best, end];
}

/** Ticks per unit of an n-digit fraction: a table, because Math.pow costs more than the whole field. */
const TICK_SCALE = [10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1];

const SHORT_MONTHS = MONTHS.map((m) => m.slice(0, 3));
const SHORT_DAYS = DAYS.map((d) => d.slice(0, 3));

/** Reads a UTC offset: "Z", or a sign and hours (and minutes when `minutes` allows). */
function readOffset(
  text: string,
  pos: number,
  hourDigits: [number, number],
  minutes: boolean,
): [number, number] {
  const code = text.charCodeAt(pos);
  if (code === 90 || code === 122) return [0, pos + 1]; // Z
  if (code !== Code.plus && code !== Code.minus) return [0, -1];
  const hours = readDigits(text, pos + 1, hourDigits[0], hourDigits[1]);
  const afterHours = digitsEnd;
  if (afterHours < 0 || hours > 14) return [0, -1];
  let end = afterHours;
  let mins = 0;
  if (minutes) {
    if (text.charCodeAt(end) === Code.colon) end++;
    const m = readDigits(text, end, 2, 2);
    const afterMinutes = digitsEnd;
    if (afterMinutes < 0 || m > 59) return [0, -1];
    mins = m;
    end = afterMinutes;
  }
  return [(code === Code.minus ? -1 : 1) * (hours * 60 + mins), end];
}

/** Parses text with a tokenized format; null when the text does not match or names no real date. */
export function parseWithFormat(tokens: readonly DateFormatToken[], text: string): ParsedDate | null {
  let pos = 0;
  while (pos < text.length && isSpace(text.charCodeAt(pos))) pos++;
  let year = 1;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let ticks = 0;
  let pm: boolean | undefined;
  let offset: number | undefined;
  for (const token of tokens) {
    if (token.kind === 'literal') {
      for (let i = 0; i < token.text.length; i++) {
        const want = token.text.charCodeAt(i);
        if (isSpace(want)) {
          if (!isSpace(text.charCodeAt(pos))) return null;
          while (pos < text.length && isSpace(text.charCodeAt(pos))) pos++;
          continue;
        }
        const got = text.charCodeAt(pos);
        if (
          got !== want &&
          String.fromCharCode(got).toLowerCase() !== String.fromCharCode(want).toLowerCase()
        ) {
          return null;
        }
        if (want === 90 || want === 122) offset = 0; // a literal Z marks UTC
        pos++;
      }
      continue;
    }
    const n = token.count;
    let value = 0;
    let end = -1;
    switch (token.letter) {
      case 'y':
        value =
          n === 1
            ? readDigits(text, pos, 1, 2)
            : n === 2
              ? readDigits(text, pos, 2, 2)
              : readDigits(text, pos, n === 3 ? 3 : n, n === 3 ? 4 : n);
        end = digitsEnd;
        year = n <= 2 ? (value < 50 ? 2000 + value : 1900 + value) : value;
        break;
      case 'M':
        if (n >= 3) {
          [value, end] = readName(text, pos, n === 3 ? SHORT_MONTHS : MONTHS);
          month = value + 1;
        } else {
          month = readDigits(text, pos, n, 2);
          end = digitsEnd;
        }
        break;
      case 'd':
        if (n >= 3) [, end] = readName(text, pos, n === 3 ? SHORT_DAYS : DAYS);
        else {
          day = readDigits(text, pos, n, 2);
          end = digitsEnd;
        }
        break;
      case 'h':
        value = readDigits(text, pos, n, 2);
        end = digitsEnd;
        hour = value % 12;
        break;
      case 'H':
        hour = readDigits(text, pos, n, 2);
        end = digitsEnd;
        break;
      case 'm':
        minute = readDigits(text, pos, n, 2);
        end = digitsEnd;
        break;
      case 's':
        second = readDigits(text, pos, n, 2);
        end = digitsEnd;
        break;
      case 'f':
      case 'F': {
        value = readDigits(text, pos, token.letter === 'f' ? n : 0, n);
        end = digitsEnd;
        if (end >= 0) ticks = value * TICK_SCALE[end - pos]!;
        break;
      }
      case 't': {
        const code = text.charCodeAt(pos) | 0x20;
        if (code !== 97 && code !== 112) return null; // a / p
        pm = code === 112;
        end = pos + 1;
        if (n === 2) {
          if ((text.charCodeAt(end) | 0x20) !== 109) return null; // m
          end++;
        }
        break;
      }
      case 'z':
        [value, end] = readOffset(text, pos, n === 1 ? [1, 2] : [2, 2], n >= 3);
        offset = value;
        break;
      case 'K': {
        const code = text.charCodeAt(pos);
        if (code === 90 || code === 122 || code === Code.plus || code === Code.minus) {
          [value, end] = readOffset(text, pos, [2, 2], true);
          offset = value;
        } else {
          end = pos; // K may be empty
        }
        break;
      }
      case 'g': {
        const match = /^A\.?D\.?/i.exec(text.slice(pos, pos + 4));
        end = pos + (match ? match[0].length : 0);
        break;
      }
    }
    if (end < 0) return null;
    pos = end;
  }
  while (pos < text.length && isSpace(text.charCodeAt(pos))) pos++;
  if (pos !== text.length) return null;
  if (pm !== undefined) hour = (hour % 12) + (pm ? 12 : 0);
  if (!validFields(year, month, day, hour, minute, second)) return null;
  const wallMs = utcMs(year, month, day, hour, minute, second, Math.floor(ticks / 10_000));
  return {
    fields: { year, month, day, hour, minute, second, ticks },
    wallMs,
    subTicks: ticks % 10_000,
    offset,
  };
}
