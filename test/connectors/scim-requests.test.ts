/**
 * End to end over real HTTP: the requests the SCIM connector sends, as Entra's provisioning client
 * sends them, and what the target then holds, for users, groups, memberships, manager references,
 * disable, re-enable, delete, paging, a 409 on create and brownfield adoption.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { parseFilter } from '../../src/scim/filter/index.js';
import type { ConnectorError } from '../../src/connectors/spi/index.js';
import { scimConnectorFor, startScimTarget, testSignal as signal } from '../support/scim-target/index.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const target = await startScimTarget();
const strictTarget = await startScimTarget({ profile: { entraForms: false } });
afterAll(async () => {
  await target.close();
  await strictTarget.close();
});
beforeEach(() => {
  target.log.length = 0;
  strictTarget.log.length = 0;
});

let n = 0;
const unique = (name: string) => `${name}-${++n}-${Date.now().toString(36)}@example.com`;

function entraUser(userName: string, managerId?: string) {
  return {
    userName,
    active: true,
    displayName: 'Ada Lovelace',
    title: 'Engineer',
    'emails[type eq "work"].value': userName,
    'name.givenName': 'Ada',
    'name.familyName': 'Lovelace',
    externalId: userName.split('@')[0]!,
    [`${ENTERPRISE}:department`]: 'R&D',
    [`${ENTERPRISE}:employeeNumber`]: '42',
    ...(managerId !== undefined ? { [`${ENTERPRISE}:manager`]: managerId } : {}),
  };
}

const lastBody = (method: string) => target.requests(method).at(-1)!.body as Record<string, unknown>;

describe('users', () => {
  const scim = scimConnectorFor(target.url, { profile: 'provisio' });
  afterAll(() => scim.close!());

  it('creates with POST and the nested SCIM shape of Entra’s default mapping, manager as { value: id }', async () => {
    const manager = await scim.create(
      { objectType: 'User', attributes: { userName: unique('boss') } },
      signal(),
    );
    const userName = unique('ada');
    const created = await scim.create(
      { objectType: 'User', attributes: entraUser(userName, manager.id) },
      signal(),
    );
    expect(target.requests('POST', '/Users')).toHaveLength(2);
    expect(lastBody('POST')).toEqual({
      schemas: [USER_SCHEMA, ENTERPRISE],
      userName,
      active: true,
      displayName: 'Ada Lovelace',
      title: 'Engineer',
      emails: [{ type: 'work', value: userName }],
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      externalId: userName.split('@')[0],
      [ENTERPRISE]: { department: 'R&D', employeeNumber: '42', manager: { value: manager.id } },
    });
    // Read back under the mapping's own paths, the manager as the target id again.
    const read = await scim.get!({ objectType: 'User', ref: created }, signal());
    expect(read.attributes).toMatchObject(entraUser(userName, manager.id));
    expect(read.enabled).toBe(true);
  });

  it('PATCHes only the changed attributes, on the paths of the mapping', async () => {
    const m1 = await scim.create({ objectType: 'User', attributes: { userName: unique('m1') } }, signal());
    const m2 = await scim.create({ objectType: 'User', attributes: { userName: unique('m2') } }, signal());
    const userName = unique('grace');
    const user = await scim.create({ objectType: 'User', attributes: entraUser(userName, m1.id) }, signal());
    await scim.update!(
      {
        objectType: 'User',
        ref: user,
        changes: [
          { attribute: 'displayName', oldValue: 'Ada Lovelace', newValue: 'Grace Hopper' },
          { attribute: 'name.givenName', oldValue: 'Ada', newValue: 'Grace' },
          { attribute: 'title', oldValue: 'Engineer', newValue: null },
          { attribute: 'phoneNumbers[type eq "mobile"].value', oldValue: null, newValue: '+1 555 0100' },
          { attribute: `${ENTERPRISE}:manager`, oldValue: m1.id, newValue: m2.id },
        ],
      },
      signal(),
    );
    const patches = target.requests('PATCH');
    expect(patches).toHaveLength(1);
    expect(patches[0]!.path).toBe(`/Users/${user.id}`);
    expect(patches[0]!.body).toEqual({
      schemas: [PATCH_SCHEMA],
      Operations: [
        { op: 'replace', path: 'displayName', value: 'Grace Hopper' },
        { op: 'replace', path: 'name.givenName', value: 'Grace' },
        { op: 'remove', path: 'title' },
        { op: 'add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0100' },
        { op: 'replace', path: `${ENTERPRISE}:manager`, value: { value: m2.id } },
      ],
    });
    const held = target.store.get('User', user.id);
    expect(held.displayName).toBe('Grace Hopper');
    expect(held.name).toEqual({ givenName: 'Grace', familyName: 'Lovelace' });
    expect(held.title).toBeUndefined();
    expect(held.phoneNumbers).toEqual([{ type: 'mobile', value: '+1 555 0100' }]);
    expect((held[ENTERPRISE] as Record<string, unknown>).manager).toEqual({ value: m2.id });
    const read = await scim.get!({ objectType: 'User', ref: user }, signal());
    expect(read.attributes['phoneNumbers[type eq "mobile"].value']).toBe('+1 555 0100');
    expect(read.attributes[`${ENTERPRISE}:manager`]).toBe(m2.id);
    expect(read.attributes.title).toBeUndefined();
  });

  it('sends no request for an update without changes', async () => {
    const user = await scim.create(
      { objectType: 'User', attributes: { userName: unique('idle') } },
      signal(),
    );
    await scim.update!({ objectType: 'User', ref: user, changes: [] }, signal());
    expect(target.requests('PATCH')).toHaveLength(0);
  });

  it('finds by `attr eq "value"` with quotes and backslashes escaped', async () => {
    const userName = `o"brien\\${unique('x')}`;
    const user = await scim.create({ objectType: 'User', attributes: { userName } }, signal());
    target.log.length = 0;
    const found = await scim.find!({ objectType: 'User', attribute: 'userName', value: userName }, signal());
    expect(found.map((o) => o.id)).toEqual([user.id]);
    const filter = target.requests('GET')[0]!.query.filter!;
    expect(filter).toBe(`userName eq ${JSON.stringify(userName)}`);
    expect(parseFilter(filter)).toMatchObject({ kind: 'compare', op: 'eq', value: userName });
  });

  it('finds by a work email with Entra’s filter form', async () => {
    const userName = unique('mail');
    const user = await scim.create({ objectType: 'User', attributes: entraUser(userName) }, signal());
    target.log.length = 0;
    const found = await scim.find!(
      { objectType: 'User', attribute: 'emails[type eq "work"].value', value: userName },
      signal(),
    );
    expect(found.map((o) => o.id)).toEqual([user.id]);
    expect(target.requests('GET')[0]!.query.filter).toBe(`emails[type eq "work"].value eq "${userName}"`);
  });

  it('keeps only the resources that hold the value when a target ignores the filter', async () => {
    target.faults.add({
      kind: 'respond',
      rate: 1,
      methods: ['GET'],
      status: 200,
      body: JSON.stringify({
        totalResults: 3,
        Resources: [
          { id: 'u-other', userName: 'someone.else@example.com' },
          { id: 'u-it', userName: 'WANTED@example.com' },
          { id: 'u-silent', displayName: 'answers no userName' },
        ],
      }),
    });
    try {
      const found = await scim.find!(
        { objectType: 'User', attribute: 'userName', value: 'wanted@example.com' },
        signal(),
      );
      expect(found.map((o) => o.id)).toEqual(['u-it', 'u-silent']);
    } finally {
      target.faults.clear();
    }
  });

  it('disables with PATCH active=false and enables again', async () => {
    const user = await scim.create(
      { objectType: 'User', attributes: { userName: unique('leaver') } },
      signal(),
    );
    await scim.setEnabled!({ objectType: 'User', ref: user, enabled: false }, signal());
    expect(lastBody('PATCH')).toEqual({
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
    expect(target.store.get('User', user.id).active).toBe(false);
    expect((await scim.get!({ objectType: 'User', ref: user }, signal())).enabled).toBe(false);
    await scim.setEnabled!({ objectType: 'User', ref: user, enabled: true }, signal());
    expect(target.store.get('User', user.id).active).toBe(true);
    expect((await scim.get!({ objectType: 'User', ref: user }, signal())).enabled).toBe(true);
  });

  it('deletes with DELETE, and a second delete is not_found', async () => {
    const user = await scim.create(
      { objectType: 'User', attributes: { userName: unique('gone') } },
      signal(),
    );
    await scim.delete!({ objectType: 'User', ref: user }, signal());
    expect(target.requests('DELETE').map((r) => r.path)).toEqual([`/Users/${user.id}`]);
    expect(target.store.resources.User.has(user.id)).toBe(false);
    await expect(scim.delete!({ objectType: 'User', ref: user }, signal())).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('answers already_exists for a 409 on create, and find then adopts the account the target holds', async () => {
    // Brownfield: the account was there before Provisio.
    const userName = unique('brownfield');
    const existing = target.store.create('User', {
      schemas: [USER_SCHEMA],
      userName,
      displayName: 'Already here',
    });
    const error = (await scim
      .create({ objectType: 'User', attributes: { userName, displayName: 'New' } }, signal())
      .catch((e: unknown) => e)) as ConnectorError;
    expect(error).toMatchObject({ code: 'already_exists', targetCode: 409 });
    expect(error.detail).toContain('uniqueness');
    const found = await scim.find!(
      { objectType: 'User', attribute: 'userName', value: userName.toUpperCase() },
      signal(),
    );
    expect(found.map((o) => o.id)).toEqual([existing.id]);
    expect(found[0]!.attributes.displayName).toBe('Already here');
  });

  it('lists with startIndex / count paging', async () => {
    const local = await startScimTarget();
    const c = scimConnectorFor(local.url);
    try {
      for (let i = 0; i < 5; i++)
        await c.create({ objectType: 'User', attributes: { userName: unique('page') } }, signal());
      local.log.length = 0;
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await c.list!(
          { objectType: 'User', pageSize: 2, ...(cursor ? { cursor } : {}) },
          signal(),
        );
        ids.push(...page.objects.map((o) => o.id));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      expect(new Set(ids).size).toBe(5);
      expect(local.requests('GET').map((r) => [r.query.startIndex, r.query.count])).toEqual([
        ['1', '2'],
        ['3', '2'],
        ['5', '2'],
      ]);
    } finally {
      await c.close!();
      await local.close();
    }
  });
});

describe('groups and memberships', () => {
  const scim = scimConnectorFor(target.url, { profile: 'provisio', memberBatchSize: 2 });
  const strict = scimConnectorFor(strictTarget.url, { profile: 'strict-rfc7644', memberBatchSize: 2 });
  afterAll(async () => {
    await scim.close!();
    await strict.close!();
  });

  async function usersOn(c: typeof scim, count: number) {
    const refs = [];
    for (let i = 0; i < count; i++)
      refs.push(await c.create({ objectType: 'User', attributes: { userName: unique('member') } }, signal()));
    return refs;
  }

  it('finds groups with excludedAttributes=members, and reads members by get', async () => {
    const displayName = unique('readers');
    const group = await scim.create({ objectType: 'Group', attributes: { displayName } }, signal());
    const [u1] = await usersOn(scim, 1);
    await scim.addMembers!({ group, members: [u1!] }, signal());
    target.log.length = 0;
    const found = await scim.find!(
      { objectType: 'Group', attribute: 'displayName', value: displayName },
      signal(),
    );
    expect(found.map((g) => g.id)).toEqual([group.id]);
    expect(target.requests('GET')[0]!.query).toEqual({
      filter: `displayName eq "${displayName}"`,
      excludedAttributes: 'members',
    });
    expect((await scim.get!({ objectType: 'Group', ref: group }, signal())).members).toEqual([u1!.id]);
  });

  it('adds members in PATCH batches of memberBatchSize, and removes them by a value array (Entra)', async () => {
    const group = await scim.create(
      { objectType: 'Group', attributes: { displayName: unique('batch') } },
      signal(),
    );
    const users = await usersOn(scim, 5);
    target.log.length = 0;
    await scim.addMembers!({ group, members: users }, signal());
    const adds = target
      .requests('PATCH')
      .map((r) => (r.body as { Operations: { op: string; value: unknown[] }[] }).Operations);
    expect(adds).toHaveLength(3);
    expect(adds.map((ops) => ops[0]!.value.length)).toEqual([2, 2, 1]);
    expect(adds.every((ops) => ops.length === 1 && ops[0]!.op === 'add')).toBe(true);
    expect(new Set(target.store.get('Group', group.id).members as unknown[]).size).toBe(5);
    target.log.length = 0;
    await scim.removeMembers!({ group, members: users.slice(0, 2) }, signal());
    expect(target.requests('PATCH').map((r) => r.body)).toEqual([
      {
        schemas: [PATCH_SCHEMA],
        Operations: [
          { op: 'remove', path: 'members', value: users.slice(0, 2).map((u) => ({ value: u.id })) },
        ],
      },
    ]);
    const members = (await scim.get!({ objectType: 'Group', ref: group }, signal())).members;
    expect(new Set(members)).toEqual(new Set(users.slice(2).map((u) => u.id)));
  });

  it('removes members one path each on a strict target, and an absent member is harmless', async () => {
    const group = await strict.create(
      { objectType: 'Group', attributes: { displayName: unique('strict') } },
      signal(),
    );
    const users = await usersOn(strict, 3);
    await strict.addMembers!({ group, members: users }, signal());
    strictTarget.log.length = 0;
    await strict.removeMembers!({ group, members: [users[0]!] }, signal());
    expect(strictTarget.requests('PATCH')[0]!.body).toEqual({
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'remove', path: `members[value eq "${users[0]!.id}"]` }],
    });
    // users[0] is gone now: the strict target refuses the batch (noTarget), the rest still go.
    await strict.removeMembers!({ group, members: [users[0]!, users[1]!] }, signal());
    const members = (await strict.get!({ objectType: 'Group', ref: group }, signal())).members;
    expect(members).toEqual([users[2]!.id]);
  });

  it('declares disable for users only: a group (no active) is never deleted by setEnabled; enabling a gone one answers not_found', async () => {
    expect(scim.capabilities.disable).toEqual({ objectTypes: ['User'] });
    const group = await scim.create(
      { objectType: 'Group', attributes: { displayName: unique('leaving') } },
      signal(),
    );
    await scim.setEnabled!({ objectType: 'Group', ref: group, enabled: true }, signal());
    expect(target.store.resources.Group.has(group.id)).toBe(true);
    await expect(
      scim.setEnabled!({ objectType: 'Group', ref: group, enabled: false }, signal()),
    ).rejects.toMatchObject({ code: 'schema_violation' });
    expect(target.store.resources.Group.has(group.id)).toBe(true);
    expect(target.requests('DELETE')).toEqual([]);
    // A link an earlier version marked disabled names a group it deleted.
    await scim.delete!({ objectType: 'Group', ref: group }, signal());
    await expect(
      scim.setEnabled!({ objectType: 'Group', ref: group, enabled: true }, signal()),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('answers not_found for an unknown member, whichever way the target says so', async () => {
    const group = await scim.create(
      { objectType: 'Group', attributes: { displayName: unique('unknown') } },
      signal(),
    );
    await expect(scim.addMembers!({ group, members: [{ id: 'nobody' }] }, signal())).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringContaining("'nobody'"),
    });
  });

  it('adds a new email entry the RFC way on a strict target', async () => {
    const user = await strict.create(
      { objectType: 'User', attributes: { userName: unique('rfc') } },
      signal(),
    );
    strictTarget.log.length = 0;
    await strict.update!(
      {
        objectType: 'User',
        ref: user,
        changes: [{ attribute: 'emails[type eq "work"].value', oldValue: null, newValue: 'w@example.com' }],
      },
      signal(),
    );
    expect((strictTarget.requests('PATCH')[0]!.body as { Operations: unknown }).Operations).toEqual([
      { op: 'add', path: 'emails', value: [{ type: 'work', value: 'w@example.com' }] },
    ]);
    const found = await strict.find!(
      { objectType: 'User', attribute: 'emails[type eq "work"].value', value: 'w@example.com' },
      signal(),
    );
    expect(found.map((o) => o.id)).toEqual([user.id]);
    expect(strictTarget.requests('GET').at(-1)!.query.filter).toBe(
      'emails[type eq "work" and value eq "w@example.com"]',
    );
  });
});
