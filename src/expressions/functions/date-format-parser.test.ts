import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseWithFormat } from './date-format-parser.js';
import { formatFields, tokenizeDateFormat } from './format-date-time.js';

const parse = (format: string, text: string) => parseWithFormat(tokenizeDateFormat(format), text);

describe('parseWithFormat', () => {
  it('reads fields, fractions and offsets', () => {
    const p = parse('yyyyMMddHHmmss.fZ', '20150123105347.1Z');
    expect(p?.fields).toEqual({
      year: 2015,
      month: 1,
      day: 23,
      hour: 10,
      minute: 53,
      second: 47,
      ticks: 1_000_000,
    });
    expect(p?.offset).toBe(0);
    expect(parse('yyyy-MM-ddzzz', '2020-12-31-08:00')?.offset).toBe(-480);
    expect(parse('yyyy-MM-ddK', '2020-12-31')?.offset).toBeUndefined();
    expect(parse('HH:mm:ss.FFF', '10:00:00.')?.fields.ticks).toBe(0);
  });
  it('allows surrounding white space and any amount where the format has a space', () => {
    expect(parse('M/d/yyyy h:mm tt', '  1/2/2021   3:04 pm ')?.fields.hour).toBe(15);
  });
  it('matches literal letters in any case and names of months and days', () => {
    expect(parse("yyyy-MM-dd'T'HH", '2021-01-02t03')?.fields.hour).toBe(3);
    expect(parse('ddd, d MMM yyyy', 'sat, 2 JAN 2021')?.fields.month).toBe(1);
  });
  it('does not backtrack, like .NET', () => {
    expect(parse('Mdyyyy', '1122021')).toBeNull();
    expect(parse('MMddyyyy', '01222021')?.fields.day).toBe(22);
  });
  it('rejects trailing text, impossible dates and bad offsets', () => {
    expect(parse('yyyy', '2021x')).toBeNull();
    expect(parse('yyyy-MM-dd', '2021-02-29')).toBeNull();
    expect(parse('yyyyzzz', '2021+15:00')).toBeNull();
    expect(parse('h tt', '13 PM')?.fields.hour).toBe(13);
  });
  it('reads back what the formatter prints (property)', () => {
    const format = 'yyyy-MM-dd HH:mm:ss.fffffff';
    const tokens = tokenizeDateFormat(format);
    fc.assert(
      fc.property(
        fc.record({
          year: fc.integer({ min: 1, max: 9999 }),
          month: fc.integer({ min: 1, max: 12 }),
          day: fc.integer({ min: 1, max: 28 }),
          hour: fc.integer({ min: 0, max: 23 }),
          minute: fc.integer({ min: 0, max: 59 }),
          second: fc.integer({ min: 0, max: 59 }),
          ticks: fc.integer({ min: 0, max: 9_999_999 }),
        }),
        (fields) => {
          const parsed = parseWithFormat(tokens, formatFields(tokens, fields, 0));
          expect(parsed?.fields).toEqual(fields);
        },
      ),
      { numRuns: 300 },
    );
  });
});
