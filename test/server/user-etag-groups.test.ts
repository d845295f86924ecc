/**
 * A user's ETag follows its `groups` (RFC 7644 §3.14: the version changes whenever the
 * representation does). Each kind of write that changes a user's groups gives the user a new
 * ETag: `If-None-Match` with the old one answers 200 with the new body, and `If-Match` with it 412.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, GROUP_SCHEMA, PATCH_SCHEMA, startTestServer, USER_SCHEMA } from './server-harness.js';
import type { TestServer } from './server-harness.js';

describe.each(BACKENDS)("a user's ETag and its groups (%s)", (backend) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(backend);
  });
  afterAll(async () => {
    await s.close();
  });

  const createUser = async (userName: string): Promise<string> => {
    const created = await s.request('POST', '/Users', { schemas: [USER_SCHEMA], userName });
    expect(created.status).toBe(201);
    return created.body.id;
  };
  const createGroup = async (displayName: string, members: string[] = []): Promise<string> => {
    const created = await s.request('POST', '/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName,
      members: members.map((value) => ({ value })),
    });
    expect(created.status).toBe(201);
    return created.body.id;
  };
  const patchMembers = (group: string, op: 'add' | 'remove', ids: string[]) =>
    s.request('PATCH', `/Groups/${group}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op, path: 'members', value: ids.map((value) => ({ value })) }],
    });

  /** The user's current ETag, and checks the write `change` moved it and both preconditions. */
  async function expectNewEtag(
    user: string,
    change: () => Promise<{ status: number }>,
    groupsAfter: (groups: { value: string; display: string; type: string }[]) => void,
  ): Promise<void> {
    const before = await s.request('GET', `/Users/${user}`);
    const etag = before.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"\d+"$/);
    expect((await s.request('GET', `/Users/${user}`, undefined, { 'If-None-Match': etag })).status).toBe(304);
    const lastModified = before.body.meta.lastModified;
    await new Promise((resolve) => setTimeout(resolve, 3));
    expect([200, 201, 204]).toContain((await change()).status);
    const after = await s.request('GET', `/Users/${user}`, undefined, { 'If-None-Match': etag });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(after.body.meta.version).toBe(after.headers.get('etag'));
    expect(Date.parse(after.body.meta.lastModified)).toBeGreaterThan(Date.parse(lastModified));
    groupsAfter(after.body.groups ?? []);
    const stale = await s.request(
      'PATCH',
      `/Users/${user}`,
      { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'title', value: 'stale' }] },
      { 'If-Match': etag },
    );
    expect(stale.status).toBe(412);
    const current = await s.request('GET', `/Users/${user}`, undefined, {
      'If-None-Match': after.headers.get('etag')!,
    });
    expect(current.status).toBe(304);
  }

  it('changes when the user joins or leaves a group directly', async () => {
    const user = await createUser('etag-direct');
    const group = await createGroup('Etag Direct');
    await expectNewEtag(
      user,
      () => patchMembers(group, 'add', [user]),
      (groups) => expect(groups.map((g) => [g.value, g.type])).toEqual([[group, 'direct']]),
    );
    await expectNewEtag(
      user,
      () => patchMembers(group, 'remove', [user]),
      (groups) => expect(groups).toEqual([]),
    );
    // PUT of the group without members removes the user too.
    await patchMembers(group, 'add', [user]);
    await expectNewEtag(
      user,
      () => s.request('PUT', `/Groups/${group}`, { schemas: [GROUP_SCHEMA], displayName: 'Etag Direct' }),
      (groups) => expect(groups).toEqual([]),
    );
    // Joining by the creation of a group that lists the user.
    let created = '';
    await expectNewEtag(
      user,
      async () => {
        const response = await s.request('POST', '/Groups', {
          schemas: [GROUP_SCHEMA],
          displayName: 'Etag Created',
          members: [{ value: user }],
        });
        created = response.body.id;
        return response;
      },
      (groups) => expect(groups.map((g) => g.value)).toEqual([created]),
    );
  });

  it('changes when a group it belongs to joins or leaves another group', async () => {
    const user = await createUser('etag-nested');
    const inner = await createGroup('Etag Inner', [user]);
    const middle = await createGroup('Etag Middle', [inner]);
    const outer = await createGroup('Etag Outer');
    await expectNewEtag(
      user,
      () => patchMembers(outer, 'add', [middle]),
      (groups) => expect(groups.find((g) => g.value === outer)?.type).toBe('indirect'),
    );
    await expectNewEtag(
      user,
      () => patchMembers(outer, 'remove', [middle]),
      (groups) => expect(groups.map((g) => g.value).sort()).toEqual([inner, middle].sort()),
    );
  });

  it('changes when a group in its groups is renamed or deleted', async () => {
    const user = await createUser('etag-rename');
    const inner = await createGroup('Etag Rename Inner', [user]);
    const outer = await createGroup('Etag Rename Outer', [inner]);
    await expectNewEtag(
      user,
      () =>
        s.request('PATCH', `/Groups/${outer}`, {
          schemas: [PATCH_SCHEMA],
          Operations: [{ op: 'replace', path: 'displayName', value: 'Etag Renamed Outer' }],
        }),
      (groups) => expect(groups.find((g) => g.value === outer)?.display).toBe('Etag Renamed Outer'),
    );
    await expectNewEtag(
      user,
      () =>
        s.request('PUT', `/Groups/${inner}`, {
          schemas: [GROUP_SCHEMA],
          displayName: 'Etag Renamed Inner',
          members: [{ value: user }],
        }),
      (groups) => expect(groups.find((g) => g.value === inner)?.display).toBe('Etag Renamed Inner'),
    );
    await expectNewEtag(
      user,
      () => s.request('DELETE', `/Groups/${outer}`),
      (groups) => expect(groups.map((g) => g.value)).toEqual([inner]),
    );
    await expectNewEtag(
      user,
      () => s.request('DELETE', `/Groups/${inner}`),
      (groups) => expect(groups).toEqual([]),
    );
  });

  it('stays the same when a group write leaves its groups alone', async () => {
    const user = await createUser('etag-still');
    const other = await createUser('etag-other');
    const group = await createGroup('Etag Still', [user]);
    const etag = (await s.request('GET', `/Users/${user}`)).headers.get('etag')!;
    await patchMembers(group, 'add', [other]);
    await patchMembers(group, 'add', [user]);
    await s.request('PATCH', `/Groups/${group}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'replace', path: 'externalId', value: 'still' }],
    });
    expect((await s.request('GET', `/Users/${user}`, undefined, { 'If-None-Match': etag })).status).toBe(304);
  });
});
