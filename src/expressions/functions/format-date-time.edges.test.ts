import { describe, expect, it } from 'vitest';
import { utcMs } from './date-values.js';
import {
  DateFormatError,
  fieldsAt,
  formatFields,
  formatTokens,
  tokenizeDateFormat,
} from './format-date-time.js';

const at = (ms: number, subTicks = 0) => ({ ms, subTicks });
const format = (pattern: string, ms: number, offset = 0, subTicks = 0) =>
  formatTokens(tokenizeDateFormat(pattern), at(ms, subTicks), offset);

/** The DateFormatError a format fails with, as its message. */
function formatError(pattern: string): string {
  try {
    tokenizeDateFormat(pattern);
  } catch (error) {
    expect(error).toBeInstanceOf(DateFormatError);
    return (error as Error).message;
  }
  throw new Error(`expected ${pattern} to fail`);
}

describe('tokenizeDateFormat at its edges', () => {
  it('joins neighbouring literal pieces into one token', () => {
    expect(tokenizeDateFormat("HH' h'\\m-")).toEqual([
      { kind: 'field', letter: 'H', count: 2 },
      { kind: 'literal', text: ' hm-' },
    ]);
    expect(tokenizeDateFormat('\'a\'"b"')).toEqual([{ kind: 'literal', text: 'ab' }]);
  });

  it('quotes with double quotes as with single ones', () => {
    expect(tokenizeDateFormat('"at" HH')).toEqual([
      { kind: 'literal', text: 'at ' },
      { kind: 'field', letter: 'H', count: 2 },
    ]);
  });

  it('names the position of an unterminated quote and a lone backslash at the end', () => {
    expect(formatError("yyyy 'abc")).toBe('unterminated quoted text at position 6 of format "yyyy \'abc"');
    expect(formatError('HH\\')).toBe('format "HH\\" ends with a lone backslash');
  });

  it('takes % before one field letter, and nothing else', () => {
    expect(tokenizeDateFormat('%d')).toEqual([{ kind: 'field', letter: 'd', count: 1 }]);
    expect(formatError('HH%')).toBe('"%" must be followed by a format specifier in "HH%"');
    expect(formatError('%x')).toBe('"%" must be followed by a format specifier in "%x"');
  });

  it('refuses more than seven fraction digits, and caps other repeated letters', () => {
    expect(formatError('ffffffff')).toBe('"ffffffff" in format "ffffffff": at most 7 fraction digits');
    expect(formatError('ss.FFFFFFFF')).toBe('"FFFFFFFF" in format "ss.FFFFFFFF": at most 7 fraction digits');
    expect(tokenizeDateFormat('ddddd')).toEqual([{ kind: 'field', letter: 'd', count: 4 }]);
    expect(tokenizeDateFormat('yyyyyy')).toEqual([{ kind: 'field', letter: 'y', count: 6 }]);
  });
});

describe('formatting at its edges', () => {
  const jan2 = Date.UTC(2021, 0, 2, 10, 20, 30, 123);

  it('pads every width: years below 1000, all seven fraction digits', () => {
    expect(format('yyyy', utcMs(5, 1, 1, 0, 0, 0, 0))).toBe('0005');
    expect(format('yyyyy', jan2)).toBe('02021');
    expect(format('fffffff', Date.UTC(2021, 0, 2, 0, 0, 0, 0), 0, 1234)).toBe('0001234');
    expect(format('fffffff', jan2, 0, 4567)).toBe('1234567');
  });

  it('writes offsets with their sign: z as hours, zz as two digits, zzz with minutes', () => {
    expect(format('z|zz|zzz', jan2, -330)).toBe('-5|-05|-05:30');
    expect(format('z|zz|zzz', jan2, 330)).toBe('+5|+05|+05:30');
    expect(format('K', jan2, 60)).toBe('+01:00');
    expect(format('K', jan2, 0)).toBe('Z');
  });

  it('writes A for a morning with t, and the era as A.D.', () => {
    expect(format('h t', Date.UTC(2021, 0, 2, 9))).toBe('9 A');
    expect(format('h t', Date.UTC(2021, 0, 2, 21))).toBe('9 P');
    expect(format('h tt', Date.UTC(2021, 0, 2, 12))).toBe('12 PM');
    expect(format('yyyy g', jan2)).toBe('2021 A.D.');
  });

  it('keeps the milliseconds and the ticks below them as the fields ticks', () => {
    expect(fieldsAt(at(jan2, 4567), 0).ticks).toBe(1_234_567);
    expect(formatFields(tokenizeDateFormat('ss.fffffff'), fieldsAt(at(jan2, 4567), 0), 0)).toBe('30.1234567');
  });
});

describe('formatting, field by field', () => {
  const day = (h: number, mi = 5, s = 7) => Date.UTC(2021, 0, 2, h, mi, s);

  it('writes the 12-hour clock with 12 for midnight and noon', () => {
    expect([0, 1, 11, 12, 13, 23].map((h) => format('h|hh', day(h)))).toEqual([
      '12|12',
      '1|01',
      '11|11',
      '12|12',
      '1|01',
      '11|11',
    ]);
  });

  it('writes H, m and s without padding and HH, mm and ss with it', () => {
    expect(format('H:m:s', day(9))).toBe('9:5:7');
    expect(format('HH:mm:ss', day(9))).toBe('09:05:07');
    expect(format('MM/dd', Date.UTC(2021, 9, 10))).toBe('10/10');
  });

  it('writes F digits up to the count, without trailing zeros, and drops a point before none', () => {
    const noon = Date.UTC(2021, 0, 2, 12, 0, 30);
    expect(format('ss.FFF', noon, 0, 0)).toBe('30');
    expect(format('ss FFF', noon, 0, 0)).toBe('30 ');
    expect(format('ss.FFF', noon + 120)).toBe('30.12');
    expect(format('ss.FFF', noon + 102)).toBe('30.102');
    expect(format('ss.FFF', noon + 123, 0, 4567)).toBe('30.123');
  });

  it('names every month and every day of the week', () => {
    const months = Array.from({ length: 12 }, (_, i) => format('MMMM MMM', Date.UTC(2021, i, 1)));
    expect(months).toEqual([
      'January Jan',
      'February Feb',
      'March Mar',
      'April Apr',
      'May May',
      'June Jun',
      'July Jul',
      'August Aug',
      'September Sep',
      'October Oct',
      'November Nov',
      'December Dec',
    ]);
    // 2021-01-03 was a Sunday.
    const days = Array.from({ length: 7 }, (_, i) => format('dddd ddd', Date.UTC(2021, 0, 3 + i)));
    expect(days).toEqual([
      'Sunday Sun',
      'Monday Mon',
      'Tuesday Tue',
      'Wednesday Wed',
      'Thursday Thu',
      'Friday Fri',
      'Saturday Sat',
    ]);
  });

  it("writes .NET's standard formats as the invariant culture does", () => {
    const when = Date.UTC(2021, 0, 2, 15, 4, 5, 60);
    const standard = Object.fromEntries(
      ['d', 'D', 'f', 'F', 'g', 'G', 'o', 'O', 's', 't', 'T', 'u'].map((letter) => [
        letter,
        format(letter, when),
      ]),
    );
    expect(standard).toEqual({
      d: '1/2/2021',
      D: 'Saturday, 02 January 2021',
      f: 'Saturday, 02 January 2021 15:04',
      F: 'Saturday, 02 January 2021 15:04:05',
      g: '1/2/2021 3:04 PM',
      G: '1/2/2021 3:04:05 PM',
      o: '2021-01-02T15:04:05.0600000Z',
      O: '2021-01-02T15:04:05.0600000Z',
      s: '2021-01-02T15:04:05',
      t: '3:04 PM',
      T: '3:04:05 PM',
      u: '2021-01-02 15:04:05Z',
    });
  });

  it('takes a one-letter format that is no standard one as that field', () => {
    expect(format('H', Date.UTC(2021, 0, 2, 7))).toBe('7');
  });
});
