import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../shared/json.js';
import { isPresentValue, parseDateTime } from './filter-values.js';

const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0) =>
  Date.UTC(y, mo - 1, d, h, mi, s, ms);

describe('parseDateTime (xsd:dateTime, RFC 7643 §2.3.5)', () => {
  it('reads UTC, offsets, no zone as UTC, and fractions finer than a millisecond', () => {
    expect(parseDateTime('2011-05-13T04:42:34Z')).toBe(utc(2011, 5, 13, 4, 42, 34));
    expect(parseDateTime('2011-05-13t04:42:34z')).toBe(utc(2011, 5, 13, 4, 42, 34));
    expect(parseDateTime('2011-05-13T04:42:34')).toBe(utc(2011, 5, 13, 4, 42, 34));
    expect(parseDateTime('2011-05-13T04:42:34.123Z')).toBe(utc(2011, 5, 13, 4, 42, 34, 123));
    expect(parseDateTime('2011-05-13T04:42:34.5Z')).toBe(utc(2011, 5, 13, 4, 42, 34, 500));
    expect(parseDateTime('2011-05-13T04:42:34.0001Z')).toBeCloseTo(utc(2011, 5, 13, 4, 42, 34) + 0.1, 6);
    expect(parseDateTime('2011-05-13T06:42:34+02:00')).toBe(utc(2011, 5, 13, 4, 42, 34));
    expect(parseDateTime('2011-05-12T23:12:34-05:30')).toBe(utc(2011, 5, 13, 4, 42, 34));
    expect(parseDateTime('2011-05-13T04:42:34+00:00')).toBe(utc(2011, 5, 13, 4, 42, 34));
    expect(parseDateTime('2011-05-13T04:42:34-00:45')).toBe(utc(2011, 5, 13, 5, 27, 34));
  });

  it('keeps years outside 0000-9999 and refuses instants JavaScript cannot hold', () => {
    expect(parseDateTime('0000-01-01T00:00:00Z')).toBe(new Date('0000-01-01T00:00:00Z').getTime());
    expect(parseDateTime('0099-06-01T00:00:00Z')).toBe(new Date('0099-06-01T00:00:00Z').getTime());
    expect(parseDateTime('12345-01-01T00:00:00Z')).toBe(new Date('+012345-01-01T00:00:00Z').getTime());
    expect(parseDateTime('-0001-01-01T00:00:00Z')).toBe(new Date('-000001-01-01T00:00:00Z').getTime());
    expect(parseDateTime('300000-01-01T00:00:00Z')).toBeUndefined();
  });

  it('checks each field at its bounds', () => {
    const at = (date: string, time = '00:00:00') => parseDateTime(`${date}T${time}Z`);
    expect(at('2024-01-01')).toBe(utc(2024, 1, 1));
    expect(at('2024-12-31')).toBe(utc(2024, 12, 31));
    expect(at('2024-00-10')).toBeUndefined();
    expect(at('2024-13-10')).toBeUndefined();
    expect(at('2024-05-00')).toBeUndefined();
    for (const month of ['01', '03', '05', '07', '08', '10', '12']) {
      expect(at(`2023-${month}-31`)).toBe(utc(2023, Number(month), 31));
      expect(at(`2023-${month}-32`)).toBeUndefined();
    }
    for (const month of ['04', '06', '09', '11']) {
      expect(at(`2023-${month}-30`)).toBe(utc(2023, Number(month), 30));
      expect(at(`2023-${month}-31`)).toBeUndefined();
    }
    // Leap years: every 4th, not every 100th, but every 400th.
    expect(at('2024-02-29')).toBe(utc(2024, 2, 29));
    expect(at('2000-02-29')).toBe(utc(2000, 2, 29));
    expect(at('2023-02-29')).toBeUndefined();
    expect(at('1900-02-29')).toBeUndefined();
    expect(at('2023-02-28')).toBe(utc(2023, 2, 28));
    expect(at('2024-02-30')).toBeUndefined();
    expect(at('2024-06-01', '23:59:59')).toBe(utc(2024, 6, 1, 23, 59, 59));
    expect(at('2024-06-01', '24:00:00')).toBeUndefined();
    expect(at('2024-06-01', '12:60:00')).toBeUndefined();
    expect(at('2024-06-01', '12:00:60')).toBeUndefined();
  });

  it('accepts zone offsets up to ±14:00 with valid minutes', () => {
    expect(parseDateTime('2024-06-01T14:00:00+14:00')).toBe(utc(2024, 6, 1));
    expect(parseDateTime('2024-06-01T00:59:00+14:59')).toBe(utc(2024, 5, 31, 10, 0));
    expect(parseDateTime('2024-06-01T00:00:00-14:00')).toBe(utc(2024, 6, 1, 14));
    expect(parseDateTime('2024-06-01T00:00:00+15:00')).toBeUndefined();
    expect(parseDateTime('2024-06-01T00:00:00+01:60')).toBeUndefined();
  });

  it('refuses text that is not a whole xsd:dateTime, and bounds its length', () => {
    for (const text of [
      '',
      '2024-06-01',
      '2024-06-01T00:00',
      '2024-06-01T00:00:0',
      '2024-06-01 00:00:00Z',
      ' 2024-06-01T00:00:00Z',
      '2024-06-01T00:00:00Z ',
      '2024-06-01T00:00:00.Z',
      '2024-06-01T00:00:00+0100',
      '24-06-01T00:00:00Z',
      'x2024-06-01T00:00:00Z',
    ]) {
      expect({ text, time: parseDateTime(text) }).toEqual({ text, time: undefined });
    }
    // 19 characters is the shortest form; 64 the longest read.
    expect(parseDateTime('2024-06-01T00:00:00')).toBe(utc(2024, 6, 1));
    const withFraction = (digits: number) => `2024-06-01T00:00:00.${'0'.repeat(digits)}Z`;
    expect(withFraction(43)).toHaveLength(64);
    expect(parseDateTime(withFraction(43))).toBe(utc(2024, 6, 1));
    expect(parseDateTime(withFraction(44))).toBeUndefined();
  });
});

describe('isPresentValue (RFC 7643 §2.5)', () => {
  it('is false for unassigned, null, "", [] and {} and arrays of only those', () => {
    for (const value of [undefined, null, '', [], {}, [null, ''], [[], {}], [[null]]] as (
      JsonValue | undefined
    )[]) {
      expect({ value, present: isPresentValue(value) }).toEqual({ value, present: false });
    }
  });

  it('is true for any other value, including false, 0 and whitespace', () => {
    const present: JsonValue[] = [
      false,
      0,
      ' ',
      'x',
      [null, 'x'],
      ['', 0],
      { a: 1 },
      { a: null },
      [{}, { b: '' }],
    ];
    for (const value of present) {
      expect({ value, present: isPresentValue(value) }).toEqual({ value, present: true });
    }
  });
});
