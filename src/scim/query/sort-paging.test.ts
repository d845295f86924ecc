import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../shared/json.js';
import { SchemaRegistry } from '../schema/schema-registry.js';
import { SchemaUrn } from '../schema/schema-types.js';
import { buildListResponse } from './list-response.js';
import { paginate, parsePaging } from './paging.js';
import { compareBy, parseSortOrder, sortResources } from './sort-resources.js';

const resolver = SchemaRegistry.withCoreSchemas().resolver('User');
const ENT = SchemaUrn.enterpriseUser;

const people: JsonObject[] = [
  {
    id: 'a',
    userName: 'bob',
    name: { familyName: 'Zed' },
    emails: [{ value: 'z@x' }, { value: 'a@x', primary: true }],
    meta: { lastModified: '2020-01-01T00:00:00+02:00' },
  },
  {
    id: 'b',
    userName: 'Alice',
    name: { familyName: 'alpha' },
    emails: [{ value: 'm@x' }],
    meta: { lastModified: '2019-12-31T23:30:00Z' },
  },
  { id: 'c', userName: 'carol', externalId: 'B', [ENT]: { employeeNumber: '2' } },
  { id: 'd', userName: 'dave', externalId: 'a', [ENT]: { employeeNumber: '10' } },
];
const ids = (list: JsonObject[]): unknown[] => list.map((p) => p.id);

describe('sortResources (RFC 7644 §3.4.2.3)', () => {
  it.each<[string, 'ascending' | 'descending', string[]]>([
    ['userName', 'ascending', ['b', 'a', 'c', 'd']], // caseExact false: Alice < bob
    ['userName', 'descending', ['d', 'c', 'a', 'b']],
    ['name.familyName', 'ascending', ['b', 'a', 'c', 'd']], // missing last, stable
    ['name.familyName', 'descending', ['c', 'd', 'a', 'b']], // missing first
    ['emails', 'ascending', ['a', 'b', 'c', 'd']], // primary value a@x before m@x
    ['emails.value', 'ascending', ['a', 'b', 'c', 'd']],
    ['externalId', 'ascending', ['c', 'd', 'a', 'b']], // caseExact: "B" < "a"
    [`${ENT}:employeeNumber`, 'ascending', ['d', 'c', 'a', 'b']], // strings: "10" < "2"
    ['meta.lastModified', 'ascending', ['a', 'b', 'c', 'd']], // compared as instants: 22:00Z < 23:30Z
  ])('sortBy=%s %s', (sortBy, order, expected) => {
    expect(ids(sortResources(people, sortBy, resolver, order))).toEqual(expected);
    expect(ids([...people].sort(compareBy(sortBy, resolver, order)))).toEqual(expected);
  });

  it('rejects unknown sortBy attributes and sortOrder values', () => {
    expect(() => sortResources(people, 'shoeSize', resolver)).toThrow(
      expect.objectContaining({ scimType: 'invalidValue' }),
    );
    expect(() => parseSortOrder('up')).toThrow(expect.objectContaining({ scimType: 'invalidValue' }));
    expect(parseSortOrder('DESCENDING')).toBe('descending');
    expect(parseSortOrder(undefined)).toBe('ascending');
  });

  it('property: ascending output is ordered and missing values come last', () => {
    const arb = fc.array(fc.option(fc.string({ maxLength: 4 }), { nil: undefined }), { maxLength: 30 });
    fc.assert(
      fc.property(arb, (names) => {
        const list: JsonObject[] = names.map((n, i): JsonObject =>
          n === undefined ? { id: String(i) } : { id: String(i), displayName: n },
        );
        const sorted = sortResources(list, 'displayName', resolver).map(
          (r) => r.displayName as string | undefined,
        );
        const present = sorted.filter((s) => s !== undefined);
        expect(sorted.slice(0, present.length)).toEqual(present);
        for (let i = 1; i < present.length; i++) {
          expect(present[i - 1]!.toLowerCase() <= present[i]!.toLowerCase()).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
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

  it('paginates 1-based, count=0 returns only the total, past the end is empty', () => {
    const items = ['a', 'b', 'c', 'd', 'e'];
    expect(paginate(items, { startIndex: 2, count: 2 })).toEqual({
      items: ['b', 'c'],
      totalResults: 5,
      startIndex: 2,
      itemsPerPage: 2,
    });
    expect(paginate(items, { startIndex: 1, count: 0 })).toEqual({
      items: [],
      totalResults: 5,
      startIndex: 1,
      itemsPerPage: 0,
    });
    expect(paginate(items, { startIndex: 9, count: 5 }).items).toEqual([]);
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
