import { describe, expect, it } from 'vitest';
import { builtinFunctions } from './index.js';
import { tokenizeDateFormat } from './format-date-time.js';
import { call } from './test-helper.js';

const fmt = (source: string, input: string, output: string, inZone?: string, outZone?: string) =>
  call('FormatDateTime', [source, undefined, input, output, inZone, outZone]);

describe('tokenizeDateFormat', () => {
  it('splits fields, quoted text, escapes and separators', () => {
    expect(tokenizeDateFormat("yyyy-MM-dd'T'HH\\h%d")).toEqual([
      { kind: 'field', letter: 'y', count: 4 },
      { kind: 'literal', text: '-' },
      { kind: 'field', letter: 'M', count: 2 },
      { kind: 'literal', text: '-' },
      { kind: 'field', letter: 'd', count: 2 },
      { kind: 'literal', text: 'T' },
      { kind: 'field', letter: 'H', count: 2 },
      { kind: 'literal', text: 'h' },
      { kind: 'field', letter: 'd', count: 1 },
    ]);
  });
  it('reports unterminated quotes and too many fraction digits', () => {
    expect(() => tokenizeDateFormat("yyyy'abc")).toThrow(/unterminated quoted text/);
    expect(() => tokenizeDateFormat('ffffffff')).toThrow(/at most 7/);
  });
});

describe('FormatDateTime', () => {
  it('converts between formats (documented example)', () => {
    expect(call('FormatDateTime', ['20150123105347.1Z', undefined, 'yyyyMMddHHmmss.fZ', 'yyyy-MM-dd'])).toBe(
      '2015-01-23',
    );
  });
  it('reads Workday offsets and SuccessFactors 12-hour times (documented NumFromDate examples)', () => {
    expect(fmt('2020-12-31-08:00', 'yyyy-MM-ddzzz', 'yyyy-MM-dd')).toBe('2020-12-31');
    expect(fmt('12/31/2020 11:30:00 PM', 'M/d/yyyy hh:mm:ss tt', 'yyyy-MM-dd HH:mm')).toBe(
      '2020-12-31 23:30',
    );
  });
  it('converts an input with an offset to UTC', () => {
    expect(fmt('2021-06-30T01:00:00+08:00', "yyyy-MM-dd'T'HH:mm:sszzz", 'yyyy-MM-dd HH:mm K')).toBe(
      '2021-06-29 17:00 Z',
    );
  });
  it('prints every field kind', () => {
    const out = fmt(
      '2009-06-15 13:45:30.6170000',
      'yyyy-MM-dd HH:mm:ss.fffffff',
      'dddd ddd d dd MMMM MMM M MM yy y h hh H t tt fff FFFF zzz',
    );
    expect(out).toBe('Monday Mon 15 15 June Jun 6 06 09 9 1 01 13 P PM 617 617 +00:00');
  });
  it('drops the point before an empty F field, as .NET does', () => {
    expect(fmt('2009-06-15 13:45:30', 'yyyy-MM-dd HH:mm:ss', 'HH:mm:ss.FFF')).toBe('13:45:30');
  });
  it('parses month names and two-digit years', () => {
    expect(fmt('15 Jun 09', 'dd MMM yy', 'yyyy-MM-dd')).toBe('2009-06-15');
    expect(fmt('15 June 1999', 'd MMMM yyyy', 'yyyy-MM-dd')).toBe('1999-06-15');
    expect(fmt('1/2/75', 'M/d/yy', 'yyyy')).toBe('1975');
  });
  it('supports standard one-letter formats', () => {
    expect(fmt('2009-06-15T13:45:30', 's', 'o')).toBe('2009-06-15T13:45:30.0000000Z');
  });
  it('applies input and output time zones (fixed offsets, IANA, Windows ids)', () => {
    expect(fmt('2021-01-15 09:00', 'yyyy-MM-dd HH:mm', 'HH:mm', '+05:30')).toBe('03:30');
    expect(fmt('2021-07-01 12:00', 'yyyy-MM-dd HH:mm', 'HH:mm zzz', undefined, 'Europe/Amsterdam')).toBe(
      '14:00 +02:00',
    );
    expect(fmt('2021-01-01 12:00', 'yyyy-MM-dd HH:mm', 'HH:mm zzz', undefined, 'Europe/Amsterdam')).toBe(
      '13:00 +01:00',
    );
    expect(fmt('2021-07-01 12:00', 'yyyy-MM-dd HH:mm', 'HH:mm', 'Pacific Standard Time')).toBe('19:00');
    expect(
      fmt('2021-07-01 12:00', 'yyyy-MM-dd HH:mm', 'yyyy-MM-dd HH:mm', 'America/New_York', 'Asia/Tokyo'),
    ).toBe('2021-07-02 01:00');
  });
  it('fails clearly on a mismatch, an unknown zone or unknown styles', () => {
    expect(() => fmt('2021/01/01', 'yyyy-MM-dd', 'yyyy')).toThrow(/does not match inputFormat "yyyy-MM-dd"/);
    expect(() => fmt('2021-01-01', 'yyyy-MM-dd', 'yyyy', 'Mars/Olympus')).toThrow(/not a known time zone/);
    expect(() => call('FormatDateTime', ['2021-01-01', 'Sideways', 'yyyy-MM-dd', 'yyyy'])).toThrow(
      /dateTimeStyles/,
    );
    expect(
      call('FormatDateTime', ['2021-01-01', 'AdjustToUniversal, AssumeUniversal', 'yyyy-MM-dd', 'yyyy']),
    ).toBe('2021');
  });
  it('gives null without a value', () => {
    expect(fmt(null as unknown as string, 'yyyy', 'yyyy')).toBeNull();
  });
  it('reports bad literal formats and zones at save time', () => {
    const check = builtinFunctions.get('formatdatetime')!.checkLiterals!;
    expect(
      check(['x', 'Nope', "yyyy'", 'yyyy', 'Nowhere/Zone', undefined]).map((p) => p.argumentIndex),
    ).toEqual([1, 2, 4]);
    expect(check([undefined, undefined, 'yyyy', 'yyyy-MM-dd', 'UTC', '+01:00'])).toEqual([]);
  });
});
