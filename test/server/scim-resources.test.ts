/**
 * The SCIM endpoints over a real socket: every route, status codes, headers, ETags, projection,
 * list paging and sorting, root search, discovery.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKENDS,
  GROUP_SCHEMA,
  PATCH_SCHEMA,
  USER_SCHEMA,
  startTestServer,
  type TestServer,
} from './server-harness.js';
import { verifyPassword } from '../../src/directory/resources/user-password.js';

const SCIM_JSON = /^application\/scim\+json/;

function user(userName: string, extra: Record<string, unknown> = {}) {
  return {
    schemas: [USER_SCHEMA],
    userName,
    active: true,
    name: { givenName: 'Given', familyName: 'Family' },
    ...extra,
  };
}

describe.each(BACKENDS)('SCIM resources (%s)', (backend) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(backend);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('creates a user: 201, Location, weak ETag, meta, scim+json', async () => {
    const r = await s.request('POST', '/Users', user('create.one@example.com', { externalId: 'ext-1' }));
    expect(r.status).toBe(201);
    expect(r.headers.get('content-type')).toMatch(SCIM_JSON);
    expect(r.body.id).toEqual(expect.any(String));
    expect(r.headers.get('location')).toBe(`${s.base}/Users/${r.body.id}`);
    expect(r.body.meta.location).toBe(r.headers.get('location'));
    expect(r.body.meta.resourceType).toBe('User');
    expect(r.headers.get('etag')).toMatch(/^W\/"\d+"$/);
    expect(r.body.meta.version).toBe(r.headers.get('etag'));
    expect(r.body.schemas).toEqual([USER_SCHEMA]);
    expect(r.body.userName).toBe('create.one@example.com');
  });

  it('gets by id with ETag; If-None-Match gives 304; unknown id 404', async () => {
    const created = await s.request('POST', '/Users', user('get.one@example.com'));
    const r = await s.request('GET', `/Users/${created.body.id}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('etag')).toBe(created.headers.get('etag'));
    const notModified = await s.request('GET', `/Users/${created.body.id}`, undefined, {
      'if-none-match': created.headers.get('etag')!,
    });
    expect(notModified.status).toBe(304);
    expect(notModified.text).toBe('');
    const modified = await s.request('GET', `/Users/${created.body.id}`, undefined, {
      'if-none-match': 'W/"999"',
    });
    expect(modified.status).toBe(200);
    const missing = await s.request('GET', '/Users/00000000-0000-0000-0000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(SCIM_JSON);
    expect(missing.body.status).toBe('404');
  });

  it('409 uniqueness on a duplicate userName (case-insensitive) and group displayName', async () => {
    await s.request('POST', '/Users', user('dup@example.com'));
    const r = await s.request('POST', '/Users', user('DUP@example.com'));
    expect(r.status).toBe(409);
    expect(r.body.scimType).toBe('uniqueness');
    await s.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Dup Group' });
    const g = await s.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Dup Group' });
    expect(g.status).toBe(409);
    expect(g.body.scimType).toBe('uniqueness');
  });

  it('PUT replaces; If-Match mismatch is 412 and a match succeeds', async () => {
    const created = await s.request('POST', '/Users', user('put.one@example.com', { title: 'Engineer' }));
    const id = created.body.id;
    const stale = await s.request('PUT', `/Users/${id}`, user('put.one@example.com', { title: 'Lead' }), {
      'if-match': 'W/"12345"',
    });
    expect(stale.status).toBe(412);
    const r = await s.request('PUT', `/Users/${id}`, user('put.one@example.com', { active: false }), {
      'if-match': created.headers.get('etag')!,
    });
    expect(r.status).toBe(200);
    expect(r.body.active).toBe(false);
    expect(r.body.title).toBeUndefined();
    expect(r.headers.get('etag')).not.toBe(created.headers.get('etag'));
    const missing = await s.request(
      'PUT',
      '/Users/00000000-0000-0000-0000-000000000000',
      user('x@example.com'),
    );
    expect(missing.status).toBe(404);
  });

  it('PATCH returns 200 with the resource and honours attributes; If-Match mismatch 412', async () => {
    const created = await s.request('POST', '/Users', user('patch.one@example.com'));
    const id = created.body.id;
    const body = {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'replace', path: 'displayName', value: 'Patched' }],
    };
    const stale = await s.request('PATCH', `/Users/${id}`, body, { 'if-match': 'W/"777"' });
    expect(stale.status).toBe(412);
    const r = await s.request('PATCH', `/Users/${id}?attributes=displayName`, body);
    expect(r.status).toBe(200);
    expect(r.body.displayName).toBe('Patched');
    expect(r.body.id).toBe(id);
    expect(r.body.userName).toBeUndefined();
    expect(r.headers.get('etag')).toMatch(/^W\/"\d+"$/);
  });

  it('PATCH reads PatchOp members case-insensitively (OPERATIONS, Op, Path, Value)', async () => {
    const created = await s.request('POST', '/Users', user('patch.case@example.com'));
    const id = created.body.id;
    const r = await s.request('PATCH', `/Users/${id}`, {
      Schemas: [PATCH_SCHEMA],
      OPERATIONS: [
        { Op: 'Replace', Path: 'displayName', Value: 'Cased' },
        { OP: 'replace', PATH: 'active', VALUE: 'False' },
        { op: 'Add', value: { title: 'No path' } },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body.displayName).toBe('Cased');
    expect(r.body.active).toBe(false);
    expect(r.body.title).toBe('No path');
    const bad = await s.request('PATCH', `/Users/${id}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'replace', Path: 'displayName[', value: 'x' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.scimType).toBe('invalidPath');
    expect((await s.request('GET', `/Users/${id}`)).body.displayName).toBe('Cased');
  });

  it('DELETE gives 204, then 404; If-Match mismatch 412', async () => {
    const created = await s.request('POST', '/Users', user('delete.one@example.com'));
    const id = created.body.id;
    expect((await s.request('DELETE', `/Users/${id}`, undefined, { 'if-match': 'W/"4242"' })).status).toBe(
      412,
    );
    const r = await s.request('DELETE', `/Users/${id}`);
    expect(r.status).toBe(204);
    expect((await s.request('GET', `/Users/${id}`)).status).toBe(404);
    expect((await s.request('DELETE', `/Users/${id}`)).status).toBe(404);
  });

  it('If-None-Match on PUT, PATCH and DELETE: 412 when it names the current version or is *', async () => {
    const created = await s.request('POST', '/Users', user('if-none-match@example.com'));
    const id = created.body.id;
    const etag = created.headers.get('etag')!;
    const patch = { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'title', value: 't' }] };
    for (const condition of [etag, '*', `W/"999", ${etag}`]) {
      const headers = { 'if-none-match': condition };
      expect((await s.request('PATCH', `/Users/${id}`, patch, headers)).status).toBe(412);
      expect(
        (await s.request('PUT', `/Users/${id}`, user('if-none-match@example.com'), headers)).status,
      ).toBe(412);
      expect((await s.request('DELETE', `/Users/${id}`, undefined, headers)).status).toBe(412);
    }
    expect((await s.request('GET', `/Users/${id}`)).body.title).toBeUndefined();
    // Another version: the write goes ahead, and still honours If-Match.
    const other = { 'if-none-match': 'W/"999"' };
    expect(
      (await s.request('PATCH', `/Users/${id}`, patch, { ...other, 'if-match': 'W/"998"' })).status,
    ).toBe(412);
    const patched = await s.request('PATCH', `/Users/${id}`, patch, other);
    expect(patched.status).toBe(200);
    expect(patched.body.title).toBe('t');
    expect((await s.request('DELETE', `/Users/${id}`, undefined, other)).status).toBe(204);
  });

  it('GET and DELETE with a SCIM Content-Type header and no body (as many clients send them)', async () => {
    const created = await s.request('POST', '/Users', user('content-type.no-body@example.com'));
    const headers = { 'content-type': 'application/scim+json' };
    const got = await s.request('GET', `/Users/${created.body.id}`, undefined, headers);
    expect(got.status).toBe(200);
    expect(got.body.userName).toBe('content-type.no-body@example.com');
    const deleted = await s.request('DELETE', `/Users/${created.body.id}`, undefined, headers);
    expect(deleted.status).toBe(204);
    expect((await s.request('GET', `/Users/${created.body.id}`)).status).toBe(404);
  });

  it('changePassword: /ServiceProviderConfig advertises it and a PATCH or PUT of password changes it', async () => {
    // RFC 7643 §5: changePassword says whether the password attribute can be changed. It can: by
    // PATCH (path, URN path or a path-less value) and by PUT, each stored as a new scrypt hash.
    const spc = await s.request('GET', '/ServiceProviderConfig');
    expect(spc.status).toBe(200);
    expect(spc.body.changePassword).toEqual({ supported: true });
    const created = await s.request('POST', '/Users', user('change.password@example.com'));
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const storedPassword = async () => (await s.store.get('User', id))!.attributes.password as string;
    expect(await storedPassword()).toBeUndefined();
    const changes: [string, unknown][] = [
      ['fIrst-1', { op: 'replace', path: 'password', value: 'fIrst-1' }],
      ['s3cond-2', { op: 'add', path: `${USER_SCHEMA}:password`, value: 's3cond-2' }],
      ['th1rd-3', { op: 'replace', value: { password: 'th1rd-3' } }],
    ];
    for (const [password, operation] of changes) {
      const patched = await s.request('PATCH', `/Users/${id}`, {
        schemas: [PATCH_SCHEMA],
        Operations: [operation],
      });
      expect(patched.status, password).toBe(200);
      expect(patched.body.password).toBeUndefined();
      const stored = await storedPassword();
      expect(stored.startsWith('$scrypt$'), password).toBe(true);
      expect(await verifyPassword(password, stored), password).toBe(true);
    }
    const current = (await s.request('GET', `/Users/${id}`)).body;
    expect((await s.request('PUT', `/Users/${id}`, { ...current, password: 'f0urth-4' })).status).toBe(200);
    expect(await verifyPassword('f0urth-4', await storedPassword())).toBe(true);
  });

  it('password: accepted, stored as a hash, never returned, not filterable', async () => {
    const created = await s.request(
      'POST',
      '/Users',
      user('password.user@example.com', { password: 't1meMa$heen' }),
    );
    expect(created.status).toBe(201);
    expect(created.body.password).toBeUndefined();
    const stored = (await s.store.get('User', created.body.id))!.attributes.password as string;
    expect(stored).not.toContain('t1meMa$heen');
    expect(await verifyPassword('t1meMa$heen', stored)).toBe(true);
    const patched = await s.request('PATCH', `/Users/${created.body.id}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'replace', path: 'password', value: 'n3wPa$$' }],
    });
    expect(patched.status).toBe(200);
    expect(patched.body.password).toBeUndefined();
    const after = (await s.store.get('User', created.body.id))!.attributes.password as string;
    expect(await verifyPassword('n3wPa$$', after)).toBe(true);
    const filtered = await s.request('GET', `/Users?filter=${encodeURIComponent('password eq "n3wPa$$"')}`);
    expect(filtered.status).toBe(400);
    expect(filtered.body.scimType).toBe('invalidFilter');
    // Okta's update: GET, change, PUT the whole user back, which cannot carry the password.
    const current = (await s.request('GET', `/Users/${created.body.id}`)).body;
    const put = await s.request('PUT', `/Users/${created.body.id}`, { ...current, title: 'Engineer' });
    expect(put.status).toBe(200);
    const kept = (await s.store.get('User', created.body.id))!.attributes.password as string;
    expect(await verifyPassword('n3wPa$$', kept)).toBe(true);
    await s.request('PUT', `/Users/${created.body.id}`, { ...current, password: 'th1rd' });
    const replaced = (await s.store.get('User', created.body.id))!.attributes.password as string;
    expect(await verifyPassword('th1rd', replaced)).toBe(true);
    const listed = await s.request(
      'GET',
      `/Users?attributes=password&filter=${encodeURIComponent('userName eq "password.user@example.com"')}`,
    );
    expect(listed.body.Resources[0].password).toBeUndefined();
  });

  it('lists with filter, sortBy, sortOrder, startIndex, count and attributes', async () => {
    for (const n of ['c', 'a', 'b', 'e', 'd'])
      await s.request('POST', '/Users', user(`list-${n}@example.org`));
    const filter = encodeURIComponent('userName sw "list-"');
    const r = await s.request(
      'GET',
      `/Users?filter=${filter}&sortBy=userName&sortOrder=descending&startIndex=2&count=2&attributes=userName`,
    );
    expect(r.status).toBe(200);
    expect(r.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
    expect(r.body.totalResults).toBe(5);
    expect(r.body.startIndex).toBe(2);
    expect(r.body.itemsPerPage).toBe(2);
    expect(r.body.Resources.map((u: { userName: string }) => u.userName)).toEqual([
      'list-d@example.org',
      'list-c@example.org',
    ]);
    expect(Object.keys(r.body.Resources[0]).sort()).toEqual(['id', 'schemas', 'userName']);
    const countOnly = await s.request('GET', `/Users?filter=${filter}&count=0`);
    expect(countOnly.body.totalResults).toBe(5);
    expect(countOnly.body.Resources).toEqual([]);
    const none = await s.request('GET', `/Users?filter=${encodeURIComponent('userName eq "nobody@x"')}`);
    expect(none.body.totalResults).toBe(0);
    expect(none.body.Resources).toEqual([]);
  });

  it('caps count at the maximum', async () => {
    const r = await s.request('GET', '/Users?count=100000');
    expect(r.status).toBe(200);
    expect(r.body.itemsPerPage).toBeLessThanOrEqual(1000);
  });

  it('POST /Users/.search and /.search at the root', async () => {
    await s.request('POST', '/Users', user('search-u@example.net'));
    await s.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'search-g' });
    const search = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: 'userName eq "search-u@example.net"',
      attributes: ['userName'],
    };
    const r = await s.request('POST', '/Users/.search', search);
    expect(r.status).toBe(200);
    expect(r.body.totalResults).toBe(1);
    expect(r.body.Resources[0].userName).toBe('search-u@example.net');
    const groups = await s.request('POST', '/Groups/.search', { filter: 'displayName eq "search-g"' });
    expect(groups.body.totalResults).toBe(1);
    const root = await s.request('POST', '/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: 'meta.lastModified gt "2000-01-01T00:00:00Z"',
      count: 1000,
    });
    expect(root.status).toBe(200);
    const types = new Set(
      root.body.Resources.map((x: { meta: { resourceType: string } }) => x.meta.resourceType),
    );
    expect(types).toEqual(new Set(['User', 'Group']));
    expect(root.body.totalResults).toBe(root.body.Resources.length);
    const paged = await s.request('POST', '/.search', { count: 1, startIndex: root.body.totalResults });
    expect(paged.body.Resources).toHaveLength(1);
    expect(paged.body.Resources[0].meta.resourceType).toBe('Group');
  });

  it('groups: members, excludedAttributes=members, PATCH add/remove', async () => {
    const u1 = (await s.request('POST', '/Users', user('member-1@example.com'))).body.id;
    const u2 = (await s.request('POST', '/Users', user('member-2@example.com'))).body.id;
    const g = await s.request('POST', '/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'Members',
      members: [{ value: u1 }],
    });
    expect(g.status).toBe(201);
    expect(g.headers.get('location')).toBe(`${s.base}/Groups/${g.body.id}`);
    const id = g.body.id;
    const add = await s.request('PATCH', `/Groups/${id}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'add', path: 'members', value: [{ value: u2 }] }],
    });
    expect(add.status).toBe(200);
    expect(add.body.members.map((m: { value: string }) => m.value).sort()).toEqual([u1, u2].sort());
    const slim = await s.request('GET', `/Groups/${id}?excludedAttributes=members`);
    expect(slim.body.members).toBeUndefined();
    expect(slim.body.displayName).toBe('Members');
    const remove = await s.request('PATCH', `/Groups/${id}?excludedAttributes=members`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'remove', path: `members[value eq "${u1}"]` }],
    });
    expect(remove.status).toBe(200);
    expect(remove.body.members).toBeUndefined();
    const full = await s.request('GET', `/Groups/${id}`);
    expect(full.body.members.map((m: { value: string }) => m.value)).toEqual([u2]);
    const memberOf = await s.request('GET', `/Users/${u2}`);
    expect(memberOf.body.groups.map((x: { value: string }) => x.value)).toContain(id);
  });

  it('PUT of a group clears omitted members, sets named ones, clears on []', async () => {
    const u1 = (await s.request('POST', '/Users', user('put-member-1@example.com'))).body.id;
    const u2 = (await s.request('POST', '/Users', user('put-member-2@example.com'))).body.id;
    const g = await s.request('POST', '/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'Put Members',
      members: [{ value: u1 }],
    });
    const id = g.body.id;
    const values = (body: { members?: { value: string }[] }) => (body.members ?? []).map((m) => m.value);
    const renamed = await s.request('PUT', `/Groups/${id}`, {
      schemas: [GROUP_SCHEMA],
      displayName: 'Put Renamed',
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.displayName).toBe('Put Renamed');
    // RFC 7644 §3.5.1: an omitted attribute is cleared by PUT, members too.
    expect(values(renamed.body)).toEqual([]);
    expect(values((await s.request('GET', `/Groups/${id}`)).body)).toEqual([]);
    const swapped = await s.request('PUT', `/Groups/${id}`, {
      schemas: [GROUP_SCHEMA],
      displayName: 'Put Renamed',
      members: [{ value: u2 }],
    });
    expect(values(swapped.body)).toEqual([u2]);
    const cleared = await s.request('PUT', `/Groups/${id}`, {
      schemas: [GROUP_SCHEMA],
      displayName: 'Put Renamed',
      members: [],
    });
    expect(cleared.status).toBe(200);
    expect(values((await s.request('GET', `/Groups/${id}`)).body)).toEqual([]);
    const readded = await s.request('PATCH', `/Groups/${id}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'add', path: 'members', value: [{ value: u1 }] }],
    });
    expect(readded.status).toBe(200);
    expect(values(readded.body)).toEqual([u1]);
    const nulled = await s.request('PUT', `/Groups/${id}`, {
      schemas: [GROUP_SCHEMA],
      displayName: 'Put Renamed',
      Members: null,
    });
    expect(nulled.status).toBe(200);
    expect(values((await s.request('GET', `/Groups/${id}`)).body)).toEqual([]);
  });

  it('members and groups carry display and $ref (RFC 7643 §4.2, §4.1.2)', async () => {
    const named = (
      await s.request('POST', '/Users', user('ref.named@example.com', { displayName: 'Babs Jensen' }))
    ).body.id;
    const bare = (await s.request('POST', '/Users', user('ref.bare@example.com'))).body.id;
    const inner = (
      await s.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Ref Inner', members: [] })
    ).body.id;
    const created = await s.request('POST', '/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'Ref Outer',
      members: [{ value: named }, { value: bare }, { value: inner }],
    });
    const expected = [
      { value: named, $ref: `${s.base}/Users/${named}`, display: 'Babs Jensen', type: 'User' },
      // A user without displayName is shown by its userName.
      { value: bare, $ref: `${s.base}/Users/${bare}`, display: 'ref.bare@example.com', type: 'User' },
      { value: inner, $ref: `${s.base}/Groups/${inner}`, display: 'Ref Inner', type: 'Group' },
    ].sort((a, b) => a.value.localeCompare(b.value));
    const byValue = (members: { value: string }[]) =>
      [...members].sort((a, b) => a.value.localeCompare(b.value));
    expect(byValue(created.body.members)).toEqual(expected);
    const read = await s.request('GET', `/Groups/${created.body.id}`);
    expect(byValue(read.body.members)).toEqual(expected);
    const member = await s.request('GET', `/Users/${named}`);
    expect(member.body.groups).toEqual([
      {
        value: created.body.id,
        $ref: `${s.base}/Groups/${created.body.id}`,
        display: 'Ref Outer',
        type: 'direct',
      },
    ]);
    const filtered = await s.request(
      'GET',
      `/Groups?filter=${encodeURIComponent('members[display eq "Babs Jensen"]')}&attributes=displayName`,
    );
    expect(filtered.body.Resources.map((g: { displayName: string }) => g.displayName)).toEqual(['Ref Outer']);
  });

  it('discovery: ServiceProviderConfig, ResourceTypes, Schemas (and by id)', async () => {
    const spc = await s.request('GET', '/ServiceProviderConfig');
    expect(spc.status).toBe(200);
    expect(spc.headers.get('content-type')).toMatch(SCIM_JSON);
    expect(spc.body.patch.supported).toBe(true);
    expect(spc.body.bulk).toEqual({ supported: true, maxOperations: 1000, maxPayloadSize: 4194304 });
    expect(spc.body.filter).toEqual({ supported: true, maxResults: 1000 });
    expect(spc.body.etag.supported).toBe(true);
    expect(spc.body.sort.supported).toBe(true);
    expect(spc.body.changePassword).toEqual({ supported: true });
    expect(spc.body.authenticationSchemes[0].type).toBe('oauthbearertoken');
    const types = await s.request('GET', '/ResourceTypes');
    expect(types.body.Resources.map((t: { name: string }) => t.name)).toEqual(['User', 'Group']);
    const userType = await s.request('GET', '/ResourceTypes/User');
    expect(userType.body.endpoint).toBe('/Users');
    const schemas = await s.request('GET', '/Schemas');
    expect(schemas.body.Resources.map((x: { id: string }) => x.id)).toContain(USER_SCHEMA);
    const one = await s.request('GET', `/Schemas/${USER_SCHEMA}`);
    expect(one.status).toBe(200);
    expect(one.body.id).toBe(USER_SCHEMA);
    expect((await s.request('GET', '/Schemas/urn:nope')).status).toBe(404);
    expect((await s.request('GET', '/ResourceTypes/Nope')).status).toBe(404);
  });

  it.each([
    ['application/scim+json; charset=utf-8', 201],
    ['application/json;charset=UTF-8', 201],
    ['APPLICATION/SCIM+JSON', 201],
    ['application/jsonx', 415],
    ['application/scim+jsonfoo', 415],
  ])('request media type %s -> %i', async (contentType, status) => {
    const r = await s.request('POST', '/Users', user(`media-${contentType.length}-${status}@example.com`), {
      'content-type': contentType,
    });
    expect(r.status).toBe(status);
  });

  it('/Me answers 501 Not Implemented for every method, after authentication (RFC 7644 §3.11)', async () => {
    for (const [method, path, body] of [
      ['GET', '/Me', undefined],
      ['POST', '/Me', user('me@example.com')],
      ['PUT', '/Me', user('me@example.com')],
      ['PATCH', '/Me', { schemas: [PATCH_SCHEMA], Operations: [] }],
      ['DELETE', '/Me', undefined],
      ['GET', '/Me/anything', undefined],
    ] as const) {
      const r = await s.request(method, path, body);
      expect(r.status, `${method} ${path}`).toBe(501);
      expect(r.headers.get('content-type')).toMatch(SCIM_JSON);
      expect(r.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
      expect(r.body.detail).toMatch(/not directory users/);
    }
    const anonymous = await fetch(`${s.base}/Me`);
    expect(anonymous.status).toBe(401);
    // A body that is not even JSON is not read: the answer is still 501.
    const garbled = await s.request('POST', '/Me', undefined, { 'content-type': 'text/plain' });
    expect(garbled.status).toBe(501);
  });

  it('GET /healthz answers without a token', async () => {
    const r = await fetch(s.base.replace('/scim/v2', '/healthz'));
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: 'ok' });
  });
});

describe('public URL (sqlite)', () => {
  it('Location and meta.location use the configured public URL', async () => {
    const s = await startTestServer('sqlite', { publicUrl: 'https://idp.example.com/' });
    try {
      const r = await s.request('POST', '/Users', user('public.url@example.com'));
      expect(r.headers.get('location')).toBe(`https://idp.example.com/scim/v2/Users/${r.body.id}`);
      expect(r.body.meta.location).toBe(r.headers.get('location'));
    } finally {
      await s.close();
    }
  });
});

describe.each(BACKENDS)('excludedAttributes=members does not load members (%s)', (backend) => {
  it('no statement reads group_members for GET, list and PATCH without members', async () => {
    const statements: string[] = [];
    const s = await startTestServer(backend, {}, (sql) => statements.push(sql));
    try {
      const u = (await s.request('POST', '/Users', user('lazy@example.com'))).body.id;
      const g = (
        await s.request('POST', '/Groups', {
          schemas: [GROUP_SCHEMA],
          displayName: 'Lazy',
          members: [{ value: u }],
        })
      ).body.id;
      const readsMembers = () => statements.filter((q) => /select[\s\S]*group_members/i.test(q));
      statements.length = 0;
      const got = await s.request('GET', `/Groups/${g}?excludedAttributes=members`);
      expect(got.status).toBe(200);
      const listed = await s.request(
        'GET',
        `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "Lazy"')}`,
      );
      expect(listed.status).toBe(200);
      expect(listed.body.totalResults).toBe(1);
      // Not a rename: that finds the users below the group, whose `groups` show the new name.
      const patched = await s.request('PATCH', `/Groups/${g}?excludedAttributes=members`, {
        schemas: [PATCH_SCHEMA],
        Operations: [{ op: 'replace', path: 'externalId', value: 'lazier' }],
      });
      expect(patched.status).toBe(200);
      expect(patched.body.externalId).toBe('lazier');
      expect(patched.body.members).toBeUndefined();
      expect(readsMembers()).toEqual([]);
      const full = await s.request('GET', `/Groups/${g}`);
      expect(full.status).toBe(200);
      expect(full.body.members.map((m: { value: string }) => m.value)).toEqual([u]);
      expect(readsMembers().length).toBeGreaterThan(0);
    } finally {
      await s.close();
    }
  });
});
