import { describe, expect, it } from 'vitest';
import { printFilter } from '../scim/filter/filter-printer.js';
import { parseFilter } from '../scim/filter/filter-parser.js';
import {
  listRequestFromBody,
  listRequestFromQuery,
  projectionFromQuery,
  readOptionsFor,
  toListQuery,
} from './list-request.js';

const limits = { defaultCount: 100, maxCount: 1000 };
const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

describe('list request parameters', () => {
  it('applies defaults and RFC 7644 §3.4.2.4 clamping', () => {
    expect(listRequestFromQuery({}, limits)).toMatchObject({ startIndex: 1, count: 100 });
    expect(listRequestFromQuery({ startIndex: '0', count: '-5' }, limits)).toMatchObject({
      startIndex: 1,
      count: 0,
    });
    expect(listRequestFromQuery({ count: '5000' }, limits).count).toBe(1000);
  });

  it('matches parameter names case-insensitively and normalises sortOrder', () => {
    const r = listRequestFromQuery(
      { StartIndex: '3', COUNT: '2', sortorder: 'Descending', sortBy: 'userName' },
      limits,
    );
    expect(r).toMatchObject({ startIndex: 3, count: 2, sortOrder: 'descending', sortBy: 'userName' });
  });

  it('parses filters with bare values', () => {
    const r = listRequestFromQuery({ filter: 'externalId eq jyoung' }, limits);
    expect(r.filter).toMatchObject({ kind: 'compare', op: 'eq', value: 'jyoung' });
  });

  it("reads Entra ID's sub-attribute after a value filter as a condition inside it", () => {
    const r = listRequestFromQuery({ filter: 'emails[type eq "work"].value eq "a@b.c"' }, limits);
    expect(printFilter(r.filter!)).toBe(
      printFilter(parseFilter('emails[type eq "work" and value eq "a@b.c"]')),
    );
  });

  it('treats a blank filter or sortBy as absent and rejects a bad sortBy', () => {
    const r = listRequestFromQuery({ filter: '  ', sortBy: '' }, limits);
    expect(r.filter).toBeUndefined();
    expect(r.sortBy).toBeUndefined();
    expect(() => listRequestFromQuery({ sortBy: 'a b' }, limits)).toThrow(
      expect.objectContaining({ status: 400, scimType: 'invalidPath' }),
    );
  });

  it('reads a SearchRequest body with numbers and attribute arrays', () => {
    const r = listRequestFromBody(
      { schemas: [SEARCH], attributes: ['userName', 'emails'], count: 10 },
      limits,
    );
    expect(r.count).toBe(10);
    expect(r.attributes?.map((a) => a.name)).toEqual(['userName', 'emails']);
    expect(() => listRequestFromBody({ schemas: ['urn:other'] }, limits)).toThrow(
      expect.objectContaining({ scimType: 'invalidSyntax' }),
    );
  });

  it('tolerates a body without schemas, numbers as strings and unknown members', () => {
    const r = listRequestFromBody({ count: '7', startIndex: '2', attributes: 'userName', extra: 1 }, limits);
    expect(r).toMatchObject({ count: 7, startIndex: 2 });
    expect(r.attributes?.map((a) => a.name)).toEqual(['userName']);
  });

  it('reads only the projection of a single-resource request', () => {
    expect(projectionFromQuery({ attributes: 'userName', sortOrder: 'sideways' })).toEqual({
      attributes: [{ text: 'userName', name: 'userName' }],
    });
  });

  it('skips loading members and groups the response would drop', () => {
    expect(readOptionsFor({})).toEqual({ includeMembers: true, includeGroups: true });
    const excluded = listRequestFromQuery({ excludedAttributes: 'members' }, limits);
    expect(toListQuery(excluded)).toMatchObject({ includeMembers: false, includeGroups: true });
    const only = listRequestFromQuery({ attributes: 'displayName' }, limits);
    expect(toListQuery(only)).toMatchObject({ includeMembers: false, includeGroups: false });
    const withMembers = listRequestFromQuery({ attributes: 'displayName,members.value' }, limits);
    expect(toListQuery(withMembers)).toMatchObject({ includeMembers: true });
  });
});
