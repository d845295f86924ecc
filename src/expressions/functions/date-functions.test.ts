import { describe, expect, it } from 'vitest';
import { builtinFunctions } from './index.js';
import { call, testContext } from './test-helper.js';

describe('CDate', () => {
  it('converts to UTC in M/d/yyyy h:mm:ss tt (documented examples)', () => {
    expect(call('CDate', ['2020-03-16-07:00'])).toBe('3/16/2020 7:00:00 AM');
    expect(call('CDate', ['2021-06-30+08:00'])).toBe('6/29/2021 4:00:00 PM');
    expect(call('CDate', ['2009-06-15T01:45:30-07:00'])).toBe('6/15/2009 8:45:30 AM');
  });
  it('reads its own output, plain ISO dates and LDAP generalized time', () => {
    expect(call('CDate', ['8/25/2021 5:41:18 PM'])).toBe('8/25/2021 5:41:18 PM');
    expect(call('CDate', ['2021-08-24'])).toBe('8/24/2021 12:00:00 AM');
    expect(call('CDate', ['2021-08-24T12:30:00.123Z'])).toBe('8/24/2021 12:30:00 PM');
    expect(call('CDate', ['20150123105347.1Z'])).toBe('1/23/2015 10:53:47 AM');
  });
  it('gives null without a value and fails on a non-date', () => {
    expect(call('CDate', [null])).toBeNull();
    expect(() => call('CDate', ['not a date'])).toThrow(/CDate: expression is not a date/);
    expect(() => call('CDate', ['2021-02-30'])).toThrow(/not a date/);
  });
});

describe('DateAdd', () => {
  const hire = call('CDate', ['2012-03-16-07:00']);
  it.each([
    ['d', 7, '3/23/2012 7:00:00 AM'],
    ['d', -10, '3/6/2012 7:00:00 AM'],
    ['ww', 2, '3/30/2012 7:00:00 AM'],
    ['m', 10, '1/16/2013 7:00:00 AM'],
    ['yyyy', 2, '3/16/2014 7:00:00 AM'],
  ])('adds %s %d (documented table)', (interval, value, expected) => {
    expect(call('DateAdd', [interval, value, hire])).toBe(expected);
  });
  it('supports the other VBA intervals', () => {
    expect(call('DateAdd', ['q', 1, hire])).toBe('6/16/2012 7:00:00 AM');
    expect(call('DateAdd', ['y', 1, hire])).toBe('3/17/2012 7:00:00 AM');
    expect(call('DateAdd', ['w', 1, hire])).toBe('3/17/2012 7:00:00 AM');
    expect(call('DateAdd', ['h', 18, hire])).toBe('3/17/2012 1:00:00 AM');
    expect(call('DateAdd', ['n', 90, hire])).toBe('3/16/2012 8:30:00 AM');
    expect(call('DateAdd', ['s', -1, hire])).toBe('3/16/2012 6:59:59 AM');
  });
  it('clamps the day when adding months, as .NET AddMonths', () => {
    expect(call('DateAdd', ['m', 1, '2021-01-31'])).toBe('2/28/2021 12:00:00 AM');
    expect(call('DateAdd', ['yyyy', 1, '2020-02-29'])).toBe('2/28/2021 12:00:00 AM');
  });
  it('rejects unknown intervals and out-of-range results', () => {
    expect(() => call('DateAdd', ['x', 1, hire])).toThrow(/interval must be one of/);
    expect(() => call('DateAdd', ['yyyy', 9000, hire])).toThrow(/outside the years/);
  });
  it('gives null without a date', () => {
    expect(call('DateAdd', ['d', 1, null])).toBeNull();
  });
});

describe('DateDiff', () => {
  it.each([
    ['d', '2021-08-18+08:00', '2021-08-31+08:00', 13],
    ['d', '8/25/2021 5:41:18 PM', '2012-03-16-07:00', -3449],
    ['ww', '8/25/2021 5:41:18 PM', '2012-03-16-07:00', -493],
    ['m', '8/25/2021 5:41:18 PM', '2012-03-16-07:00', -113],
    ['yyyy', '8/25/2021 5:41:18 PM', '2012-03-16-07:00', -9],
    ['d', '2021-08-31+08:00', '2021-08-31+08:00', 0],
    ['h', '2021-08-24', '2021-08-25', 24],
    ['n', '2021-08-24', '2021-08-25', 1440],
    ['s', '2021-08-24', '2021-08-25', 86400],
  ])('%s between %s and %s is %d (documented table)', (interval, date1, date2, expected) => {
    expect(call('DateDiff', [interval, date1, date2])).toBe(expected);
  });
  it('counts quarters and whole weeks', () => {
    expect(call('DateDiff', ['q', '2021-03-31', '2021-04-01'])).toBe(1);
    expect(call('DateDiff', ['w', '2021-08-01', '2021-08-14'])).toBe(1);
  });
  it('works with Now() from the context', () => {
    const ctx = testContext({ now: '2021-08-20T00:00:00Z' });
    expect(call('DateDiff', ['d', call('Now', [], ctx), '2021-08-31'])).toBe(11);
  });
});

describe('DateFromNum and NumFromDate', () => {
  it('converts an AD date (documented example)', () => {
    expect(call('DateFromNum', [129699324000000000])).toBe('1/1/2012 11:00:00 PM');
    expect(call('DateFromNum', ['129699324000000000'])).toBe('1/1/2012 11:00:00 PM');
  });
  it('treats 0 and the maximum as "never"', () => {
    expect(call('DateFromNum', [0])).toBeNull();
    expect(call('DateFromNum', ['9223372036854775807'])).toBeNull();
    expect(call('DateFromNum', [null])).toBeNull();
  });
  it('rejects non-integers', () => {
    expect(() => call('DateFromNum', ['abc'])).toThrow(/integer/);
  });
  it('NumFromDate is the inverse (documented Workday form)', () => {
    expect(call('NumFromDate', ['2012-01-01T23:00:00Z'])).toBe(129699324000000000);
    expect(call('NumFromDate', ['2020-12-31 23:59:59-08:00'])).toBe(132539615990000000);
    expect(call('DateFromNum', [call('NumFromDate', ['2020-12-31 23:59:59-08:00'])])).toBe(
      '1/1/2021 7:59:59 AM',
    );
  });
});

describe('Now', () => {
  it('formats the context clock in Entra format', () => {
    expect(call('Now', [], testContext({ now: '2021-07-02T15:33:38Z' }))).toBe('7/2/2021 3:33:38 PM');
    expect(call('Now', [], testContext({ now: '2021-07-02T00:05:09Z' }))).toBe('7/2/2021 12:05:09 AM');
  });
});

describe('save-time checks', () => {
  it('reports an unknown literal interval for DateAdd and DateDiff', () => {
    for (const name of ['dateadd', 'datediff']) {
      const check = builtinFunctions.get(name)!.checkLiterals!;
      expect(check(['fortnight', 1, undefined])[0]?.message).toMatch(/interval must be one of/);
      expect(check(['WW', 1, undefined])).toEqual([]);
      expect(check([undefined, 1, undefined])).toEqual([]);
    }
  });
});
