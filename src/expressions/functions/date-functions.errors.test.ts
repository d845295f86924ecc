/** How the date functions read their arguments at the edges, and what their errors say. */
import { describe, expect, it } from 'vitest';
import { builtinFunctions } from './index.js';
import { call } from './test-helper.js';

const errorOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error('expected an error');
};

describe('intervals', () => {
  it('reads an interval trimmed and in any case, at run time and at save time', () => {
    expect(call('DateAdd', [' D ', 1, '2021-08-24'])).toBe('8/25/2021 12:00:00 AM');
    expect(call('DateAdd', ['YYYY', 1, '2021-08-24'])).toBe('8/24/2022 12:00:00 AM');
    expect(call('DateDiff', [' WW', '2021-08-01', '2021-08-15'])).toBe(2);
    const check = builtinFunctions.get('dateadd')!.checkLiterals!;
    expect(check([' ww ', 1, undefined])).toEqual([]);
    expect(check(['fortnight', 1, undefined])).toEqual([
      {
        argumentIndex: 0,
        message: 'interval must be one of yyyy, q, m, y, d, w, ww, h, n, s; got "fortnight"',
      },
    ]);
  });

  it('refuses a missing interval, naming the function', () => {
    expect(errorOf(() => call('DateAdd', [null, 1, '2021-08-24']))).toBe(
      'DateAdd: interval must be one of yyyy, q, m, y, d, w, ww, h, n, s; got null',
    );
    expect(errorOf(() => call('DateDiff', [undefined, '2021-08-24', '2021-08-25']))).toBe(
      'DateDiff: interval must be one of yyyy, q, m, y, d, w, ww, h, n, s; got nothing',
    );
  });
});

describe('argument errors name the function and the parameter', () => {
  it.each([
    [() => call('DateAdd', ['d', 'soon', '2021-08-24']), 'DateAdd: value must be a number, got "soon"'],
    [() => call('DateAdd', ['d', 1, 'later']), 'DateAdd: dateTime is not a date: "later"'],
    [() => call('DateDiff', ['d', 'x', '2021-08-24']), 'DateDiff: date1 is not a date: "x"'],
    [() => call('DateDiff', ['d', '2021-08-24', 'y']), 'DateDiff: date2 is not a date: "y"'],
    [() => call('NumFromDate', ['z']), 'NumFromDate: value is not a date: "z"'],
    [() => call('DateFromNum', ['1.5']), 'DateFromNum: value must be an integer, got "1.5"'],
    [() => call('DateFromNum', [-1]), 'DateFromNum: value -1 is outside the years 1601 to 9999'],
    [
      () => call('DateFromNum', ['2650467744000000000']),
      'DateFromNum: value 2650467744000000000 is outside the years 1601 to 9999',
    ],
    [() => call('DateAdd', ['d', -1, '0001-01-01']), 'DateAdd: the result is outside the years 1 to 9999'],
  ])('%#', (run, message) => {
    expect(errorOf(run)).toBe(message);
  });

  it('gives no value for a blank date or amount rather than an error', () => {
    expect(call('DateAdd', ['d', null, '2021-08-24'])).toBeNull();
    expect(call('DateAdd', ['d', 1, '  '])).toBeNull();
    expect(call('DateDiff', ['d', '2021-08-24', null])).toBeNull();
    expect(call('DateDiff', ['d', null, '2021-08-24'])).toBeNull();
    expect(call('NumFromDate', [''])).toBeNull();
    expect(call('CDate', ['  '])).toBeNull();
    expect(call('NumFromDate', [' \t '])).toBeNull();
    expect(call('DateFromNum', ['  '])).toBeNull();
  });

  it('accepts the last instant of 9999 and the first tick of 1601', () => {
    expect(call('DateFromNum', ['2650467743999990000'])).toBe('12/31/9999 11:59:59 PM');
    expect(call('DateFromNum', [1])).toBe('1/1/1601 12:00:00 AM');
    expect(call('DateAdd', ['s', 1, '9999-12-31T23:59:58Z'])).toBe('12/31/9999 11:59:59 PM');
  });
});

describe('FormatDateTime arguments', () => {
  it('requires both formats', () => {
    expect(errorOf(() => call('FormatDateTime', ['2021-01-01', undefined, null, 'yyyy']))).toBe(
      'FormatDateTime: inputFormat and outputFormat are required',
    );
    expect(errorOf(() => call('FormatDateTime', ['2021-01-01', undefined, 'yyyy-MM-dd', undefined]))).toBe(
      'FormatDateTime: inputFormat and outputFormat are required',
    );
  });

  it('reports a format that does not compile as its own error', () => {
    expect(errorOf(() => call('FormatDateTime', ['2021', undefined, "yyyy'x", 'yyyy']))).toMatch(
      /^FormatDateTime: .*unterminated quoted text/,
    );
    expect(errorOf(() => call('FormatDateTime', ['2021', undefined, 'yyyy', 'ffffffff']))).toMatch(
      /^FormatDateTime: .*at most 7/,
    );
  });

  it('reads dateTimeStyles as a list of names, with or without the DateTimeStyles. prefix', () => {
    const styles = 'DateTimeStyles.AllowLeadingWhite | AdjustToUniversal, none';
    expect(call('FormatDateTime', ['2021-01-02', styles, 'yyyy-MM-dd', 'dd.MM.yyyy'])).toBe('02.01.2021');
    // Empty entries of the list (a trailing separator) are skipped.
    expect(call('FormatDateTime', ['2021-01-02', 'None, |', 'yyyy-MM-dd', 'yyyy'])).toBe('2021');
    expect(
      errorOf(() => call('FormatDateTime', ['2021-01-02', 'None, Sideways ', 'yyyy-MM-dd', 'yyyy'])),
    ).toBe('FormatDateTime: unknown dateTimeStyles value "Sideways"');
    expect(
      errorOf(() => call('FormatDateTime', ['2021-01-02', 'xDateTimeStyles.None', 'yyyy-MM-dd', 'yyyy'])),
    ).toBe('FormatDateTime: unknown dateTimeStyles value "xDateTimeStyles.None"');
  });

  it('says which source does not match which format', () => {
    expect(errorOf(() => call('FormatDateTime', ['2021/01/01', undefined, 'yyyy-MM-dd', 'yyyy']))).toBe(
      'FormatDateTime: source "2021/01/01" does not match inputFormat "yyyy-MM-dd"',
    );
  });

  it('takes DateTimeStyles. only as a prefix', () => {
    expect(
      errorOf(() => call('FormatDateTime', ['2021-01-02', 'NoneDateTimeStyles.', 'yyyy-MM-dd', 'yyyy'])),
    ).toBe('FormatDateTime: unknown dateTimeStyles value "NoneDateTimeStyles."');
  });

  it('reads a blank source as no value and blank zones as UTC', () => {
    expect(call('FormatDateTime', ['  ', undefined, 'yyyy-MM-dd', 'yyyy'])).toBeNull();
    expect(call('FormatDateTime', ['2021-01-02 10:00', ' ', 'yyyy-MM-dd HH:mm', 'HH:mm', ' ', ''])).toBe(
      '10:00',
    );
  });

  it('names the zone parameter that is unknown', () => {
    expect(
      errorOf(() => call('FormatDateTime', ['2021-01-02', undefined, 'yyyy-MM-dd', 'yyyy', 'Nowhere'])),
    ).toBe('FormatDateTime: inputTimeZone "Nowhere" is not a known time zone');
    expect(
      errorOf(() =>
        call('FormatDateTime', ['2021-01-02', undefined, 'yyyy-MM-dd', 'yyyy', undefined, 'Nowhere']),
      ),
    ).toBe('FormatDateTime: outputTimeZone "Nowhere" is not a known time zone');
  });

  it('checks literal styles, formats and zones at save time, each at its argument', () => {
    const check = builtinFunctions.get('formatdatetime')!.checkLiterals!;
    expect(
      check(['x', 'Sideways', "yyyy'", 'ffffffff', 'Nowhere', 'Elsewhere']).map((p) => p.argumentIndex),
    ).toEqual([1, 2, 3, 4, 5]);
    expect(check(['x', 'Sideways', undefined, undefined, undefined, undefined])).toEqual([
      { argumentIndex: 1, message: 'unknown dateTimeStyles value "Sideways"' },
    ]);
    expect(check(['x', undefined, 'yyyy', 'yyyy', 'Nowhere', ' '])).toEqual([
      { argumentIndex: 4, message: '"Nowhere" is not a known time zone' },
    ]);
    expect(check(['x', ' ', 'yyyy', 'yyyy', 'UTC', undefined])).toEqual([]);
  });
});

describe('DateDiff and DateFromNum at the edges', () => {
  it('counts quarters and months by calendar, weekdays by elapsed weeks and ww by Sundays', () => {
    expect(call('DateDiff', ['q', '2021-01-15', '2021-12-15'])).toBe(3);
    expect(call('DateDiff', ['m', '2021-01-15', '2021-12-15'])).toBe(11);
    expect(call('DateDiff', ['q', '2020-11-01', '2021-02-01'])).toBe(1);
    // Wednesday to the next Monday: five days, no whole week, but one Sunday boundary.
    expect(call('DateDiff', ['w', '2021-08-04', '2021-08-09'])).toBe(0);
    expect(call('DateDiff', ['ww', '2021-08-04', '2021-08-09'])).toBe(1);
    expect(call('DateDiff', ['ww', '2021-08-09', '2021-08-04'])).toBe(-1);
  });

  it('gives 0, not -0, for less than one unit backwards', () => {
    expect(call('DateDiff', ['h', '2021-08-24T01:00:00Z', '2021-08-24T00:30:00Z'])).toBe(0);
    expect(call('DateDiff', ['d', '2021-08-24T12:00:00Z', '2021-08-24T00:00:00Z'])).toBe(0);
  });

  it('accepts the very last millisecond of 9999 as a DateAdd result', () => {
    expect(call('DateAdd', ['s', 0, '9999-12-31T23:59:59.999Z'])).toBe('12/31/9999 11:59:59 PM');
    expect(() => call('DateAdd', ['s', 0, '0001-01-01T00:00:00Z'])).not.toThrow();
  });

  it('truncates a fractional number of ticks, and keeps the ticks below a millisecond', () => {
    expect(call('DateFromNum', [10_000.5])).toBe('1/1/1601 12:00:00 AM');
    // 64 µs = 640 ticks (a multiple of 16, so the double holds the sum exactly).
    expect(call('NumFromDate', ['2012-01-01T23:00:00.0000640Z'])).toBe(129699324000000640);
  });
});

describe('FormatDateTime dateTimeStyles names', () => {
  it("accepts every name of .NET's DateTimeStyles", () => {
    for (const style of [
      'None',
      'AllowLeadingWhite',
      'AllowTrailingWhite',
      'AllowInnerWhite',
      'AllowWhiteSpaces',
      'NoCurrentDateDefault',
      'AdjustToUniversal',
      'AssumeLocal',
      'AssumeUniversal',
      'RoundtripKind',
    ]) {
      expect(
        call('FormatDateTime', ['2021-01-02', `DateTimeStyles.${style}`, 'yyyy-MM-dd', 'yyyy']),
        style,
      ).toBe('2021');
    }
  });
});
