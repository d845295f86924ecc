/**
 * Paths as real clients send them: a trailing slash (`/Users/`, `/Users/?filter=`, `/Groups/{id}/`)
 * and endpoint names in another case (`/users`, `/serviceproviderconfig`) reach the same handlers,
 * while path parameters keep the case they were sent in and unknown paths stay a SCIM 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKENDS,
  ERROR_SCHEMA,
  GROUP_SCHEMA,
  PATCH_SCHEMA,
  USER_SCHEMA,
  startTestServer,
  type TestServer,
} from './server-harness.js';

const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const BULK_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

describe.each(BACKENDS)('routing tolerance (%s)', (backend) => {
  let s: TestServer;
  let userId: string;
  let groupId: string;
  beforeAll(async () => {
    s = await startTestServer(backend);
    const user = await s.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'jdoe@example.com' });
    expect(user.status).toBe(201);
    userId = user.body.id;
    const group = await s.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'staff' });
    expect(group.status).toBe(201);
    groupId = group.body.id;
  });
  afterAll(async () => {
    await s?.close();
  });

  it('a trailing slash reaches the list, the filtered list and the single resource', async () => {
    const list = await s.request('GET', '/Users/');
    expect(list.status).toBe(200);
    expect(list.body.schemas).toEqual([LIST_SCHEMA]);
    expect(list.body.totalResults).toBe(1);
    const filtered = await s.request(
      'GET',
      `/Users/?filter=${encodeURIComponent('userName eq "jdoe@example.com"')}`,
    );
    expect(filtered.status).toBe(200);
    expect(filtered.body.Resources.map((r: { id: string }) => r.id)).toEqual([userId]);
    const none = await s.request('GET', `/Users/?filter=${encodeURIComponent('userName eq "nobody"')}`);
    expect(none.body.totalResults).toBe(0);
    const group = await s.request('GET', `/Groups/${groupId}/`);
    expect(group.status).toBe(200);
    expect(group.body.id).toBe(groupId);
    expect((await s.request('GET', '/ServiceProviderConfig/')).status).toBe(200);
    expect((await s.request('POST', '/Users/.search/', {})).body.totalResults).toBe(1);
  });

  it('endpoint names in another case reach the same handlers', async () => {
    for (const [variant, canonical] of [
      ['/users', '/Users'],
      ['/groups', '/Groups'],
      ['/USERS', '/Users'],
      ['/serviceproviderconfig', '/ServiceProviderConfig'],
      ['/schemas', '/Schemas'],
      ['/resourcetypes', '/ResourceTypes'],
      ['/resourcetypes/User', '/ResourceTypes/User'],
      [`/groups/${groupId}/`, `/Groups/${groupId}`],
    ] as const) {
      const a = await s.request('GET', variant);
      const b = await s.request('GET', canonical);
      expect(a.status, variant).toBe(200);
      expect(a.body, variant).toEqual(b.body);
    }
  });

  it('writes go through the same variants: /users, /groups/{id}/, /bulk', async () => {
    const created = await s.request('POST', '/users', {
      schemas: [USER_SCHEMA],
      userName: 'lower@example.com',
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const patched = await s.request('PATCH', `/users/${id}/`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
    expect(patched.status).toBe(200);
    expect(patched.body.active).toBe(false);
    const members = await s.request('PATCH', `/GROUPS/${groupId}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'add', path: 'members', value: [{ value: id }] }],
    });
    expect(members.status).toBe(200);
    const bulk = await s.request('POST', '/bulk/', {
      schemas: [BULK_SCHEMA],
      Operations: [{ method: 'DELETE', path: `/Users/${id}` }],
    });
    expect(bulk.status).toBe(200);
    expect(bulk.body.Operations[0].status).toBe('204');
    expect(await s.store.get('User', id)).toBeUndefined();
  });

  it('path parameters keep their case: ids and schema URNs are not lower-cased', async () => {
    const missing = await s.request('GET', '/users/MixedCase-Id');
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toBe('User "MixedCase-Id" not found');
    const upper = await s.request('GET', `/Users/${userId.toUpperCase()}`);
    expect(upper.status).toBe(404);
    expect(upper.body.detail).toContain(userId.toUpperCase());
    const schema = await s.request('GET', `/schemas/${CORE_USER}`);
    expect(schema.status).toBe(200);
    expect(schema.body.id).toBe(CORE_USER);
  });

  it('unknown paths are still a SCIM 404, and methods a path lacks a 405, in any case', async () => {
    for (const path of ['/Nope', '/nope/', '/Users/x/y', '/users/x/y/', '/Userz']) {
      const r = await s.request('GET', path);
      expect(r.status, path).toBe(404);
      expect(r.body.schemas).toEqual([ERROR_SCHEMA]);
      expect(r.body.status).toBe('404');
      expect(r.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    }
    const wrongMethod = await s.request('DELETE', '/users/');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD, POST');
    expect((await s.request('GET', '/me/')).status).toBe(501);
  });
});
