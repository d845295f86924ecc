import { describe, expect, it } from 'vitest';
import { daysInMonth, formatEntraDate, parseDateText, utcFields, utcMs, validFields } from './date-values.js';

/** The UTC milliseconds parseDateText reads from `text`, or null. */
function msOf(text: string): number | null {
  return parseDateText(text)?.ms ?? null;
}

describe('calendar rules at their edges', () => {
  it('gives each month its days, February 29 only in leap years', () => {
    const common = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    const leap = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    expect(common.map((_, i) => daysInMonth(2023, i + 1))).toEqual(common);
    expect(leap.map((_, i) => daysInMonth(2024, i + 1))).toEqual(leap);
    expect(daysInMonth(1900, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
    expect(daysInMonth(2100, 2)).toBe(28);
    expect(daysInMonth(1600, 2)).toBe(29);
  });

  it('accepts each field at its bounds and refuses it one past them', () => {
    expect(validFields(1, 1, 1, 0, 0, 0)).toBe(true);
    expect(validFields(9999, 12, 31, 23, 59, 59)).toBe(true);
    const valid = [2021, 6, 15, 12, 30, 30] as const;
    const pastBounds: [number, number][] = [
      [0, 0],
      [0, 10000],
      [1, 0],
      [1, 13],
      [2, 0],
      [2, 31],
      [3, -1],
      [3, 24],
      [4, -1],
      [4, 60],
      [5, -1],
      [5, 60],
    ];
    for (const [index, value] of pastBounds) {
      const fields = [...valid] as [number, number, number, number, number, number];
      fields[index] = value;
      expect(validFields(...fields), `field ${index} = ${value}`).toBe(false);
    }
  });

  it('splits the last day of a 400-year cycle back into its date', () => {
    const fields = utcFields(utcMs(2000, 2, 29, 13, 14, 15, 16));
    expect([
      fields.year,
      fields.month,
      fields.day,
      fields.hour,
      fields.minute,
      fields.second,
      fields.ms,
    ]).toEqual([2000, 2, 29, 13, 14, 15, 16]);
    expect(utcFields(utcMs(2000, 3, 1, 0, 0, 0, 0)).month).toBe(3);
  });
});

describe("Entra's date format at its edges", () => {
  it('writes midnight and noon as 12, with AM and PM', () => {
    expect(formatEntraDate(utcMs(2021, 1, 2, 0, 5, 6, 0))).toBe('1/2/2021 12:05:06 AM');
    expect(formatEntraDate(utcMs(2021, 1, 2, 11, 5, 6, 0))).toBe('1/2/2021 11:05:06 AM');
    expect(formatEntraDate(utcMs(2021, 1, 2, 12, 5, 6, 0))).toBe('1/2/2021 12:05:06 PM');
    expect(formatEntraDate(utcMs(2021, 1, 2, 13, 5, 6, 0))).toBe('1/2/2021 1:05:06 PM');
  });
});

describe('parseDateText at its edges', () => {
  const base = Date.UTC(2021, 0, 1);

  it('reads the offset forms: z in lower case, hours alone, with and without the colon', () => {
    expect(msOf('2021-01-01T00:00:00z')).toBe(base);
    expect(msOf('2021-01-01T00:00:00+05')).toBe(base - 5 * 3_600_000);
    expect(msOf('2021-01-01T00:00:00+0530')).toBe(base - 330 * 60_000);
    expect(msOf('2021-01-01T00:00:00+05:30')).toBe(base - 330 * 60_000);
    expect(msOf('2021-01-01T00:00:00-05:30')).toBe(base + 330 * 60_000);
  });

  it('accepts offsets up to 14 hours and 59 minutes, no further', () => {
    expect(msOf('2021-01-01T00:00:00+14:00')).toBe(base - 14 * 3_600_000);
    expect(msOf('2021-01-01T00:00:00+15:00')).toBeNull();
    expect(msOf('2021-01-01T00:00:00+05:59')).toBe(base - 359 * 60_000);
    expect(msOf('2021-01-01T00:00:00+05:60')).toBeNull();
  });

  it('keeps seven digits of a fraction, as .NET ticks, and drops the rest', () => {
    expect(parseDateText('2021-01-01T00:00:00.123456789Z')).toEqual({ ms: base + 123, subTicks: 4567 });
  });

  it('reads text with blanks around it', () => {
    expect(msOf('  2021-01-01  ')).toBe(base);
  });

  it('reads a US time without AM/PM as 24-hour, and refuses hours 0 and 13 with AM/PM', () => {
    expect(msOf('1/2/2021 0:30')).toBe(Date.UTC(2021, 0, 2, 0, 30));
    expect(msOf('1/2/2021 13:05')).toBe(Date.UTC(2021, 0, 2, 13, 5));
    expect(msOf('1/2/2021 12:30 AM')).toBe(Date.UTC(2021, 0, 2, 0, 30));
    expect(msOf('1/2/2021 1:30 AM')).toBe(Date.UTC(2021, 0, 2, 1, 30));
    expect(msOf('1/2/2021 0:30 AM')).toBeNull();
    expect(msOf('1/2/2021 13:30 PM')).toBeNull();
  });
});

describe('the three date forms, part by part', () => {
  const at = (h = 0, mi = 0, s = 0, ms = 0) => Date.UTC(2021, 0, 2, h, mi, s, ms);

  it('ISO 8601: the date alone, each optional part, a comma before the fraction', () => {
    const cases: [string, number][] = [
      ['2021-01-02', at()],
      ['2021-1-2', at()],
      ['2021-01-02T10:20', at(10, 20)],
      ['2021-01-02 10:20:30', at(10, 20, 30)],
      ['2021-01-02T10:20:30.5', at(10, 20, 30, 500)],
      ['2021-01-02T10:20:30,25', at(10, 20, 30, 250)],
      ['2021-01-02T10:20:30.123456789', at(10, 20, 30, 123)],
      ['2021-01-02T10:20:30 Z', at(10, 20, 30)],
      ['2021-01-02-07:00', at(7)],
      ['2021-01-02T10:20+0100', at(9, 20)],
    ];
    for (const [text, ms] of cases) expect(msOf(text), text).toBe(ms);
  });

  it("Entra's US form: one- and two-digit month and day, each optional part, AM/PM and an offset", () => {
    const cases: [string, number][] = [
      ['1/2/2021', at()],
      ['01/02/2021', at()],
      ['12/2/2021', Date.UTC(2021, 11, 2)],
      ['1/12/2021', Date.UTC(2021, 0, 12)],
      ['1/2/2021 10:20', at(10, 20)],
      ['1/2/2021  10:20:30', at(10, 20, 30)],
      ['1/2/2021 10:20:30.123456', at(10, 20, 30, 123)],
      ['1/2/2021 10:20:30 PM', at(22, 20, 30)],
      ['1/2/2021 10:20:30PM', at(22, 20, 30)],
      ['1/2/2021 10:20 am', at(10, 20)],
      ['1/2/2021 10:20:30 PM +01:00', at(21, 20, 30)],
      ['1/2/2021 10:20:30 -0130', at(11, 50, 30)],
      ['1/2/2021 10:20:30Z', at(10, 20, 30)],
    ];
    for (const [text, ms] of cases) expect(msOf(text), text).toBe(ms);
  });

  it('LDAP generalized time: with and without seconds, fraction and zone', () => {
    const cases: [string, number][] = [
      ['202101021020', at(10, 20)],
      ['20210102102030', at(10, 20, 30)],
      ['20210102102030Z', at(10, 20, 30)],
      ['20210102102030.5Z', at(10, 20, 30, 500)],
      ['20210102102030.123z', at(10, 20, 30, 123)],
      ['202101021020Z', at(10, 20)],
      ['20210102102030+0130', at(8, 50, 30)],
      ['20210102102030-0100', at(11, 20, 30)],
    ];
    for (const [text, ms] of cases) expect(msOf(text), text).toBe(ms);
  });

  it('refuses anything before or after a form, and parts of the wrong length', () => {
    for (const text of [
      'x2021-01-02',
      '2021-01-02x',
      '2021-01-02T10:20:30+05:30x',
      'x1/2/2021',
      '1/2/2021 x',
      '1/2/2021 10:20 XM',
      '123/2/2021',
      '1/2/2021 10:2',
      '1/2/2021 10:20:3',
      '1/2/2021 10:20 +5:00',
      'x20210102102030',
      '20210102102030x',
      '20210102102030+05',
      '20210102102030.Z',
      '2021010210203',
    ]) {
      expect(parseDateText(text), text).toBeNull();
    }
  });
});
