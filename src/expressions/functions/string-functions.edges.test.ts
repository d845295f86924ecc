/**
 * String functions at their edges: InStr's start past the end, compare types spelt every way and
 * code points after a surrogate pair; Left and Mid without lengths; base64 of each padding
 * length; StripSpaces, ToLower and ToUpper over multi-valued sources and cultures; Word with
 * several delimiters in a row; and the messages naming what is wrong.
 */
import { describe, expect, it } from 'vitest';
import { ExpressionRuntimeError } from './function-spec.js';
import { call } from './test-helper.js';

function message(name: string, args: readonly unknown[]): string {
  try {
    call(name, args as never);
  } catch (error) {
    if (error instanceof ExpressionRuntimeError) return error.message;
    throw error;
  }
  throw new Error(`expected ${name} to fail`);
}

describe('InStr at its edges', () => {
  it('an empty needle is found at the start, or just past the end and no further', () => {
    expect(call('InStr', ['abc', ''])).toBe(1);
    expect(call('InStr', ['abc', '', 3])).toBe(3);
    expect(call('InStr', ['abc', '', 4])).toBe(4);
    expect(call('InStr', ['abc', '', 5])).toBe(0);
    expect(call('InStr', ['', ''])).toBe(1);
    expect(call('InStr', ['abc', 'c', 3])).toBe(3);
    expect(call('InStr', ['abc', 'c', 4])).toBe(0);
  });

  it('a start below 1, or none, searches from the beginning', () => {
    expect(call('InStr', ['abcabc', 'a', 0])).toBe(1);
    expect(call('InStr', ['abcabc', 'a', -5])).toBe(1);
    expect(call('InStr', ['abcabc', 'a', null])).toBe(1);
    expect(call('InStr', ['abcabc', 'a', 2])).toBe(4);
  });

  it('takes the compare type as a number, a digit string or a name in any case', () => {
    for (const text of [1, '1', 'vbTextCompare', 'VBTEXTCOMPARE']) {
      expect(call('InStr', ['aB', 'b', 1, text])).toBe(2);
    }
    for (const binary of [0, '0', 'vbBinaryCompare', 'vbbinarycompare', null]) {
      expect(call('InStr', ['aB', 'b', 1, binary])).toBe(0);
    }
  });

  it('names the compare type it refuses', () => {
    expect(message('InStr', ['a', 'a', 1, 2])).toBe(
      'InStr: compareType must be vbTextCompare or vbBinaryCompare, got 2',
    );
  });

  it('counts code points from a start after surrogate pairs, ignoring case when asked', () => {
    expect(call('InStr', ['😀a😀A', 'a', 3])).toBe(0);
    expect(call('InStr', ['😀a😀A', 'a', 3, 1])).toBe(4);
    expect(call('InStr', ['😀a😀A', 'A', 1, 1])).toBe(2);
    expect(call('InStr', ['😀a😀b', '😀', 2])).toBe(3);
    expect(call('InStr', ['😀a', 'z', 1])).toBe(0);
    expect(call('InStr', ['😀😀', '', 3])).toBe(3);
    expect(call('InStr', ['😀a', '😀'])).toBe(1);
    expect(call('InStr', ['a😀', 'a'])).toBe(1);
  });

  it('gives null when either string is missing', () => {
    expect(call('InStr', ['abc', null])).toBeNull();
  });
});

describe('Left and Mid at their edges', () => {
  it('Left without a count gives nothing, Mid without a start begins at 1', () => {
    expect(call('Left', ['abc', null])).toBe('');
    expect(call('Mid', ['abc', null, 2])).toBe('ab');
    expect(call('Mid', ['abc', 2, null])).toBe('');
    expect(call('Mid', ['abc', 2, 0])).toBe('');
  });

  it('slices plainly before a surrogate pair further on', () => {
    expect(call('Left', ['ab😀', 2])).toBe('ab');
    expect(call('Left', ['ab😀', 3])).toBe('ab😀');
    expect(call('Mid', ['ab😀c', 3, 2])).toBe('😀c');
  });

  it('names the function and the argument in errors', () => {
    expect(message('Left', ['abc', 'x'])).toMatch(/^Left: numChars /);
    expect(message('Mid', ['abc', 'x', 1])).toMatch(/^Mid: start /);
    expect(message('Mid', ['abc', 1, 'x'])).toMatch(/^Mid: length /);
    expect(message('InStr', ['abc', 'a', 'x'])).toMatch(/^InStr: start /);
    expect(message('Word', ['abc', 'x', ' '])).toMatch(/^Word: wordNumber /);
  });
});

describe('ConvertToBase64 of every length', () => {
  it.each([
    ['', ''],
    ['a', 'YQA='],
    ['ab', 'YQBiAA=='],
    ['abc', 'YQBiAGMA'],
    ['\u00ff\u0100', '/wAAAQ=='],
    ['\uffff', '//8='],
  ])('%j gives %s', (text, expected) => {
    expect(call('ConvertToBase64', [text])).toBe(expected);
    expect(call('ConvertToBase64', [text])).toBe(Buffer.from(text, 'utf16le').toString('base64'));
  });

  it('ConvertToUTF8Hex writes every byte as two upper-case digits', () => {
    expect(call('ConvertToUTF8Hex', ['\u0000\u000f\u00ff'])).toBe('000FC3BF');
    expect(call('ConvertToUTF8Hex', [''])).toBe('');
  });
});

describe('StripSpaces, ToLower and ToUpper over many values', () => {
  it('StripSpaces maps over a multi-valued source and keeps values without spaces', () => {
    expect(call('StripSpaces', [['a b', 'cd', ' ']])).toEqual(['ab', 'cd', '']);
    expect(call('StripSpaces', ['abc'])).toBe('abc');
  });

  it('a blank culture is the invariant one', () => {
    expect(call('ToLower', ['İI', ' '])).toBe('İI'.toLowerCase());
    expect(call('ToUpper', ['iı', null])).toBe('Iı'.toUpperCase());
    expect(call('ToLower', [['A', 'B'], 'tr-TR'])).toEqual(['a', 'b']);
    expect(call('ToUpper', [['i'], 'tr-TR'])).toEqual(['İ']);
    expect(call('ToLower', [['I'], undefined])).toEqual(['i']);
  });

  it('names the culture it refuses, every time it is asked', () => {
    for (let i = 0; i < 2; i++) {
      expect(message('ToUpper', ['x', 'not a culture!'])).toBe(
        'ToUpper: culture "not a culture!" is not a valid culture name',
      );
    }
    expect(message('ToLower', ['x', 'not a culture!'])).toBe(
      'ToLower: culture "not a culture!" is not a valid culture name',
    );
  });

  it('a culture name may carry surrounding spaces', () => {
    expect(call('ToUpper', ['i', ' tr-TR '])).toBe('İ');
  });
});

describe('Word at its edges', () => {
  it('delimiters in a row and at the ends make no empty words', () => {
    expect(call('Word', [',,a,,b,,', 2, ','])).toBe('b');
    expect(call('Word', ['a, b', 2, ', '])).toBe('b');
    expect(call('Word', ['a b', 1, ' '])).toBe('a');
    expect(call('Word', ['ab', 1, ' '])).toBe('ab');
    expect(call('Word', ['a b', 2, ' '])).toBe('b');
  });

  it('without delimiters the whole string is one word', () => {
    expect(call('Word', ['a b', 1, null])).toBe('a b');
    expect(call('Word', ['a b', 2, null])).toBe('');
  });

  it('counts code points as characters and delimiters', () => {
    expect(call('Word', ['a😀b😀c', 3, '😀'])).toBe('c');
  });
});

describe('Redact and Append', () => {
  it('Redact of an omitted value is null', () => {
    expect(call('Redact', [undefined])).toBeNull();
    expect(call('Redact', [0])).toBe(0);
  });

  it('Append with one side empty keeps the other', () => {
    expect(call('Append', ['', null])).toBe('');
    expect(call('Append', [null, ''])).toBe('');
  });
});
