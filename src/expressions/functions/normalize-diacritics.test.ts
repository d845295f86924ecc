import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DIACRITIC_MAP, normalizeDiacritics, normalizeGeneral } from './normalize-diacritics.js';
import { call } from './test-helper.js';

describe('NormalizeDiacritics', () => {
  it('normalizes the documented example', () => {
    expect(call('NormalizeDiacritics', ['Zoë'])).toBe('Zoe');
  });
  it('maps the letters Unicode decomposition cannot reach, per the table', () => {
    expect(normalizeDiacritics('ø Ø ł Ł æ Æ ß ı İ')).toBe('oe OE l L ae AE ss i I');
    expect(normalizeDiacritics('Søren Łukasz Ærø Straße')).toBe('Soeren Lukasz AEroe Strasse');
  });
  it('maps sequences with combining marks, longest first', () => {
    expect(normalizeDiacritics('a\u0331 e\u030A\u0304 \u0101\u0301')).toBe('a e a');
    expect(normalizeDiacritics('u\u0307\u0304')).toBe('u');
  });
  it('accepts decomposed (NFD) input', () => {
    expect(normalizeDiacritics('Zoe\u0308 Jose\u0301')).toBe('Zoe Jose');
  });
  it('leaves characters outside the table unchanged', () => {
    expect(normalizeDiacritics('œ đ ŕ 日本')).toBe('œ đ ŕ 日本');
  });
  it('has every table entry, each mapping to plain ASCII', () => {
    expect(DIACRITIC_MAP.size).toBe(261);
    for (const [from, to] of DIACRITIC_MAP) {
      expect(/^[A-Za-z]+$/.test(to), from).toBe(true);
      expect(normalizeDiacritics(from)).toBe(to);
    }
  });
  it('gives the same result on the single-pass path as on the general path', () => {
    const letters = [...DIACRITIC_MAP.keys()].join('') + 'abc XYZ-\u0301\u0308œđ日本\u212B';
    const unit = fc.constantFrom(...letters.split(''));
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 20 }), (chars) => {
        const text = chars.join('');
        expect(normalizeDiacritics(text)).toBe(normalizeGeneral(text));
      }),
      { numRuns: 300 },
    );
  });
  it('leaves ASCII untouched and maps multi-valued input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii' }), (s) => normalizeDiacritics(s) === s),
      { numRuns: 200 },
    );
    expect(call('NormalizeDiacritics', [['Zoë', null]])).toEqual(['Zoe', null]);
    expect(call('NormalizeDiacritics', [null])).toBeNull();
  });
});
