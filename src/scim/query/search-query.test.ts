import { describe, expect, it } from 'vitest';
import { printFilter } from '../filter/filter-printer.js';
import { compileSearchRequest } from './search-query.js';
import { parseQueryParameters, parseSearchRequest } from './search-request.js';
import { SchemaUrn } from '../schema/schema-types.js';

const paging = { defaultCount: 100, maxCount: 1000 };

describe('compileSearchRequest', () => {
  it('gives the same query from a URL and from a SearchRequest body', () => {
    const fromUrl = compileSearchRequest(
      parseQueryParameters({
        filter: 'userName sw "a"',
        sortBy: 'name.familyName',
        sortOrder: 'descending',
        startIndex: '3',
        count: '20',
        attributes: 'userName',
      }),
      { paging },
    );
    const fromBody = compileSearchRequest(
      parseSearchRequest({
        schemas: [SchemaUrn.searchRequest],
        filter: 'userName sw "a"',
        sortBy: 'name.familyName',
        sortOrder: 'descending',
        startIndex: 3,
        count: 20,
        attributes: ['userName'],
      }),
      { paging },
    );
    expect(fromBody).toEqual(fromUrl);
    expect(printFilter(fromUrl.filter!)).toBe('userName sw "a"');
    expect(fromUrl).toMatchObject({
      sortBy: 'name.familyName',
      sortOrder: 'descending',
      startIndex: 3,
      count: 20,
    });
  });

  it('clamps paging (RFC 7644 §3.4.2.4) and drops blank or empty parameters', () => {
    expect(
      compileSearchRequest(
        { filter: ' ', sortBy: '', startIndex: 0, count: 5000, attributes: [], excludedAttributes: [] },
        { paging },
      ),
    ).toEqual({ startIndex: 1, count: 1000 });
    expect(compileSearchRequest({ count: -3 }, { paging })).toEqual({ startIndex: 1, count: 0 });
    expect(compileSearchRequest({}, { paging })).toEqual({ startIndex: 1, count: 100 });
  });

  it('parses the filter with the given tolerances, and reports bad filters and sortBy', () => {
    expect(() => compileSearchRequest({ filter: 'externalId eq jyoung' }, { paging })).toThrow(
      expect.objectContaining({ scimType: 'invalidFilter' }),
    );
    expect(
      compileSearchRequest({ filter: 'externalId eq jyoung' }, { paging, filter: { allowBareValues: true } })
        .filter,
    ).toMatchObject({ kind: 'compare', value: 'jyoung' });
    expect(() => compileSearchRequest({ sortBy: 'name..x' }, { paging })).toThrow(
      expect.objectContaining({ scimType: 'invalidPath' }),
    );
  });
});
