/**
 * A replay of Microsoft Entra ID's documented provisioning requests ("Tutorial: Develop and plan
 * provisioning for a SCIM endpoint in Microsoft Entra ID", user and group operations), asserting
 * the documented responses. Values are shaped like the documentation's examples.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startTestServer, type TestServer } from './server-harness.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

const q = (filter: string) => encodeURIComponent(filter);

describe.each(BACKENDS)('Microsoft Entra ID request sequence (%s)', (backend) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(backend);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('provisions, updates, disables and deletes users and groups as Entra ID does', async () => {
    const userName = 'Test_User_dfeef4c5-5681-4387-b016-bdf221e82081';
    const externalId = '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef';

    // 1. Get user by query: no match yet -> empty list response.
    let r = await s.request('GET', `/Users?filter=${q(`userName eq "${userName}"`)}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      schemas: [LIST],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });

    // 2. Create user.
    r = await s.request('POST', '/Users', {
      schemas: [USER, ENTERPRISE],
      externalId,
      userName,
      active: true,
      emails: [
        { primary: true, type: 'work', value: 'Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com' },
      ],
      meta: { resourceType: 'User' },
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      roles: [],
    });
    expect(r.status).toBe(201);
    const userId: string = r.body.id;
    expect(r.body).toMatchObject({
      schemas: [USER],
      userName,
      externalId,
      active: true,
      name: { familyName: 'familyName', givenName: 'givenName' },
      emails: [
        { primary: true, type: 'work', value: 'Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com' },
      ],
      meta: { resourceType: 'User' },
    });
    expect(typeof r.body.meta.created).toBe('string');

    // 3. Get user by id.
    r = await s.request('GET', `/Users/${userId}`);
    expect(r.status).toBe(200);
    expect(r.body.userName).toBe(userName);

    // 4. Get user by query (userName, then externalId as a bare value as in Entra's documentation).
    r = await s.request('GET', `/Users?filter=${q(`userName eq "${userName}"`)}`);
    expect(r.body.totalResults).toBe(1);
    expect(r.body.Resources[0].id).toBe(userId);
    r = await s.request('GET', `/Users?filter=${q(`externalId eq ${externalId}`)}`);
    expect(r.status).toBe(200);
    expect(r.body.totalResults).toBe(1);
    expect(r.body.Resources[0].id).toBe(userId);

    // 5. Update user [multi-valued properties], capitalised op names.
    r = await s.request('PATCH', `/Users/${userId}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
        { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body.emails[0].value).toBe('updatedEmail@microsoft.com');
    expect(r.body.name.familyName).toBe('updatedFamilyName');
    // Matching by work email, in the form Entra ID sends it.
    r = await s.request(
      'GET',
      `/Users?filter=${q('emails[type eq "work"].value eq "updatedEmail@microsoft.com"')}`,
    );
    expect(r.status).toBe(200);
    expect(r.body.totalResults).toBe(1);
    expect(r.body.Resources[0].id).toBe(userId);

    // 6. Update user [single-valued properties].
    r = await s.request('PATCH', `/Users/${userId}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Replace', path: 'userName', value: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com' },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body.userName).toBe('5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com');

    // 7. Add an attribute with "Add", and a string boolean as Entra ID sends without the compliance flag.
    r = await s.request('PATCH', `/Users/${userId}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Add', path: 'displayName', value: 'Test User' },
        { op: 'Replace', path: 'active', value: 'False' },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body.displayName).toBe('Test User');
    expect(r.body.active).toBe(false);

    // 8. Disable user (boolean value), path-less form with a string boolean too.
    r = await s.request('PATCH', `/Users/${userId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'active', value: true }],
    });
    expect(r.body.active).toBe(true);
    r = await s.request('PATCH', `/Users/${userId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', value: { active: 'False' } }],
    });
    expect(r.status).toBe(200);
    expect(r.body.active).toBe(false);

    // 9. Groups: query by displayName without members -> nothing yet.
    const displayName = 'displayName';
    r = await s.request(
      'GET',
      `/Groups?excludedAttributes=members&filter=${q(`displayName eq "${displayName}"`)}`,
    );
    expect(r.status).toBe(200);
    expect(r.body.totalResults).toBe(0);

    // 10. Create group, with the extra schema URN the documentation's request lists.
    r = await s.request('POST', '/Groups', {
      schemas: [GROUP, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName,
      meta: { resourceType: 'Group' },
    });
    expect(r.status).toBe(201);
    const groupId: string = r.body.id;
    expect(r.body).toMatchObject({
      schemas: [GROUP],
      displayName,
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      meta: { resourceType: 'Group' },
    });

    // 11. Get group by id and by displayName, without members.
    r = await s.request('GET', `/Groups/${groupId}?excludedAttributes=members`);
    expect(r.status).toBe(200);
    expect(r.body.members).toBeUndefined();
    r = await s.request(
      'GET',
      `/Groups?excludedAttributes=members&filter=${q(`displayName eq "${displayName}"`)}`,
    );
    expect(r.body.totalResults).toBe(1);
    expect(r.body.Resources[0].id).toBe(groupId);
    expect(r.body.Resources[0].members).toBeUndefined();

    // 12. Update group [non-member attributes].
    r = await s.request('PATCH', `/Groups/${groupId}`, {
      schemas: [PATCH_OP],
      Operations: [
        {
          op: 'Replace',
          path: 'displayName',
          value: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName',
        },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body.displayName).toBe('1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName');

    // 13. Update group [add members], "$ref": null as in the documentation.
    r = await s.request('PATCH', `/Groups/${groupId}?excludedAttributes=members`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: userId }] }],
    });
    expect(r.status).toBe(200);
    expect(r.body.members).toBeUndefined();
    r = await s.request('GET', `/Groups/${groupId}`);
    expect(r.body.members.map((m: { value: string }) => m.value)).toEqual([userId]);

    // 14. Update group [remove members].
    r = await s.request('PATCH', `/Groups/${groupId}?excludedAttributes=members`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: userId }] }],
    });
    expect(r.status).toBe(200);
    r = await s.request('GET', `/Groups/${groupId}`);
    expect(r.body.members ?? []).toEqual([]);

    // 15. Delete group, delete user.
    r = await s.request('DELETE', `/Groups/${groupId}`);
    expect(r.status).toBe(204);
    expect(r.text).toBe('');
    r = await s.request('DELETE', `/Users/${userId}`);
    expect(r.status).toBe(204);
    r = await s.request('GET', `/Users/${userId}`);
    expect(r.status).toBe(404);
  });

  it('Okta: PUT with active=false and PATCH {op: replace, value: {active: false}}', async () => {
    let r = await s.request('POST', '/Users', {
      schemas: [USER],
      userName: 'isaac.brock@example.com',
      name: { givenName: 'Isaac', familyName: 'Brock' },
      emails: [{ primary: true, value: 'isaac.brock@example.com', type: 'work' }],
      displayName: 'Isaac Brock',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      password: '1mz050nq',
      active: true,
    });
    expect(r.status).toBe(201);
    expect(r.body.password).toBeUndefined();
    const id: string = r.body.id;
    r = await s.request(
      'GET',
      `/Users?filter=${q('userName eq "isaac.brock@example.com"')}&startIndex=1&count=100`,
    );
    expect(r.body.totalResults).toBe(1);

    r = await s.request('PUT', `/Users/${id}`, {
      schemas: [USER],
      id,
      userName: 'isaac.brock@example.com',
      name: { givenName: 'Isaac', familyName: 'Brock' },
      emails: [{ primary: true, value: 'isaac.brock@example.com', type: 'work' }],
      displayName: 'Isaac Brock',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      active: false,
      meta: { resourceType: 'User' },
    });
    expect(r.status).toBe(200);
    expect(r.body.active).toBe(false);
    expect(r.body.id).toBe(id);

    r = await s.request('PATCH', `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', value: { active: true } }],
    });
    expect(r.body.active).toBe(true);
    r = await s.request('PATCH', `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', value: { active: false } }],
    });
    expect(r.status).toBe(200);
    expect(r.body.active).toBe(false);
    r = await s.request('GET', `/Users/${id}`);
    expect(r.body.active).toBe(false);
  });

  it('Okta group push: create, membership PATCH, rename PATCH echoing the id, DELETE', async () => {
    const alice = (await s.request('POST', '/Users', { schemas: [USER], userName: 'okta.alice@example.com' }))
      .body.id;
    const bob = (await s.request('POST', '/Users', { schemas: [USER], userName: 'okta.bob@example.com' }))
      .body.id;
    let r = await s.request('POST', '/Groups', { schemas: [GROUP], displayName: 'Okta Push', members: [] });
    expect(r.status).toBe(201);
    const groupId: string = r.body.id;
    r = await s.request('PATCH', `/Groups/${groupId}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'remove', path: `members[value eq "${bob}"]` },
        { op: 'add', path: 'members', value: [{ value: alice, display: 'okta.alice@example.com' }] },
      ],
    });
    expect(r.status).toBe(200);
    // Okta sends the rename with every membership update, echoing the group's read-only id.
    r = await s.request('PATCH', `/Groups/${groupId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', value: { id: groupId, displayName: 'Okta Push Renamed' } }],
    });
    expect(r.status).toBe(200);
    expect(r.body.displayName).toBe('Okta Push Renamed');
    expect(r.body.id).toBe(groupId);
    r = await s.request('PATCH', `/Groups/${groupId}`, {
      schemas: [PATCH_OP],
      Operations: [
        {
          op: 'replace',
          path: 'members',
          value: [
            { value: alice, display: 'okta.alice@example.com' },
            { value: bob, display: 'okta.bob@example.com' },
          ],
        },
      ],
    });
    expect(r.body.members.map((m: { value: string }) => m.value).sort()).toEqual([alice, bob].sort());
    r = await s.request('PATCH', `/Groups/${groupId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', value: { id: 'another-id', displayName: 'x' } }],
    });
    expect(r.status).toBe(400);
    expect(r.body.scimType).toBe('mutability');
    r = await s.request('DELETE', `/Groups/${groupId}`);
    expect(r.status).toBe(204);
  });
});
