import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isScimError } from '../scim-error.js';
import { parseFilter, parsePatchPath } from './filter-parser.js';
import { printFilter } from './filter-printer.js';

// Fragments of real filters, so the soup reaches deep into the grammar instead of failing on byte 0.
const TOKENS = [
  'userName',
  'emails',
  'name.familyName',
  'urn:ietf:params:scim:schemas:core:2.0:User:userName',
  'urn:x:',
  'a.b.c',
  '$ref',
  'not',
  'NOT',
  'and',
  'or',
  'Or',
  'eq',
  'ne',
  'co',
  'sw',
  'ew',
  'gt',
  'ge',
  'lt',
  'le',
  'pr',
  'PR',
  '(',
  ')',
  '[',
  ']',
  '.',
  ':',
  '"',
  '"x"',
  '"a\\"b"',
  '"\\u00e9"',
  '"\\u12"',
  '\\',
  '"\\q"',
  'true',
  'false',
  'null',
  '0',
  '-1',
  '1.5e3',
  '01',
  '1e999',
  '-',
  ' ',
  ' ',
  ' ',
  '\t',
  '\n',
  '\u0000',
  'é',
  '😀',
  '\ud800',
];
const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 24 }).map((parts) => parts.join(''));
const spacedSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 16 }).map((parts) => parts.join(' '));
const input = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  tokenSoup,
  spacedSoup,
);

/** Parses `text` with `parse` and fails the test unless it yields a value or a ScimError. */
function outcome(parse: () => unknown): 'ok' | 'error' {
  try {
    parse();
    return 'ok';
  } catch (error) {
    if (isScimError(error)) return 'error';
    throw error;
  }
}

describe('parser robustness on random input', () => {
  it('ends every one of 100,000 random strings with an AST or a ScimError', () => {
    const samples = fc.sample(input, { numRuns: 100_000, seed: 7 });
    let parsed = 0;
    for (const [index, text] of samples.entries()) {
      if (outcome(() => parseFilter(text)) === 'ok') {
        parsed++;
        // Whatever parses must also print and re-parse.
        expect(outcome(() => parseFilter(printFilter(parseFilter(text))))).toBe('ok');
      }
      // The other entry points share the scanner; a quarter of the samples keeps the test fast.
      if (index % 4 === 0) {
        outcome(() => parseFilter(text, { allowBareValues: true, allowValuePathSubAttribute: true }));
        outcome(() => parsePatchPath(text));
      }
    }
    // The soup is good enough that some inputs are valid filters, so the test exercises success too.
    expect(parsed).toBeGreaterThan(100);
  });

  it('handles random input as a property, with shrinking on failure', () => {
    fc.assert(
      fc.property(input, (text) => {
        outcome(() => parseFilter(text));
        outcome(() => parsePatchPath(text));
      }),
      { numRuns: 2000 },
    );
  });
});
