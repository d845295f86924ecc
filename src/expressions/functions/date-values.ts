/**
 * Date values of the expression language. Entra has no date type at the surface: CDate, DateAdd,
 * DateFromNum and Now return strings in "M/d/yyyy h:mm:ss tt" (UTC, invariant culture), and the
 * date functions accept those strings back, as well as ISO 8601 and Workday-style
 * "2020-03-16-07:00" dates. Internally an instant is UTC milliseconds plus the sub-millisecond
 * 100-ns ticks .NET keeps, so "fffffff" round-trips.
 */

/** An instant: UTC milliseconds since the epoch, plus 100-ns ticks below the millisecond (0..9999). */
export interface Instant {
  readonly ms: number;
  readonly subTicks: number;
}

const MS_PER_DAY = 86_400_000;

/** Date.UTC that also accepts years 0..99 literally (Date.UTC maps them to 1900+). */
export function utcMs(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  ms = 0,
): number {
  if (year >= 100) return Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, ms));
  date.setUTCFullYear(year);
  // setUTCFullYear keeps month/day; re-apply them so Feb 29 in a non-leap year rolls like Date.UTC would.
  date.setUTCMonth(month - 1, day);
  return date.getTime();
}

/** Days in a month (1-12) of a proleptic Gregorian year. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** True when the fields name a real calendar date and time of day. */
export function validFields(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): boolean {
  return (
    year >= 1 &&
    year <= 9999 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour >= 0 &&
    hour < 24 &&
    minute >= 0 &&
    minute < 60 &&
    second >= 0 &&
    second < 60
  );
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Formats an instant as Entra's DateTime string, "M/d/yyyy h:mm:ss tt" in UTC. */
export function formatEntraDate(ms: number): string {
  const d = new Date(ms);
  const hour = d.getUTCHours();
  const h12 = hour % 12 === 0 ? 12 : hour % 12;
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${hour < 12 ? 'AM' : 'PM'}`;
}

function offsetMinutes(text: string | undefined): number | null {
  if (!text) return 0;
  if (text === 'Z' || text === 'z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(text);
  if (!m) return null;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? '0');
  if (hours > 14 || minutes > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

function fractionTicks(text: string | undefined): number {
  if (!text) return 0;
  return Number(text.slice(0, 7).padEnd(7, '0'));
}

function build(
  fields: readonly [number, number, number, number, number, number],
  fraction: string | undefined,
  offset: string | undefined,
): Instant | null {
  const [year, month, day, hour, minute, second] = fields;
  if (!validFields(year, month, day, hour, minute, second)) return null;
  const minutes = offsetMinutes(offset);
  if (minutes === null) return null;
  const ticks = fractionTicks(fraction);
  const ms = utcMs(year, month, day, hour, minute, second, Math.floor(ticks / 10_000)) - minutes * 60_000;
  return { ms, subTicks: ticks % 10_000 };
}

const ISO =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const US =
  /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*([AP]M)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const COMPACT = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.(\d{1,9}))?(Z|[+-]\d{4})?$/i;

/**
 * Parses the date strings Entra's date functions accept: ISO 8601 (date, optional time, optional
 * offset, also "yyyy-MM-dd-07:00" as Workday sends), Entra's own "M/d/yyyy h:mm:ss tt", and LDAP
 * generalized time "yyyyMMddHHmmss.fZ". A string without an offset is UTC. Null when unparseable.
 */
export function parseDateText(input: string): Instant | null {
  const text = input.trim();
  let m = ISO.exec(text);
  if (m) {
    const fields = [m[1], m[2], m[3], m[4], m[5], m[6]].map((v) => Number(v ?? 0));
    return build(fields as unknown as [number, number, number, number, number, number], m[7], m[8]);
  }
  m = US.exec(text);
  if (m) {
    let hour = Number(m[4] ?? 0);
    const ampm = m[8]?.toUpperCase();
    if (ampm) {
      if (hour < 1 || hour > 12) return null;
      hour = (hour % 12) + (ampm === 'PM' ? 12 : 0);
    }
    const fields = [
      Number(m[3]),
      Number(m[1]),
      Number(m[2]),
      hour,
      Number(m[5] ?? 0),
      Number(m[6] ?? 0),
    ] as const;
    return build(fields, m[7], m[9]);
  }
  m = COMPACT.exec(text);
  if (m) {
    const fields = [m[1], m[2], m[3], m[4], m[5], m[6]].map((v) => Number(v ?? 0));
    return build(fields as unknown as [number, number, number, number, number, number], m[7], m[8]);
  }
  return null;
}

/** Difference between .NET's FILETIME epoch (1601-01-01) and the Unix epoch, in milliseconds. */
export const FILETIME_EPOCH_OFFSET_MS = 11_644_473_600_000;

/** Milliseconds per day, for interval arithmetic. */
export const DAY_MS = MS_PER_DAY;
