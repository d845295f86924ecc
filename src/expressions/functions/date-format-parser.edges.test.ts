import { describe, expect, it } from 'vitest';
import { parseWithFormat } from './date-format-parser.js';
import { tokenizeDateFormat } from './format-date-time.js';

const parse = (format: string, text: string) => parseWithFormat(tokenizeDateFormat(format), text);
const offsetOf = (format: string, text: string) => parse(format, text)?.offset;

describe('parseWithFormat: white space', () => {
  it("takes .NET's white space around the text and for a space in the format", () => {
    for (const space of ['\t', '\n', '\v', '\f', '\r', '\u00a0', ' ']) {
      expect(parse('yyyy MM', `${space}2021${space}01${space}`)?.fields.month, JSON.stringify(space)).toBe(1);
    }
  });

  it('takes no other control character as white space', () => {
    expect(parse('yyyy MM', '2021\b01')).toBeNull();
    expect(parse('yyyy MM', '2021\u000e01')).toBeNull();
    expect(parse('yyyy', '\b2021')).toBeNull();
  });

  it('needs at least one white-space character where the format has a space', () => {
    expect(parse('yyyy MM', '202101')).toBeNull();
  });
});

describe('parseWithFormat: literals', () => {
  it('refuses a different literal character', () => {
    expect(parse('yyyy-MM', '2021/01')).toBeNull();
  });

  it('reads a literal Z as UTC', () => {
    expect(offsetOf("yyyyMMdd'Z'", '20210102Z')).toBe(0);
    expect(offsetOf("yyyyMMdd'Z'", '20210102z')).toBe(0);
    expect(offsetOf("yyyyMMdd'X'", '20210102X')).toBeUndefined();
  });
});

describe('parseWithFormat: numeric fields', () => {
  it('reads one or two digits for y, and two-digit years as 1950 to 2049', () => {
    expect(parse('y', '5')?.fields.year).toBe(2005);
    expect(parse('y', '21')?.fields.year).toBe(2021);
    expect(parse('yy', '21')?.fields.year).toBe(2021);
    expect(parse('yy', '49')?.fields.year).toBe(2049);
    expect(parse('yy', '50')?.fields.year).toBe(1950);
    expect(parse('yy', '5')).toBeNull();
  });

  it('reads three or four digits for yyy, and exactly n for more', () => {
    expect(parse('yyy', '2021')?.fields.year).toBe(2021);
    expect(parse('yyy', '999')?.fields.year).toBe(999);
    expect(parse('yyyyy', '02021')?.fields.year).toBe(2021);
    expect(parse('yyyy', '202')).toBeNull();
  });

  it('needs the minimum number of digits of a field', () => {
    expect(parse('MM/yyyy', '1/2021')).toBeNull();
    expect(parse('M/yyyy', '1/2021')?.fields.month).toBe(1);
  });

  it('reads h as a 12-hour clock, 12 being 0 without a designator', () => {
    expect(parse('h:mm', '12:30')?.fields.hour).toBe(0);
    expect(parse('H:mm', '12:30')?.fields.hour).toBe(12);
    expect(parse('h:mm tt', '12:30 AM')?.fields.hour).toBe(0);
    expect(parse('h:mm tt', '12:30 PM')?.fields.hour).toBe(12);
  });

  it('needs every digit of f and none of F', () => {
    expect(parse('ss.fff', '30.1')).toBeNull();
    expect(parse('ss.fff', '30.123')?.fields.ticks).toBe(1_230_000);
    expect(parse('ss.FFF', '30.1')?.fields.ticks).toBe(1_000_000);
  });
});

describe('parseWithFormat: names', () => {
  it('reads full month and day names for MMMM and dddd, short ones for MMM and ddd', () => {
    expect(parse('MMMM yyyy', 'May 2021')?.fields.month).toBe(5);
    expect(parse('MMMM yyyy', 'January 2021')?.fields.month).toBe(1);
    expect(parse('MMMM d, yyyy', 'september 5, 2021')?.fields.month).toBe(9);
    expect(parse('MMM yyyy', 'Sep 2021')?.fields.month).toBe(9);
    expect(parse('MMMM yyyy', 'Jan 2021')).toBeNull();
    expect(parse('dddd, yyyy-MM-dd', 'Saturday, 2021-01-02')?.fields.day).toBe(2);
    expect(parse('ddd, yyyy-MM-dd', 'Sat, 2021-01-02')?.fields.day).toBe(2);
  });

  it('refuses a word that is no month', () => {
    expect(parse('MMMyyyy', 'Xyz2021')).toBeNull();
    expect(parse('MMMMyyyy', 'X2021')).toBeNull();
  });
});

describe('parseWithFormat: AM/PM', () => {
  it('reads tt as AM or PM in any case and t as A or P', () => {
    expect(parse('h tt', '3 AM')?.fields.hour).toBe(3);
    expect(parse('h tt', '3 pm')?.fields.hour).toBe(15);
    expect(parse('h t', '3 P')?.fields.hour).toBe(15);
    expect(parse('h t', '3 a')?.fields.hour).toBe(3);
  });

  it('refuses anything else', () => {
    expect(parse('h tt', '3 XM')).toBeNull();
    expect(parse('h tt', '3 PX')).toBeNull();
    expect(parse('h tt', '3 P')).toBeNull();
  });
});

describe('parseWithFormat: offsets', () => {
  it('reads z as hours of one or two digits, zz as two, zzz with minutes, with or without a colon', () => {
    expect(offsetOf('HH z', '10 +5')).toBe(300);
    expect(offsetOf('HH z', '10 -11')).toBe(-660);
    expect(offsetOf('HHzz', '10+05')).toBe(300);
    expect(parse('HH zz', '10 +5')).toBeNull();
    expect(offsetOf('HHzzz', '10+05:30')).toBe(330);
    expect(offsetOf('HHzzz', '10+0530')).toBe(330);
    expect(offsetOf('HHzzz', '10-05:30')).toBe(-330);
  });

  it('reads Z for an offset field as UTC', () => {
    expect(offsetOf('HHzzz', '10Z')).toBe(0);
    expect(offsetOf('HH z', '10 z')).toBe(0);
    expect(offsetOf('HHK', '10Z')).toBe(0);
  });

  it('reads K as an offset with minutes, or nothing', () => {
    expect(offsetOf('HHK', '10+05:30')).toBe(330);
    expect(offsetOf('HHK', '10-0130')).toBe(-90);
    expect(parse('HHK', '10')?.offset).toBeUndefined();
  });

  it('refuses an offset without a sign, past 14 hours or 59 minutes, or with short minutes', () => {
    expect(parse('HHzzz', '1005:00')).toBeNull();
    expect(offsetOf('HHzzz', '10+14:00')).toBe(840);
    expect(parse('HHzzz', '10+15:00')).toBeNull();
    expect(offsetOf('HHzzz', '10+05:59')).toBe(359);
    expect(parse('HHzzz', '10+05:60')).toBeNull();
    expect(parse('HHzzz', '10+05:5')).toBeNull();
    expect(parse('HHzzz', '10+:30')).toBeNull();
    expect(parse('zyyyy', '+2021')).toBeNull();
  });
});

describe('parseWithFormat: the era', () => {
  it('reads A.D. with or without its dots, in any case, or nothing', () => {
    expect(parse('yyyy g', '2021 AD')?.fields.year).toBe(2021);
    expect(parse('yyyy g', '2021 A.D.')?.fields.year).toBe(2021);
    expect(parse('yyyy g', '2021 a.d')?.fields.year).toBe(2021);
    expect(parse('g yyyy', 'A.D. 2021')?.fields.year).toBe(2021);
    expect(parse('yyyyg', '2021')?.fields.year).toBe(2021);
    expect(parse('yyyy g', '2021 BC')).toBeNull();
  });
});

describe('parseWithFormat: what it returns', () => {
  it('splits seven fraction digits into milliseconds and the ticks below them', () => {
    const parsed = parse('yyyy-MM-dd HH:mm:ss.fffffff', '2021-01-02 10:20:30.1234567');
    expect(parsed?.wallMs).toBe(Date.UTC(2021, 0, 2, 10, 20, 30, 123));
    expect(parsed?.subTicks).toBe(4567);
  });

  it('lets a field that may be empty stand at the start', () => {
    expect(parse('Kyyyy', '2021')?.fields.year).toBe(2021);
  });
});
