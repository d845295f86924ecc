import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isScimError } from '../scim/scim-error.js';
import { conditionMatches, ifMatchVersion, parseEtagCondition } from './etag-preconditions.js';

describe('ETag conditions', () => {
  it.each([
    ['W/"3"', [3]],
    ['"3"', [3]],
    ['W/"1", "2" ,W/"7"', [1, 2, 7]],
    ['"abc"', []],
  ])('parses %s', (header, versions) => {
    expect(parseEtagCondition(header, 'If-Match')).toEqual({ kind: 'versions', versions });
  });

  it('reads * as any and empty as absent', () => {
    expect(parseEtagCondition('*', 'If-Match')).toEqual({ kind: 'any' });
    expect(parseEtagCondition('', 'If-Match')).toBeUndefined();
    expect(parseEtagCondition(undefined, 'If-Match')).toBeUndefined();
  });

  it('rejects text that is not a list of entity tags with 400 invalidValue', () => {
    for (const bad of ['3', 'W/3', '"3', '"3" junk']) {
      expect(() => parseEtagCondition(bad, 'If-Match'), bad).toThrow(
        expect.objectContaining({ status: 400, scimType: 'invalidValue' }),
      );
    }
  });

  it('never throws anything but a ScimError', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          parseEtagCondition(text, 'If-Match');
        } catch (error) {
          expect(isScimError(error)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('matches weakly and picks the version for a list', () => {
    const list = parseEtagCondition('W/"1", W/"4"', 'If-Match')!;
    expect(conditionMatches(list, 4)).toBe(true);
    expect(conditionMatches(list, 2)).toBe(false);
    expect(ifMatchVersion(list, 4)).toBe(4);
    expect(() => ifMatchVersion(list, 2)).toThrow(expect.objectContaining({ status: 412 }));
  });
});
