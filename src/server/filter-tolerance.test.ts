import { describe, expect, it } from 'vitest';
import { parseFilter } from '../scim/filter/filter-parser.js';
import { printFilter } from '../scim/filter/filter-printer.js';
import { parseRequestFilter } from './filter-tolerance.js';

const printed = (text: string) => printFilter(parseRequestFilter(text));

describe('request filter tolerances', () => {
  it('accepts bare values', () => {
    expect(printed('externalId eq jyoung')).toBe(printFilter(parseFilter('externalId eq "jyoung"')));
  });

  it('reads a sub-attribute after a value filter as a condition inside it', () => {
    expect(printed('emails[type eq "work"].value eq "a@b.c"')).toBe(
      printFilter(parseFilter('emails[(type eq "work") and value eq "a@b.c"]')),
    );
    expect(printed('emails[type eq work or primary eq true].value sw "a"')).toBe(
      printFilter(parseFilter('emails[(type eq "work" or primary eq true) and value sw "a"]')),
    );
  });

  it('keeps the error of the literal text when the rewrite does not apply', () => {
    expect(() => parseRequestFilter('userName eq')).toThrow(/position/);
    expect(() => parseRequestFilter('emails[type eq "work"].value eq')).toThrow(/PATCH paths|position/);
    try {
      parseRequestFilter('emails[type eq "work"].value xx "a"');
      expect.unreachable();
    } catch (error) {
      expect((error as { scimType?: string }).scimType).toBe('invalidFilter');
    }
  });
});
