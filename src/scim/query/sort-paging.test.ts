import { describe, expect, it } from 'vitest';
import { buildListResponse } from './list-response.js';
import { parsePaging } from './search-query.js';
import { parseSortOrder } from './search-request.js';

describe('parseSortOrder (RFC 7644 §3.4.2.3)', () => {
  it('reads either order in any case, absent as ascending, and rejects anything else', () => {
    expect(() => parseSortOrder('up')).toThrow(expect.objectContaining({ scimType: 'invalidValue' }));
    expect(parseSortOrder('DESCENDING')).toBe('descending');
    expect(parseSortOrder('Ascending')).toBe('ascending');
    expect(parseSortOrder(undefined)).toBe('ascending');
  });
});

describe('paging (RFC 7644 §3.4.2.4)', () => {
  const limits = { defaultCount: 100, maxCount: 200 };
  it.each<[Record<string, unknown>, { startIndex: number; count: number }]>([
    [{}, { startIndex: 1, count: 100 }],
    [
      { startIndex: '0', count: '-5' },
      { startIndex: 1, count: 0 },
    ],
    [
      { startIndex: 3, count: 1000 },
      { startIndex: 3, count: 200 },
    ],
    [
      { startIndex: ' 2 ', count: '0' },
      { startIndex: 2, count: 0 },
    ],
  ])('parsePaging(%j)', (params, expected) => {
    expect(parsePaging(params, limits)).toEqual(expected);
  });

  it('rejects non-integers', () => {
    expect(() => parsePaging({ count: '1.5' }, limits)).toThrow(
      expect.objectContaining({ scimType: 'invalidValue' }),
    );
    expect(() => parsePaging({ startIndex: 'x' }, limits)).toThrow(
      expect.objectContaining({ detail: expect.stringContaining('startIndex') }),
    );
  });

  it('buildListResponse has the ListResponse shape', () => {
    expect(buildListResponse([{ id: '1' }], 10, 3, 1)).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 10,
      startIndex: 3,
      itemsPerPage: 1,
      Resources: [{ id: '1' }],
    });
  });
});
