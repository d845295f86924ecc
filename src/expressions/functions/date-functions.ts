import type { ExprValue } from '../value.js';
import type { FunctionSpec, LiteralProblem } from './function-spec.js';
import { ExpressionRuntimeError } from './function-spec.js';
import { defineEager, p } from './define-function.js';
import { describe, toNum, toStr } from './coerce.js';
import type { Instant } from './date-values.js';
import {
  DAY_MS,
  FILETIME_EPOCH_OFFSET_MS,
  daysInMonth,
  formatEntraDate,
  parseDateText,
} from './date-values.js';
import { DateFormatError, cachedTokens, formatFields, formatTokens } from './format-date-time.js';
import type { DateFormatToken } from './format-date-time.js';
import { parseWithFormat } from './date-format-parser.js';
import { resolveZone, wallToUtc } from './time-zones.js';

/** Date functions: CDate, DateAdd, DateDiff, DateFromNum, FormatDateTime, Now, NumFromDate. */

function requireDate(fn: string, param: string, value: ExprValue | undefined): Instant | null {
  const text = toStr(value);
  if (text === null || text.trim() === '') return null;
  const instant = parseDateText(text);
  if (!instant) throw new ExpressionRuntimeError(fn, `${param} is not a date: ${describe(text)}`);
  return instant;
}

/** CDate(expression): the date as Entra's UTC DateTime string "M/d/yyyy h:mm:ss tt". */
export const cdate = defineEager(
  {
    name: 'CDate',
    summary: 'Converts a date string to a UTC DateTime ("M/d/yyyy h:mm:ss tt").',
    params: [p('expression', 'string')],
  },
  ([value]) => {
    const instant = requireDate('CDate', 'expression', value);
    return instant ? formatEntraDate(instant.ms) : null;
  },
);

const INTERVALS = new Set(['yyyy', 'q', 'm', 'y', 'd', 'w', 'ww', 'h', 'n', 's']);

function interval(fn: string, value: ExprValue | undefined): string {
  const name = toStr(value)?.trim().toLowerCase() ?? '';
  if (!INTERVALS.has(name)) {
    throw new ExpressionRuntimeError(
      fn,
      `interval must be one of yyyy, q, m, y, d, w, ww, h, n, s; got ${describe(value)}`,
    );
  }
  return name;
}

/** Save-time check of a literal interval argument. */
function checkInterval(literals: readonly (ExprValue | undefined)[]): LiteralProblem[] {
  const name = toStr(literals[0]);
  if (name === null || INTERVALS.has(name.trim().toLowerCase())) return [];
  return [
    { argumentIndex: 0, message: `interval must be one of yyyy, q, m, y, d, w, ww, h, n, s; got "${name}"` },
  ];
}

/** Adds months like .NET's DateTime.AddMonths: the day is clamped to the target month's length. */
function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const day = Math.min(d.getUTCDate(), daysInMonth(year, month + 1));
  d.setUTCFullYear(year, month, day);
  return d.getTime();
}

/** DateAdd(interval, value, dateTime): the date moved by value intervals. */
export const dateAdd = defineEager(
  {
    name: 'DateAdd',
    summary: 'Adds a number of intervals (yyyy, q, m, y, d, w, ww, h, n, s) to a date.',
    params: [p('interval', 'string'), p('value', 'number'), p('dateTime', 'string')],
    checkLiterals: checkInterval,
  },
  ([intervalArg, valueArg, dateArg]) => {
    const unit = interval('DateAdd', intervalArg);
    const amount = toNum(valueArg, 'DateAdd', 'value');
    const instant = requireDate('DateAdd', 'dateTime', dateArg);
    if (amount === null || instant === null) return null;
    let ms: number;
    switch (unit) {
      case 'yyyy':
        ms = addMonths(instant.ms, Math.trunc(amount) * 12);
        break;
      case 'q':
        ms = addMonths(instant.ms, Math.trunc(amount) * 3);
        break;
      case 'm':
        ms = addMonths(instant.ms, Math.trunc(amount));
        break;
      case 'ww':
        ms = instant.ms + Math.round(amount * 7 * DAY_MS);
        break;
      case 'h':
        ms = instant.ms + Math.round(amount * 3_600_000);
        break;
      case 'n':
        ms = instant.ms + Math.round(amount * 60_000);
        break;
      case 's':
        ms = instant.ms + Math.round(amount * 1000);
        break;
      default: // d, y (day of year), w (weekday) all add days, as in VBA
        ms = instant.ms + Math.round(amount * DAY_MS);
    }
    if (!(ms >= -62_135_596_800_000 && ms <= 253_402_300_799_999)) {
      throw new ExpressionRuntimeError('DateAdd', 'the result is outside the years 1 to 9999');
    }
    return formatEntraDate(ms);
  },
);

/**
 * DateDiff(interval, date1, date2): date2 - date1 in whole intervals, as Visual Basic's DateDiff
 * counts them: calendar boundaries for yyyy / q / m, whole elapsed units (truncated toward zero)
 * for d / y / h / n / s and w, and weeks between the Sundays starting each date's week for ww.
 */
export const dateDiff = defineEager(
  {
    name: 'DateDiff',
    summary: 'The number of intervals from date1 to date2 (negative when date2 is earlier).',
    params: [p('interval', 'string'), p('date1', 'string'), p('date2', 'string')],
    checkLiterals: checkInterval,
  },
  ([intervalArg, first, second]) => {
    const unit = interval('DateDiff', intervalArg);
    const a = requireDate('DateDiff', 'date1', first);
    const b = requireDate('DateDiff', 'date2', second);
    if (a === null || b === null) return null;
    const da = new Date(a.ms);
    const db = new Date(b.ms);
    const elapsed = b.ms - a.ms;
    const fix = (n: number): number => Math.trunc(n) + 0;
    switch (unit) {
      case 'yyyy':
        return db.getUTCFullYear() - da.getUTCFullYear();
      case 'q':
        return (
          (db.getUTCFullYear() - da.getUTCFullYear()) * 4 +
          Math.floor(db.getUTCMonth() / 3) -
          Math.floor(da.getUTCMonth() / 3)
        );
      case 'm':
        return (db.getUTCFullYear() - da.getUTCFullYear()) * 12 + db.getUTCMonth() - da.getUTCMonth();
      case 'w':
        return fix(elapsed / DAY_MS / 7);
      case 'ww': {
        const startA = a.ms - da.getUTCDay() * DAY_MS;
        const startB = b.ms - db.getUTCDay() * DAY_MS;
        return fix(fix((startB - startA) / DAY_MS) / 7);
      }
      case 'h':
        return fix(elapsed / 3_600_000);
      case 'n':
        return fix(elapsed / 60_000);
      case 's':
        return fix(elapsed / 1000);
      default:
        return fix(elapsed / DAY_MS);
    }
  },
);

const AD_NEVER = 9_223_372_036_854_775_807n;

/**
 * DateFromNum(value): an Active Directory large-integer date (100-ns intervals since 1601-01-01
 * UTC, e.g. lastLogonTimestamp) as Entra's DateTime string. 0 and 0x7FFFFFFFFFFFFFFF mean "never"
 * in AD (accountExpires) and give no value.
 */
export const dateFromNum = defineEager(
  {
    name: 'DateFromNum',
    summary: 'Converts an AD date (100-ns intervals since 1601) to a DateTime.',
    params: [p('value', 'number')],
  },
  ([value]) => {
    const text = toStr(value)?.trim();
    if (text === undefined || text === '') return null;
    let ticks: bigint;
    try {
      ticks = typeof value === 'number' ? BigInt(Math.trunc(value)) : BigInt(text);
    } catch {
      throw new ExpressionRuntimeError('DateFromNum', `value must be an integer, got ${describe(value)}`);
    }
    if (ticks === 0n || ticks === AD_NEVER) return null;
    const ms = Number(ticks / 10_000n) - FILETIME_EPOCH_OFFSET_MS;
    if (ticks < 0n || ms > 253_402_300_799_999) {
      throw new ExpressionRuntimeError('DateFromNum', `value ${text} is outside the years 1601 to 9999`);
    }
    return formatEntraDate(ms);
  },
);

/** NumFromDate(value): a date as an AD large integer (100-ns intervals since 1601-01-01 UTC). */
export const numFromDate = defineEager(
  {
    name: 'NumFromDate',
    summary: 'Converts a date string to the AD large-integer date format (e.g. for accountExpires).',
    params: [p('value', 'string')],
  },
  ([value]) => {
    const instant = requireDate('NumFromDate', 'value', value);
    if (instant === null) return null;
    // Exact in a double: the result is a multiple of 10000 = 16 * 625, below 2^53 * 16.
    return (instant.ms + FILETIME_EPOCH_OFFSET_MS) * 10_000 + instant.subTicks;
  },
);

/** Now(): the evaluation context's current time as Entra's DateTime string. */
export const now = defineEager(
  {
    name: 'Now',
    summary: 'The current UTC time ("M/d/yyyy h:mm:ss tt").',
    params: [],
    volatile: true,
  },
  (_args, ctx) => formatEntraDate(ctx.now().getTime()),
);

const STYLES = new Set([
  'none',
  'allowleadingwhite',
  'allowtrailingwhite',
  'allowinnerwhite',
  'allowwhitespaces',
  'nocurrentdatedefault',
  'adjusttouniversal',
  'assumelocal',
  'assumeuniversal',
  'roundtripkind',
]);

function checkStyles(value: ExprValue | undefined): string | null {
  const text = toStr(value);
  if (text === null || text.trim() === '') return null;
  for (const part of text.split(/[,|]/)) {
    const name = part
      .trim()
      .replace(/^DateTimeStyles\./i, '')
      .toLowerCase();
    if (name !== '' && !STYLES.has(name)) return `unknown dateTimeStyles value "${part.trim()}"`;
  }
  return null;
}

function zoneOf(fn: string, param: string, value: ExprValue | undefined): ((ms: number) => number) | null {
  const name = toStr(value);
  if (name === null || name.trim() === '') return null;
  const zone = resolveZone(name);
  if (!zone) throw new ExpressionRuntimeError(fn, `${param} "${name}" is not a known time zone`);
  return zone;
}

function formatProblem(format: ExprValue | undefined): string | null {
  const text = toStr(format);
  if (text === null) return null;
  try {
    cachedTokens(text);
    return null;
  } catch (error) {
    return error instanceof DateFormatError ? error.message : String(error);
  }
}

let lastInFormat: string | undefined;
let lastInTokens: DateFormatToken[] = [];
let lastOutFormat: string | undefined;
let lastOutTokens: DateFormatToken[] = [];

/**
 * FormatDateTime(source, dateTimeStyles, inputFormat, outputFormat, inputTimeZone, outputTimeZone):
 * parses source with a .NET custom format and prints it with another. A source carrying an offset
 * (zzz, K, a literal Z) is converted to UTC, as Entra's servers (running in UTC) do; otherwise the
 * wall time is read in inputTimeZone (UTC when absent). Output is in outputTimeZone (UTC when absent).
 */
export const formatDateTime = defineEager(
  {
    name: 'FormatDateTime',
    summary: 'Parses a date with one .NET format string and prints it with another.',
    params: [
      p('source', 'string'),
      p('dateTimeStyles', 'string', { optional: true }),
      p('inputFormat', 'string'),
      p('outputFormat', 'string'),
      p('inputTimeZone', 'string', { optional: true }),
      p('outputTimeZone', 'string', { optional: true }),
    ],
    checkLiterals: (literals) => {
      const problems: LiteralProblem[] = [];
      const styles = checkStyles(literals[1]);
      if (styles) problems.push({ argumentIndex: 1, message: styles });
      for (const index of [2, 3]) {
        const problem = formatProblem(literals[index]);
        if (problem) problems.push({ argumentIndex: index, message: problem });
      }
      for (const index of [4, 5]) {
        const name = toStr(literals[index]);
        if (name !== null && name.trim() !== '' && !resolveZone(name)) {
          problems.push({ argumentIndex: index, message: `"${name}" is not a known time zone` });
        }
      }
      return problems;
    },
  },
  ([source, styles, inputFormat, outputFormat, inputZone, outputZone]) => {
    const text = toStr(source);
    if (text === null || text.trim() === '') return null;
    const stylesProblem = checkStyles(styles);
    if (stylesProblem) throw new ExpressionRuntimeError('FormatDateTime', stylesProblem);
    const inFormat = toStr(inputFormat);
    const outFormat = toStr(outputFormat);
    if (inFormat === null || outFormat === null) {
      throw new ExpressionRuntimeError('FormatDateTime', 'inputFormat and outputFormat are required');
    }
    let parsed;
    let outTokens;
    try {
      // A mapping passes the same two formats on every call: remember them past the cache lookup.
      if (inFormat !== lastInFormat) {
        lastInTokens = cachedTokens(inFormat);
        lastInFormat = inFormat;
      }
      if (outFormat !== lastOutFormat) {
        lastOutTokens = cachedTokens(outFormat);
        lastOutFormat = outFormat;
      }
      parsed = parseWithFormat(lastInTokens, text);
      outTokens = lastOutTokens;
    } catch (error) {
      if (error instanceof DateFormatError) throw new ExpressionRuntimeError('FormatDateTime', error.message);
      throw error;
    }
    if (!parsed) {
      throw new ExpressionRuntimeError(
        'FormatDateTime',
        `source ${describe(text)} does not match inputFormat "${inFormat}"`,
      );
    }
    const inZone = zoneOf('FormatDateTime', 'inputTimeZone', inputZone);
    const outZone = zoneOf('FormatDateTime', 'outputTimeZone', outputZone);
    if (!inZone && !outZone && !parsed.offset) {
      // The common case: no conversion, so the parsed fields print as they are.
      return formatFields(outTokens, parsed.fields, 0);
    }
    let ms: number;
    if (parsed.offset !== undefined) ms = parsed.wallMs - parsed.offset * 60_000;
    else ms = inZone ? wallToUtc(parsed.wallMs, inZone) : parsed.wallMs;
    const offset = outZone ? outZone(ms) : 0;
    return formatTokens(outTokens, { ms, subTicks: parsed.subTicks }, offset);
  },
);

/** The date functions, for index.ts. */
export const dateFunctions: readonly FunctionSpec[] = [
  cdate,
  dateAdd,
  dateDiff,
  dateFromNum,
  formatDateTime,
  now,
  numFromDate,
];
