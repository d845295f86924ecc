/**
 * Value semantics shared by the filter evaluator and checker: presence (RFC 7643 §2.5) and
 * chronological dateTime comparison (RFC 7643 §2.3.5, xsd:dateTime; RFC 7644 §3.4.2.2).
 */
import type { JsonValue } from '../../shared/json.js';

/**
 * RFC 7643 §2.5: unassigned, null, "" and [] are equivalent in state, so `pr` is false for them;
 * `{}` (a complex value with no sub-attribute) counts as unassigned too. An array is present when
 * one of its values is.
 */
export function isPresentValue(value: JsonValue | undefined): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (typeof value !== 'object') return true;
  if (Array.isArray(value)) {
    for (const element of value) if (isPresentValue(element)) return true;
    return false;
  }
  for (const key in value) if (Object.hasOwn(value, key)) return true;
  return false;
}

const DATE_TIME = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/i;

/**
 * Milliseconds since the epoch of an xsd:dateTime such as `2011-05-13T04:42:34Z` or
 * `2011-05-13T06:42:34.123+02:00`; undefined when `text` is not one. A value without a zone is
 * read as UTC so results never depend on the host's time zone. Fractions finer than a millisecond
 * are kept as a fractional part so ordering stays exact.
 */
export function parseDateTime(text: string): number | undefined {
  if (text.length < 19 || text.length > 64) return undefined;
  const match = DATE_TIME.exec(text);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  let millis = date.getTime();
  if (Number.isNaN(millis)) return undefined;
  if (fraction !== undefined) millis += Number(`0${fraction}`) * 1000;
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const zoneHours = Number(zone.slice(1, 3));
    const zoneMinutes = Number(zone.slice(4, 6));
    if (zoneHours > 14 || zoneMinutes > 59) return undefined;
    millis -= sign * (zoneHours * 60 + zoneMinutes) * 60_000;
  }
  return millis;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
