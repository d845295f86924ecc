/** Concurrent writers to one resource: 50 parallel PATCH member-adds to one group lose nothing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKENDS,
  GROUP_SCHEMA,
  PATCH_SCHEMA,
  USER_SCHEMA,
  startTestServer,
  type TestServer,
} from './server-harness.js';

const PARALLEL = 50;

describe.each(BACKENDS)('concurrent PATCHes (%s)', (backend) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(backend);
  });
  afterAll(async () => {
    await s?.close();
  });

  it(`${PARALLEL} parallel member adds to one group: every member ends up present`, async () => {
    const users = await s.store.createMany(
      'User',
      Array.from({ length: PARALLEL }, (_, i) => ({ userName: `concurrent-${i}@example.com` })),
    );
    const group = await s.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Crowd' });
    const groupId: string = group.body.id;
    const responses = await Promise.all(
      users.map((u) =>
        s.request('PATCH', `/Groups/${groupId}?excludedAttributes=members`, {
          schemas: [PATCH_SCHEMA],
          Operations: [{ op: 'Add', path: 'members', value: [{ value: u.id }] }],
        }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(PARALLEL).fill(200));
    const full = await s.request('GET', `/Groups/${groupId}`);
    const members = new Set(full.body.members.map((m: { value: string }) => m.value));
    expect(members).toEqual(new Set(users.map((u) => u.id)));
    // Each add is its own change: the version moved once per PATCH.
    expect(Number(/\d+/.exec(full.headers.get('etag')!)![0])).toBeGreaterThanOrEqual(PARALLEL);
  });

  it('parallel PUTs with the same If-Match: exactly one wins, the others get 412', async () => {
    const created = await s.request('POST', '/Users', {
      schemas: [USER_SCHEMA],
      userName: 'race@example.com',
    });
    const etag = created.headers.get('etag')!;
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        s.request(
          'PUT',
          `/Users/${created.body.id}`,
          { schemas: [USER_SCHEMA], userName: 'race@example.com', title: `t${i}` },
          { 'if-match': etag },
        ),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((x) => x === 200)).toHaveLength(1);
    expect(statuses.filter((x) => x === 412)).toHaveLength(9);
  });
});
