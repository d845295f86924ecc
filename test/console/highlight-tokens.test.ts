import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { highlightRuns } from '../../src/console/expression/highlight-tokens.js';

describe("the expression editor's highlighting", () => {
  it('classifies each part of an expression', () => {
    const runs = highlightRuns('Join(" ", [givenName], &H2A, 3) <> "x');
    expect(runs.filter((r) => r.kind !== 'space').map((r) => [r.kind, r.text])).toEqual([
      ['function', 'Join'],
      ['punct', '('],
      ['string', '" "'],
      ['punct', ','],
      ['attribute', '[givenName]'],
      ['punct', ','],
      ['number', '&H2A'],
      ['punct', ','],
      ['number', '3'],
      ['punct', ')'],
      ['operator', '<>'],
      ['bad', '"x'],
    ]);
  });

  it('keeps escaped quotes inside a string and marks an unclosed attribute', () => {
    expect(highlightRuns('"a \\" b"').map((r) => r.kind)).toEqual(['string']);
    expect(highlightRuns('[mail').map((r) => r.kind)).toEqual(['bad']);
    expect(highlightRuns('IsNull ([x])')[0]).toEqual({ kind: 'function', text: 'IsNull', start: 0 });
  });

  it('is lossless: the runs cover the text exactly, in order, whatever is typed', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'Jo(", )[]&H1<>=ab\\\n x!é'.split('')), maxLength: 60 }),
        (source) => {
          const runs = highlightRuns(source);
          expect(runs.map((r) => r.text).join('')).toBe(source);
          let at = 0;
          for (const run of runs) {
            expect(run.start).toBe(at);
            expect(run.text.length).toBeGreaterThan(0);
            at += run.text.length;
          }
        },
      ),
    );
  });
});
