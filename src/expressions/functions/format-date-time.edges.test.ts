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
    expect(format('yyyy g', jan2)).toBe('2021 A.D.');
  });

  it('keeps the milliseconds and the ticks below them as the fields ticks', () => {
    expect(fieldsAt(at(jan2, 4567), 0).ticks).toBe(1_234_567);
    expect(formatFields(tokenizeDateFormat('ss.fffffff'), fieldsAt(at(jan2, 4567), 0), 0)).toBe('30.1234567');
  });
});
