import { describe, expect, it } from 'vitest';
import { parseListRequest, parseSearchRequest, readOptionsFor, toListQuery } from './list-request.js';

const limits = { defaultCount: 100, maxCount: 1000 };

describe('list request parameters', () => {
  it('applies defaults and RFC 7644 §3.4.2.4 clamping', () => {
    expect(parseListRequest({}, limits)).toMatchObject({ startIndex: 1, count: 100 });
    expect(parseListRequest({ startIndex: '0', count: '-5' }, limits)).toMatchObject({
      startIndex: 1,
      count: 0,
    });
    expect(parseListRequest({ count: '5000' }, limits).count).toBe(1000);
  });

  it('matches parameter names case-insensitively and normalises sortOrder', () => {
    const r = parseListRequest(
      { StartIndex: '3', COUNT: '2', sortorder: 'Descending', sortBy: 'userName' },
      limits,
    );
    expect(r).toMatchObject({ startIndex: 3, count: 2, sortOrder: 'descending', sortBy: 'userName' });
  });

  it('parses filters with bare values', () => {
    const r = parseListRequest({ filter: 'externalId eq jyoung' }, limits);
    expect(r.filter).toMatchObject({ kind: 'compare', op: 'eq', value: 'jyoung' });
  });

  it('reads a SearchRequest body with numbers and attribute arrays', () => {
    const r = parseSearchRequest(
      {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        attributes: ['userName', 'emails'],
        count: 10,
      },
      limits,
    );
    expect(r.count).toBe(10);
    expect(r.projection.attributes?.map((a) => a.name)).toEqual(['userName', 'emails']);
    expect(() => parseSearchRequest({ schemas: ['urn:other'] }, limits)).toThrow(
      expect.objectContaining({ scimType: 'invalidSyntax' }),
    );
  });

  it('skips loading members and groups the response would drop', () => {
    expect(readOptionsFor({})).toEqual({ includeMembers: true, includeGroups: true });
    const excluded = parseListRequest({ excludedAttributes: 'members' }, limits);
    expect(toListQuery(excluded)).toMatchObject({ includeMembers: false, includeGroups: true });
    const only = parseListRequest({ attributes: 'displayName' }, limits);
    expect(toListQuery(only)).toMatchObject({ includeMembers: false, includeGroups: false });
    const withMembers = parseListRequest({ attributes: 'displayName,members.value' }, limits);
    expect(toListQuery(withMembers)).toMatchObject({ includeMembers: true });
  });
});
