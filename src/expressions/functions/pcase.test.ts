import { describe, expect, it } from 'vitest';
import { pcase } from './pcase.js';

describe('pcase with the default separators (.NET ToTitleCase)', () => {
  it('takes empty separators as no separators given', () => {
    expect(pcase('hello wide world', '')).toBe('Hello Wide World');
  });

  it('starts a word after ASCII punctuation and symbols, and at every letter a to z', () => {
    expect(pcase('a{b|c~d', null)).toBe('A{B|C~D');
    expect(pcase('zed yak', null)).toBe('Zed Yak');
  });

  it('keeps digits and apostrophes inside a word, so the letter after them stays lower case', () => {
    expect(pcase('a1b a0b a9b', null)).toBe('A1b A0b A9b');
    expect(pcase("o'neil", null)).toBe("O'neil");
    expect(pcase('o\u2019neil', null)).toBe('O\u2019neil');
    // U+02BC is a letter to Unicode, yet an apostrophe to ToTitleCase: it does not start a word.
    expect(pcase('\u02bca', null)).toBe('\u02bcA');
  });

  it('starts a word after a separator outside ASCII', () => {
    expect(pcase('a\u00a0b\u2014c', null)).toBe('A\u00a0B\u2014C');
  });

  it('does not start a word at a digit outside ASCII', () => {
    expect(pcase('\u0663b', null)).toBe('\u0663B');
  });

  it('upper-cases a letter outside the BMP and goes on after it', () => {
    expect(pcase('\u{10428}bc d', null)).toBe('\u{10400}bc D');
  });
});
