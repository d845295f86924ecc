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

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). Integer
 * arithmetic instead of Date objects: the date functions run once per user, and Date.UTC and the
 * getUTC* methods cost ten times more.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Calendar fields of a UTC time in milliseconds since the epoch (the inverse of utcMs). */
export interface UtcFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  /** 0 = Sunday. */
  weekday: number;
}

/** Splits UTC milliseconds into calendar fields (Hinnant's civil_from_days). */
export function utcFields(ms: number): UtcFields {
  const days = Math.floor(ms / MS_PER_DAY);
  let rest = ms - days * MS_PER_DAY;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  return {
    year,
    month,
    day,
    hour,
    minute,
    second,
    ms: rest - second * 1000,
    weekday: (((days + 4) % 7) + 7) % 7,
  };
}

/** UTC milliseconds of calendar fields (any year, including 0..99, which Date.UTC would shift). */
export function utcMs(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  ms = 0,
): number {
  return (
    daysFromCivil(year, month, day) * MS_PER_DAY + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms
  );
}

/** Days in a month (1-12) of a proleptic Gregorian year. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
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
  const f = utcFields(ms);
  const h12 = f.hour % 12 === 0 ? 12 : f.hour % 12;
  return `${f.month}/${f.day}/${f.year} ${h12}:${pad(f.minute)}:${pad(f.second)} ${f.hour < 12 ? 'AM' : 'PM'}`;
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
