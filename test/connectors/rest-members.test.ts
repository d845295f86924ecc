/**
 * REST group members over real HTTP against the test API, each way an API takes them: one
 * request per member, a batch of ids in the body with the operation's own batch size, a batch of
 * member objects built from `memberItem`, a batch removed through `{memberIds}` in the URL, and
 * the members array of the group written through update (membership: array). Settings that
 * cannot work are refused with the path at fault.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { restConnector } from '../../src/connectors/rest/index.js';
import { ConnectorLoadError, ConnectorRegistry, type Connector } from '../../src/connectors/spi/index.js';
import { startRestApi, type RestApi } from '../support/rest-api/rest-api.js';
import { restSettingsFor } from '../support/rest-api/rest-app-settings.js';

const registry = new ConnectorRegistry().register(restConnector);
const api: RestApi = await startRestApi();
const closers: (() => Promise<unknown>)[] = [() => api.close()];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});
const signal = () => AbortSignal.timeout(10_000);

type GroupSettings = {
  membersPath?: string;
  memberIdPath?: string;
  membership?: string;
  operations: Record<string, unknown>;
};
type Settings = { objects: { User: { operations: Record<string, unknown> }; Group: GroupSettings } };

async function open(edit: (settings: Settings) => void, extra: Record<string, unknown> = {}) {
  const settings = restSettingsFor(api.url, { disable: false }) as unknown as Settings;
  edit(settings);
  const connector = await registry.open(
    { kind: 'rest', settings: { ...settings, ...extra } },
    { credentials: { token: api.token } },
  );
  closers.push(async () => connector.close?.());
  return connector;
}

let n = 0;
async function usersAndGroup(c: Connector, count: number) {
  const members = [];
  for (let i = 0; i < count; i++) {
    const created = await c.create(
      { objectType: 'User', attributes: { userName: `m${++n}@example.com` } },
      signal(),
    );
    members.push({ id: created.id });
  }
  const group = await c.create(
    { objectType: 'Group', attributes: { displayName: `Group ${++n}` } },
    signal(),
  );
  return { members, group: { id: group.id } };
}

const held = (groupId: string) => [...(api.store.objects.groups.get(groupId)!.members as string[])].sort();
const ids = (refs: { id: string }[]) => refs.map((r) => r.id).sort();

describe('member operations', () => {
  it('one request per member by default: POST then DELETE /groups/{groupId}/members/{memberId}', async () => {
    const c = await open(() => {});
    const { members, group } = await usersAndGroup(c, 3);
    api.requests.clear();
    await c.addMembers!({ group, members }, signal());
    expect(api.requests.get('POST')).toBe(3);
    expect(held(group.id)).toEqual(ids(members));
    await c.removeMembers!({ group, members: members.slice(0, 2) }, signal());
    expect(api.requests.get('DELETE')).toBe(2);
    expect(held(group.id)).toEqual(ids(members.slice(2)));
  });

  it("an operation's batchSize wins over memberBatchSize; {memberIds} in a URL removes a batch", async () => {
    const c = await open(
      (s) => {
        s.objects.Group.operations.addMember = {
          method: 'POST',
          url: '/groups/{groupId}/members',
          body: { userIds: '{memberIds}' },
          batchSize: 3,
        };
        s.objects.Group.operations.removeMember = {
          method: 'DELETE',
          url: '/groups/{groupId}/members',
          query: { userIds: '{memberIds}' },
          batchSize: 2,
        };
      },
      { memberBatchSize: 1 },
    );
    const { members, group } = await usersAndGroup(c, 7);
    api.requests.clear();
    api.log = [];
    await c.addMembers!({ group, members }, signal());
    expect(api.requests.get('POST')).toBe(3); // 3 + 3 + 1
    expect(held(group.id)).toEqual(ids(members));
    await c.removeMembers!({ group, members: members.slice(0, 5) }, signal());
    expect(api.requests.get('DELETE')).toBe(3); // 2 + 2 + 1
    expect(api.log.filter((line) => line.startsWith('DELETE'))[0]).toBe(
      `DELETE /groups/${group.id}/members?userIds=${members[0]!.id},${members[1]!.id}`,
    );
    api.log = undefined;
    expect(held(group.id)).toEqual(ids(members.slice(5)));
  });

  it('{memberItems} sends each member as the memberItem JSON', async () => {
    const c = await open((s) => {
      s.objects.Group.operations.addMember = {
        method: 'POST',
        url: '/groups/{groupId}/members',
        body: { members: '{memberItems}' },
        memberItem: { value: '{memberId}', type: 'User' },
      };
    });
    const { members, group } = await usersAndGroup(c, 4);
    api.requests.clear();
    await c.addMembers!({ group, members }, signal());
    expect(api.requests.get('POST')).toBe(1);
    expect(held(group.id)).toEqual(ids(members));
  });

  it('an unknown member on add is not_found; adding a member twice and removing an absent one are harmless', async () => {
    const c = await open(() => {});
    const { members, group } = await usersAndGroup(c, 1);
    await c.addMembers!({ group, members }, signal());
    await c.addMembers!({ group, members }, signal());
    await c.removeMembers!({ group, members }, signal());
    await c.removeMembers!({ group, members }, signal());
    expect(held(group.id)).toEqual([]);
    await expect(c.addMembers!({ group, members: [{ id: 'nobody' }] }, signal())).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});

describe('membership: array', () => {
  it('declares attribute membership and writes the whole list through create and update', async () => {
    const c = await open((s) => {
      s.objects.Group = {
        membersPath: 'members',
        membership: 'array',
        operations: s.objects.Group.operations,
      };
      delete s.objects.Group.operations.addMember;
      delete s.objects.Group.operations.removeMember;
    });
    expect(c.capabilities.membership).toEqual({ kind: 'attribute', attribute: 'memberIds', reference: 'id' });
    expect(c.addMembers).toBeUndefined();
    const { members } = await usersAndGroup(c, 3);
    const [a, b, d] = members.map((m) => m.id);
    const group = await c.create(
      { objectType: 'Group', attributes: { displayName: 'Array group', memberIds: [a!, b!] } },
      signal(),
    );
    expect(held(group.id)).toEqual([a, b].sort());
    api.requests.clear();
    await c.update!(
      {
        objectType: 'Group',
        ref: { id: group.id },
        changes: [{ attribute: 'memberIds', oldValue: [a!, b!], newValue: [b!, d!] }],
      },
      signal(),
    );
    expect(api.requests.get('PATCH')).toBe(1);
    expect(held(group.id)).toEqual([b, d].sort());
    const read = await c.get!({ objectType: 'Group', ref: { id: group.id } }, signal());
    expect([...(read.attributes.memberIds as string[])].sort()).toEqual([b, d].sort());
  });

  it('memberIdPath wraps each id when the API keeps members as objects', async () => {
    const c = await open((s) => {
      s.objects.Group = {
        membersPath: 'members',
        memberIdPath: 'value',
        membership: 'array',
        operations: { create: { method: 'POST', url: '/groups' }, ...s.objects.Group.operations },
      };
      delete s.objects.Group.operations.addMember;
      delete s.objects.Group.operations.removeMember;
      // The test API keeps plain ids; this body template shows what the connector would send.
      s.objects.Group.operations.create = {
        method: 'POST',
        url: '/groups',
        body: { displayName: '{displayName}', sent: '{*}' },
      };
    });
    const group = await c.create(
      { objectType: 'Group', attributes: { displayName: 'Wrapped', memberIds: ['u1', 'u2'] } },
      signal(),
    );
    expect(api.store.objects.groups.get(group.id)!.sent).toEqual({
      displayName: 'Wrapped',
      members: [{ value: 'u1' }, { value: 'u2' }],
    });
  });

  it('settings that cannot work are refused with their path', async () => {
    const message = async (edit: (s: Settings) => void) => {
      const settings = restSettingsFor('http://127.0.0.1:1', { disable: false }) as unknown as Settings;
      edit(settings);
      const error = await registry
        .open({ kind: 'rest', settings }, { credentials: { token: 'x' } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectorLoadError);
      return (error as Error).message;
    };
    expect(
      await message((s) => {
        s.objects.Group.membership = 'array';
      }),
    ).toContain(
      'connector.settings.objects.Group.operations.addMember: is not used when membership is array',
    );
    expect(
      await message((s) => {
        s.objects.Group.membership = 'array';
        delete s.objects.Group.membersPath;
        delete s.objects.Group.operations.addMember;
        delete s.objects.Group.operations.removeMember;
      }),
    ).toContain(
      'connector.settings.objects.Group.membership: is array: membersPath says where the member list is',
    );
    expect(
      await message((s) => {
        s.objects.Group.membership = 'operations';
        delete s.objects.Group.operations.addMember;
        delete s.objects.Group.operations.removeMember;
      }),
    ).toContain('connector.settings.objects.Group.membership: is operations: configure operations.addMember');
  });
});
