/**
 * REST group members over real HTTP against the test API, each way an API takes them: one
 * request per member, a batch of ids in the body with the operation's own batch size, a batch of
 * member objects built from `memberItem`, a batch removed through `{memberIds}` in the URL, and
 * the members array of the group written through update (membership: array). Settings that
 * cannot work are refused with the path at fault.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { restConnector } from '../../src/connectors/rest/index.js';
import { ConnectorLoadError, ConnectorRegistry, type Connector } from '../../src/connectors/spi/index.js';
import { startRestApi, type RestApi } from '../support/rest-api/rest-api.js';
import { restSettingsFor } from '../support/rest-api/rest-app-settings.js';

const registry = new ConnectorRegistry().register(restConnector);
const api: RestApi = await startRestApi();
// Adds of a present member are refused with 409 here, the whole request (batch) unchanged.
const strict: RestApi = await startRestApi({ conflictOnPresentMember: true });
const closers: (() => Promise<unknown>)[] = [() => api.close(), () => strict.close()];
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

async function open(
  edit: (settings: Settings) => void,
  extra: Record<string, unknown> = {},
  on: RestApi = api,
) {
  const settings = restSettingsFor(on.url, { disable: false }) as unknown as Settings;
  edit(settings);
  const connector = await registry.open(
    { kind: 'rest', settings: { ...settings, ...extra } },
    { credentials: { token: on.token } },
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

const held = (groupId: string, on: RestApi = api) =>
  [...(on.store.objects.groups.get(groupId)!.members as string[])].sort();
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

describe('what a 409 or 404 of a member operation means', () => {
  const batched = (s: Settings) => {
    s.objects.Group.operations.addMember = {
      method: 'POST',
      url: '/groups/{groupId}/members',
      body: { userIds: '{memberIds}' },
    };
    s.objects.Group.operations.removeMember = {
      method: 'DELETE',
      url: '/groups/{groupId}/members',
      query: { userIds: '{memberIds}' },
    };
  };

  it('adding a member who is already there is done (409), one by one and in a batch', async () => {
    for (const edit of [() => {}, batched]) {
      const c = await open(edit, {}, strict);
      const { members, group } = await usersAndGroup(c, 3);
      await c.addMembers!({ group, members: members.slice(0, 1) }, signal());
      // The batch [present, new, new] is refused whole: the connector reads the group and sends
      // the two that are missing.
      await c.addMembers!({ group, members }, signal());
      expect(held(group.id, strict)).toEqual(ids(members));
      await c.addMembers!({ group, members }, signal());
      expect(held(group.id, strict)).toEqual(ids(members));
    }
  });

  it('removing a member who is not there is done (404), and the rest of a refused batch is removed', async () => {
    for (const edit of [() => {}, batched]) {
      const c = await open(edit);
      const { members, group } = await usersAndGroup(c, 3);
      await c.addMembers!({ group, members: members.slice(0, 2) }, signal());
      // The test API answers 404 for the whole batch when one of it is no member, removing none.
      await c.removeMembers!({ group, members }, signal());
      expect(held(group.id)).toEqual([]);
    }
  });

  it('a 404 because the group does not exist is not_found, on add and on remove', async () => {
    for (const edit of [() => {}, batched]) {
      const c = await open(edit);
      const { members } = await usersAndGroup(c, 1);
      const gone = { id: 'no-such-group' };
      await expect(c.addMembers!({ group: gone, members }, signal())).rejects.toMatchObject({
        code: 'not_found',
      });
      await expect(c.removeMembers!({ group: gone, members }, signal())).rejects.toMatchObject({
        code: 'not_found',
        message: expect.stringContaining('no-such-group') as unknown,
      });
    }
  });

  it('a 404 because the user does not exist is not_found on add; removing a user that does not exist is done', async () => {
    for (const edit of [() => {}, batched]) {
      const c = await open(edit);
      const { members, group } = await usersAndGroup(c, 1);
      await c.addMembers!({ group, members }, signal());
      const nobody = [{ id: 'no-such-user' }];
      await expect(c.addMembers!({ group, members: nobody }, signal())).rejects.toMatchObject({
        code: 'not_found',
      });
      // The engine reads a removal's not_found as the group's: a user that is gone is no member.
      api.log = [];
      await c.removeMembers!({ group, members: nobody }, signal());
      expect(api.log).toContain(`GET /groups/${group.id}`);
      expect(api.log.some((line) => line.startsWith('GET /users/'))).toBe(false);
      api.log = undefined;
      // The member that is there is left alone.
      expect(held(group.id)).toEqual(ids(members));
    }
  });

  it('a user deleted in the API is removed from its group without error, alongside present members', async () => {
    for (const edit of [() => {}, batched]) {
      const c = await open(edit);
      const { members, group } = await usersAndGroup(c, 3);
      await c.addMembers!({ group, members }, signal());
      // Deleting the user takes it out of its groups: its DELETE member is then answered 404.
      await c.delete!({ objectType: 'User', ref: members[0]! }, signal());
      await c.removeMembers!({ group, members: members.slice(0, 2) }, signal());
      expect(held(group.id)).toEqual(ids(members.slice(2)));
    }
  });

  it('a removal refused with 404 while the group still lists the member is invalid_response, not not_found', async () => {
    for (const edit of [() => {}, batched]) {
      const c = await open(edit);
      const { members, group } = await usersAndGroup(c, 1);
      await c.addMembers!({ group, members }, signal());
      api.faults.push({ method: 'DELETE', path: /^\/groups\/[^/]+\/members/u, status: 404, times: 2 });
      await expect(c.removeMembers!({ group, members }, signal())).rejects.toMatchObject({
        code: 'invalid_response',
        message: expect.stringContaining(members[0]!.id) as unknown,
      });
      expect(held(group.id)).toEqual(ids(members));
      api.faults.length = 0;
    }
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

  it('memberIdPath with a PUT update: the group read, its member objects replaced, written back whole', async () => {
    // An API keeping members as `{ value }` objects, PUT replacing the whole group.
    let stored: Record<string, unknown> = {
      id: 'g1',
      displayName: 'Team',
      owner: 'kept as it was',
      members: [{ value: 'u1' }, { value: 'u2' }],
    };
    const puts: unknown[] = [];
    const server = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        const reply = (status: number, body: unknown) => {
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(JSON.stringify(body));
        };
        if (request.url !== '/groups/g1') return reply(404, { message: 'no such route' });
        if (request.method === 'GET') return reply(200, stored);
        if (request.method === 'PUT') {
          stored = JSON.parse(text) as Record<string, unknown>;
          puts.push(stored);
          return reply(200, stored);
        }
        return reply(405, { message: 'method not allowed' });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => server.close(resolve)));
    const { port } = server.address() as AddressInfo;
    const settings = restSettingsFor(`http://127.0.0.1:${port}`, { disable: false }) as unknown as Settings;
    // Groups only: the user operations would ask for the same operations on groups.
    delete (settings.objects as Partial<Settings['objects']>).User;
    settings.objects.Group = {
      membersPath: 'members',
      memberIdPath: 'value',
      membership: 'array',
      operations: {
        create: { method: 'POST', url: '/groups' },
        get: { method: 'GET', url: '/groups/{id}' },
        update: { method: 'PUT', url: '/groups/{id}' },
      },
    };
    const c = await registry.open(
      { kind: 'rest', settings: { ...settings, probe: { method: 'GET', url: '/groups/g1' } } },
      { credentials: { token: 't' } },
    );
    closers.push(async () => c.close?.());
    expect(c.capabilities.update).toEqual({ mode: 'replace' });
    const read = await c.get!({ objectType: 'Group', ref: { id: 'g1' } }, signal());
    expect(read.attributes.memberIds).toEqual(['u1', 'u2']);
    await c.update!(
      {
        objectType: 'Group',
        ref: { id: 'g1' },
        changes: [{ attribute: 'memberIds', oldValue: ['u1', 'u2'], newValue: ['u2', 'u3'] }],
      },
      signal(),
    );
    expect(puts).toEqual([
      { id: 'g1', displayName: 'Team', owner: 'kept as it was', members: [{ value: 'u2' }, { value: 'u3' }] },
    ]);
    const after = await c.get!({ objectType: 'Group', ref: { id: 'g1' } }, signal());
    expect(after.attributes.memberIds).toEqual(['u2', 'u3']);
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
