/**
 * Bad input: every case is the right 4xx with a SCIM error body and scimType, never a 500, and
 * nothing is written (the change feed and the resource are unchanged afterwards).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKENDS,
  ERROR_SCHEMA,
  GROUP_SCHEMA,
  PATCH_SCHEMA,
  USER_SCHEMA,
  send,
  startTestServer,
  type TestServer,
} from './server-harness.js';

interface Case {
  readonly name: string;
  readonly method: string;
  /** `{id}` is replaced by an existing user's id. */
  readonly path: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  /** The expected `Allow` header of a 405. */
  readonly allow?: string;
  readonly status: number;
  readonly scimType?: string;
}

const patch = (operations: unknown) => JSON.stringify({ schemas: [PATCH_SCHEMA], Operations: operations });
const big = JSON.stringify({
  schemas: [USER_SCHEMA],
  userName: 'big@example.com',
  displayName: 'x'.repeat(5000),
});

const CASES: readonly Case[] = [
  {
    name: 'malformed JSON',
    method: 'POST',
    path: '/Users',
    body: '{"userName": ',
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: 'empty JSON body',
    method: 'POST',
    path: '/Users',
    body: '',
    headers: { 'content-type': 'application/json' },
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: 'empty PATCH body with a JSON media type',
    method: 'PATCH',
    path: '/Users/{id}',
    body: '',
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: 'empty PUT body with a JSON media type',
    method: 'PUT',
    path: '/Users/{id}',
    body: ' ',
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: 'body is an array',
    method: 'POST',
    path: '/Users',
    body: '[]',
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: '__proto__ key',
    method: 'POST',
    path: '/Users',
    body: `{"schemas":["${USER_SCHEMA}"],"userName":"p@x","__proto__":{"admin":true}}`,
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: 'wrong type for userName',
    method: 'POST',
    path: '/Users',
    body: JSON.stringify({ schemas: [USER_SCHEMA], userName: 42 }),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'wrong type for active',
    method: 'POST',
    path: '/Users',
    body: JSON.stringify({ schemas: [USER_SCHEMA], userName: 'a@x', active: 'maybe' }),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'unknown attribute',
    method: 'POST',
    path: '/Users',
    body: JSON.stringify({ schemas: [USER_SCHEMA], userName: 'u@x', favouriteColour: 'blue' }),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'missing userName',
    method: 'POST',
    path: '/Users',
    body: JSON.stringify({ schemas: [USER_SCHEMA], displayName: 'No Name' }),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'unsupported media type',
    method: 'POST',
    path: '/Users',
    body: 'userName=x',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
  },
  {
    name: 'text/plain media type',
    method: 'PATCH',
    path: '/Users/{id}',
    body: patch([{ op: 'replace', path: 'active', value: false }]),
    headers: { 'content-type': 'text/plain' },
    status: 415,
  },
  { name: 'oversized body', method: 'POST', path: '/Users', body: big, status: 413 },
  {
    name: 'invalid filter',
    method: 'GET',
    path: `/Users?filter=${encodeURIComponent('userName eq')}`,
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: 'invalid filter operator',
    method: 'GET',
    path: `/Users?filter=${encodeURIComponent('userName like "x"')}`,
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: 'invalid filter in .search',
    method: 'POST',
    path: '/Users/.search',
    body: JSON.stringify({ filter: '(userName eq "x"' }),
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: 'bad sortOrder',
    method: 'GET',
    path: '/Users?sortOrder=sideways',
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'non-numeric startIndex',
    method: 'GET',
    path: '/Users?startIndex=first',
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'invalid attributes path',
    method: 'GET',
    path: '/Users?attributes=9lives',
    status: 400,
    scimType: 'invalidPath',
  },
  {
    name: 'malformed If-Match',
    method: 'PATCH',
    path: '/Users/{id}',
    body: patch([{ op: 'replace', path: 'active', value: false }]),
    headers: { 'if-match': 'not-an-etag' },
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'PATCH without PatchOp schema',
    method: 'PATCH',
    path: '/Users/{id}',
    body: JSON.stringify({ Operations: [{ op: 'replace', path: 'active', value: false }] }),
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: 'PATCH unknown op',
    method: 'PATCH',
    path: '/Users/{id}',
    body: patch([{ op: 'merge', path: 'active', value: false }]),
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: 'PATCH invalid path',
    method: 'PATCH',
    path: '/Users/{id}',
    body: patch([{ op: 'replace', path: 'emails[type eq "work"', value: 'x' }]),
    status: 400,
    scimType: 'invalidPath',
  },
  {
    name: 'PATCH remove without path',
    method: 'PATCH',
    path: '/Users/{id}',
    body: patch([{ op: 'remove' }]),
    status: 400,
    scimType: 'noTarget',
  },
  {
    name: 'PATCH wrong value type',
    method: 'PATCH',
    path: '/Users/{id}',
    body: patch([{ op: 'replace', path: 'active', value: 'perhaps' }]),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'PATCH readOnly id',
    method: 'PATCH',
    path: '/Users/{id}',
    body: patch([{ op: 'replace', path: 'id', value: 'other' }]),
    status: 400,
    scimType: 'mutability',
  },
  {
    name: 'PATCH whose second operation fails leaves the first unapplied',
    method: 'PATCH',
    path: '/Users/{id}',
    body: patch([
      { op: 'replace', path: 'displayName', value: 'Changed' },
      { op: 'replace', path: 'active', value: 'perhaps' },
    ]),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'PATCH with a failing operation after a member add leaves the group unchanged',
    method: 'PATCH',
    path: '/Groups/{group}',
    body: patch([
      { op: 'add', path: 'members', value: [{ value: '{id}' }] },
      { op: 'replace', path: 'displayName', value: 42 },
    ]),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'PUT with unknown attribute',
    method: 'PUT',
    path: '/Users/{id}',
    body: JSON.stringify({ schemas: [USER_SCHEMA], userName: 'victim@example.com', bogus: 1 }),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'POST to a resource path',
    method: 'POST',
    path: '/Users/{id}',
    body: '{}',
    status: 405,
    allow: 'GET, HEAD, PUT, PATCH, DELETE',
  },
  { name: 'DELETE on a collection', method: 'DELETE', path: '/Users', status: 405, allow: 'GET, HEAD, POST' },
  {
    name: 'PATCH on a collection',
    method: 'PATCH',
    path: '/Groups',
    body: '{}',
    status: 405,
    allow: 'GET, HEAD, POST',
  },
  { name: 'GET /Bulk', method: 'GET', path: '/Bulk', status: 405, allow: 'POST' },
  {
    name: 'PUT /Bulk with an unsupported media type: the method is reported first',
    method: 'PUT',
    path: '/Bulk',
    body: 'x',
    headers: { 'content-type': 'text/plain' },
    status: 405,
    allow: 'POST',
  },
  { name: 'POST to /Schemas', method: 'POST', path: '/Schemas', body: '{}', status: 405, allow: 'GET, HEAD' },
  {
    name: 'DELETE a schema',
    method: 'DELETE',
    path: '/Schemas/urn:ietf:params:scim:schemas:core:2.0:User',
    status: 405,
    allow: 'GET, HEAD',
  },
  { name: 'GET /.search', method: 'GET', path: '/.search', status: 405, allow: 'POST' },
  { name: 'unknown endpoint', method: 'GET', path: '/Widgets', status: 404 },
  { name: 'over-long id', method: 'GET', path: `/Users/${'a'.repeat(300)}`, status: 404 },
  { name: 'bad percent-encoding in the path', method: 'GET', path: '/Users/%E0%A4%A', status: 400 },
  {
    name: 'filter given twice',
    method: 'GET',
    path: '/Users?filter=userName%20pr&filter=id%20pr',
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'count not a number',
    method: 'GET',
    path: '/Users?count=ten',
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'unknown resource id',
    method: 'PATCH',
    path: '/Users/does-not-exist',
    body: patch([{ op: 'replace', path: 'active', value: false }]),
    status: 404,
  },
  {
    name: 'Bulk without schemas',
    method: 'POST',
    path: '/Bulk',
    body: JSON.stringify({ Operations: [] }),
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: 'Bulk over maxOperations',
    method: 'POST',
    path: '/Bulk',
    body: JSON.stringify({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      Operations: Array.from({ length: 4 }, (_, i) => ({
        method: 'POST',
        path: '/Users',
        bulkId: `b${i}`,
        data: { schemas: [USER_SCHEMA], userName: `bulk${i}@x` },
      })),
    }),
    status: 413,
    scimType: 'tooMany',
  },
  {
    name: 'Bulk over maxPayloadSize',
    method: 'POST',
    path: '/Bulk',
    body: JSON.stringify({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      Operations: [
        {
          method: 'POST',
          path: '/Users',
          bulkId: 'big',
          data: { schemas: [USER_SCHEMA], userName: 'big@x', displayName: 'y'.repeat(9000) },
        },
      ],
    }),
    status: 413,
    scimType: 'tooMany',
  },
];

describe.each(BACKENDS)('bad input (%s)', (backend) => {
  let s: TestServer;
  let id: string;
  let group: string;
  beforeAll(async () => {
    s = await startTestServer(backend, { bodyLimit: 4096, bulk: { maxOperations: 3, maxPayloadSize: 8192 } });
    const created = await s.request('POST', '/Users', {
      schemas: [USER_SCHEMA],
      userName: 'victim@example.com',
      displayName: 'Victim',
    });
    id = created.body.id;
    group = (await s.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Victims' })).body.id;
  });
  afterAll(async () => {
    await s?.close();
  });

  async function lastSeq(): Promise<number> {
    const page = await s.store.readChanges(0, 100_000);
    if (page.status !== 'ok') throw new Error('change feed needs resync');
    return page.lastSeq;
  }

  it.each(CASES)('$name -> $status $scimType', async (c) => {
    const before = await lastSeq();
    const beforeUser = await s.request('GET', `/Users/${id}`);
    const beforeGroup = await s.request('GET', `/Groups/${group}`);
    const r = await send(`${s.base}${c.path.replace('{id}', id).replace('{group}', group)}`, {
      method: c.method,
      headers: {
        authorization: `Bearer ${s.token}`,
        ...(c.body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
        ...c.headers,
      },
      ...(c.body !== undefined ? { body: c.body.replace('{id}', id) } : {}),
    });
    expect(r.status).toBe(c.status);
    expect(r.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(r.body.schemas).toEqual([ERROR_SCHEMA]);
    expect(r.body.status).toBe(String(c.status));
    expect(typeof r.body.detail).toBe('string');
    if (c.scimType !== undefined) expect(r.body.scimType).toBe(c.scimType);
    expect(r.headers.get('allow')).toBe(c.allow ?? null);
    expect(await lastSeq()).toBe(before);
    const afterUser = await s.request('GET', `/Users/${id}`);
    expect(afterUser.body).toEqual(beforeUser.body);
    expect((await s.request('GET', `/Groups/${group}`)).body).toEqual(beforeGroup.body);
  });
});
