import { describe, expect, it } from 'vitest';
import { SchemaUrn } from '../schema/schema-types.js';
import {
  parseProjectionParameters,
  parseQueryParameters,
  parseSearchRequest,
  SEARCH_BODY_TOLERANCE,
} from './search-request.js';

describe('parseSearchRequest (RFC 7644 §3.4.3)', () => {
  it('parses the RFC example body', () => {
    expect(
      parseSearchRequest({
        schemas: [SchemaUrn.searchRequest],
        attributes: ['displayName', 'userName'],
        filter: 'displayName sw "smith"',
        startIndex: 1,
        count: 10,
      }),
    ).toEqual({
      attributes: [
        { text: 'displayName', name: 'displayName' },
        { text: 'userName', name: 'userName' },
      ],
      filter: 'displayName sw "smith"',
      startIndex: 1,
      count: 10,
    });
  });

  it('accepts sortBy/sortOrder/excludedAttributes, case-insensitive keys, and nulls as absent', () => {
    expect(
      parseSearchRequest({
        SCHEMAS: [SchemaUrn.searchRequest],
        sortby: 'userName',
        sortOrder: 'descending',
        excludedAttributes: ['emails'],
        filter: null,
      }),
    ).toEqual({
      sortBy: 'userName',
      sortOrder: 'descending',
      excludedAttributes: [{ text: 'emails', name: 'emails' }],
    });
  });

  it.each<[unknown, string]>([
    [[], 'request body must be a JSON object'],
    [{ filter: 'x' }, 'schemas: must include'],
    [{ schemas: [SchemaUrn.searchRequest], attributes: 'userName' }, 'attributes: expected array'],
    [{ schemas: [SchemaUrn.searchRequest], attributes: [1] }, 'attributes[0]: expected string'],
    [{ schemas: [SchemaUrn.searchRequest], count: '10' }, 'count: expected integer'],
    [{ schemas: [SchemaUrn.searchRequest], startIndex: 1.5 }, 'startIndex: expected integer'],
    [{ schemas: [SchemaUrn.searchRequest], filter: 3 }, 'filter: expected string'],
    [{ schemas: [SchemaUrn.searchRequest], limit: 3 }, 'limit: not a SearchRequest attribute'],
  ])('rejects %j', (body, detail) => {
    expect(() => parseSearchRequest(body)).toThrow(
      expect.objectContaining({
        status: 400,
        scimType: 'invalidSyntax',
        detail: expect.stringContaining(detail),
      }),
    );
  });

  it('rejects a bad sortOrder as invalidValue', () => {
    expect(() => parseSearchRequest({ schemas: [SchemaUrn.searchRequest], sortOrder: 'up' })).toThrow(
      expect.objectContaining({ scimType: 'invalidValue' }),
    );
  });
});

describe('parseQueryParameters', () => {
  it('parses URL parameters, ignores unknown ones', () => {
    expect(
      parseQueryParameters({
        filter: 'userName eq "x"',
        attributes: 'userName,emails',
        startIndex: '2',
        COUNT: '5',
        _: '1',
      }),
    ).toEqual({
      filter: 'userName eq "x"',
      attributes: [
        { text: 'userName', name: 'userName' },
        { text: 'emails', name: 'emails' },
      ],
      startIndex: 2,
      count: 5,
    });
  });
  it('rejects repeated parameters and non-integers', () => {
    expect(() => parseQueryParameters({ filter: ['a', 'b'] })).toThrow(
      expect.objectContaining({ scimType: 'invalidValue' }),
    );
    expect(() => parseQueryParameters({ count: 'ten' })).toThrow(
      expect.objectContaining({ scimType: 'invalidValue' }),
    );
  });
});

describe('parseSearchRequest tolerances (SEARCH_BODY_TOLERANCE)', () => {
  it('accepts what the strict reading refuses, each flag on its own', () => {
    expect(parseSearchRequest({ filter: 'x' }, { allowMissingSchemas: true })).toEqual({ filter: 'x' });
    expect(
      parseSearchRequest(
        {
          schemas: [SchemaUrn.searchRequest],
          count: ' 10 ',
          startIndex: '-2',
          attributes: 'userName, emails',
        },
        { allowQueryForms: true },
      ),
    ).toEqual({
      count: 10,
      startIndex: -2,
      attributes: [
        { text: 'userName', name: 'userName' },
        { text: 'emails', name: 'emails' },
      ],
    });
    expect(
      parseSearchRequest({ schemas: [SchemaUrn.searchRequest], limit: 3 }, { ignoreUnknownMembers: true }),
    ).toEqual({});
  });

  it('still refuses a wrong schemas list, non-integers and oversized numbers', () => {
    for (const body of [
      { schemas: ['urn:other'] },
      { count: 'ten' },
      { count: 1.5 },
      { startIndex: 2 ** 60 },
      { attributes: 3 },
    ]) {
      expect(() => parseSearchRequest(body, SEARCH_BODY_TOLERANCE)).toThrow(
        expect.objectContaining({ status: 400, scimType: 'invalidSyntax' }),
      );
    }
  });
});

describe('parseProjectionParameters', () => {
  it('reads only attributes and excludedAttributes', () => {
    expect(
      parseProjectionParameters({
        ExcludedAttributes: 'members',
        count: 'x',
        sortOrder: 'up',
        filter: ['a', 'b'],
      }),
    ).toEqual({ excludedAttributes: [{ text: 'members', name: 'members' }] });
    expect(() => parseProjectionParameters({ attributes: ['a', 'b'] })).toThrow(
      expect.objectContaining({ scimType: 'invalidValue' }),
    );
  });
});
