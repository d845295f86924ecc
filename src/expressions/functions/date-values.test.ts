import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatEntraDate, parseDateText, utcFields, utcMs } from './date-values.js';

const YEAR_1 = -62_135_596_800_000; // 0001-01-01T00:00:00Z
const YEAR_9999_END = 253_402_300_799_999;

describe('calendar arithmetic', () => {
  it('agrees with Date for every millisecond in years 1 to 9999 (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: YEAR_1, max: YEAR_9999_END }), (ms) => {
        const d = new Date(ms);
        const f = utcFields(ms);
        return (
          f.year === d.getUTCFullYear() &&
          f.month === d.getUTCMonth() + 1 &&
          f.day === d.getUTCDate() &&
          f.hour === d.getUTCHours() &&
          f.minute === d.getUTCMinutes() &&
          f.second === d.getUTCSeconds() &&
          f.ms === d.getUTCMilliseconds() &&
          f.weekday === d.getUTCDay() &&
          utcMs(f.year, f.month, f.day, f.hour, f.minute, f.second, f.ms) === ms
        );
      }),
      { numRuns: 2000 },
    );
  });
  it('handles years below 100 literally', () => {
    expect(utcMs(1, 1, 1)).toBe(YEAR_1);
    expect(formatEntraDate(utcMs(99, 12, 31, 23, 59, 59))).toBe('12/31/99 11:59:59 PM');
  });
});

describe('parseDateText', () => {
  it('reads the accepted forms', () => {
    expect(parseDateText('2020-03-16-07:00')?.ms).toBe(Date.UTC(2020, 2, 16, 7));
    expect(parseDateText('3/16/2020 7:00:00 AM')?.ms).toBe(Date.UTC(2020, 2, 16, 7));
    expect(parseDateText('3/16/2020 12:00:00 AM')?.ms).toBe(Date.UTC(2020, 2, 16, 0));
    expect(parseDateText('20150123105347.1Z')).toEqual({
      ms: Date.UTC(2015, 0, 23, 10, 53, 47, 100),
      subTicks: 0,
    });
    expect(parseDateText('2015-01-23T10:53:47.1234567Z')).toEqual({
      ms: Date.UTC(2015, 0, 23, 10, 53, 47, 123),
      subTicks: 4567,
    });
  });
  it('rejects impossible dates and garbage', () => {
    for (const text of [
      '2021-13-01',
      '2021-02-29',
      '13/1/2021',
      '3/16/2020 13:00:00 PM',
      'yesterday',
      '2021-01-01+25:00',
    ]) {
      expect(parseDateText(text), text).toBeNull();
    }
  });
});
