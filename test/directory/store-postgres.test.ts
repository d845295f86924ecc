import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { openStore } from '../../src/directory/open-store.js';
import { migrations } from '../../src/directory/migrations/index.js';
import { isPasswordHash, verifyPassword } from '../../src/directory/resources/user-password.js';
import type { DirectoryStore } from '../../src/directory/directory-store.js';
import type { JsonObject } from '../../src/shared/json.js';
import { parseFilter } from '../../src/scim/filter/filter-parser.js';
import { directoryFilterSuite } from './filter-suite.js';
import { directoryLargeFilterSuite } from './large-filter-suite.js';
import { dropSchema, postgresFactory, randomSchemaName, TEST_PG_URL } from './store-harness.js';
import { directoryStoreSuite } from './store-suite.js';
import { directoryWritePathSuite } from './write-path-suite.js';

const url = TEST_PG_URL;

/** Waits until `check` holds, polling; fails after `ms`. */
async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

if (url !== undefined && url !== '') {
  describe('DirectoryStore on PostgreSQL', () => {
    directoryStoreSuite(postgresFactory(url));
    directoryFilterSuite(postgresFactory(url), 60);
    directoryLargeFilterSuite(postgresFactory(url));
    directoryWritePathSuite(postgresFactory(url));
  });

  describe('PostgreSQL across processes', () => {
    const schemas: string[] = [];
    afterAll(async () => {
      for (const schema of schemas) await dropSchema(url!, schema);
    });

    /**
     * Runs `test` on a fresh schema with a writer that does not LISTEN and a follower that does
     * (its statements go to `onQuery`), and closes both afterwards.
     */
    async function withWriterAndFollower(
      onQuery: (text: string) => void,
      test: (stores: { writer: DirectoryStore; follower: DirectoryStore }) => Promise<void>,
    ): Promise<void> {
      const schema = randomSchemaName();
      schemas.push(schema);
      const writer = await openStore({
        postgresUrl: url,
        postgresSchema: schema,
        poolSize: 4,
        listen: false,
      });
      const follower = await openStore({ postgresUrl: url, postgresSchema: schema, poolSize: 2, onQuery });
      try {
        await test({ writer, follower });
      } finally {
        await writer.close();
        await follower.close();
      }
    }

    it('wakes a second store instance on the same database through LISTEN/NOTIFY', async () => {
      const schema = randomSchemaName();
      schemas.push(schema);
      const writer = await openStore({ postgresUrl: url, postgresSchema: schema, poolSize: 2 });
      const follower = await openStore({ postgresUrl: url, postgresSchema: schema, poolSize: 2 });
      try {
        const seen: number[] = [];
        follower.onChange((seq) => seen.push(seq));
        const created = await writer.create('User', { userName: 'notify' });
        await eventually(() => seen.length > 0);
        const page = await follower.readChanges(0, 10);
        expect(page.status === 'ok' && page.entries.map((e) => [e.seq, e.resourceId])).toEqual([
          [seen[0], created.id],
        ]);
      } finally {
        await writer.close();
        await follower.close();
      }
    });

    it("probes the feed's settled bound only while something in the process listens", async () => {
      const statements: string[] = [];
      await withWriterAndFollower(
        (text) => statements.push(text),
        async ({ writer, follower }) => {
          const probes = () => statements.filter((text) => text.includes('pg_locks')).length;
          // Nobody listens in the follower: its NOTIFY is noted, pg_locks is never read.
          await writer.create('User', { userName: 'unheard' });
          await new Promise((resolve) => setTimeout(resolve, 300));
          expect(probes()).toBe(0);
          const seen: number[] = [];
          const stop = follower.onChange((seq) => seen.push(seq));
          const heard = await writer.create('User', { userName: 'heard' });
          await eventually(() => seen.length > 0);
          expect(probes()).toBeGreaterThan(0);
          const page = await follower.readChanges(seen[0]! - 1, 10);
          expect(page.status === 'ok' && page.entries.map((e) => e.resourceId)).toEqual([heard.id]);
          stop();
        },
      );
    });

    it('creates a user outside a transaction in one statement: row, email rows and feed entry, or nothing', async () => {
      const statements: string[] = [];
      await withWriterAndFollower(
        (text) => statements.push(text),
        async ({ writer, follower }) => {
          statements.length = 0;
          const created = await follower.create('User', {
            userName: 'Solo@Example.com',
            emails: [
              { value: 'Solo@Example.com', type: 'work', primary: true },
              { value: 'alt@example.com' },
            ],
          });
          expect(statements).toHaveLength(1);
          expect(statements[0]).not.toMatch(/^\s*(begin|commit)/i);
          // Committed on its own: the other store sees all of it.
          expect((await writer.get('User', created.id))?.attributes.userName).toBe('Solo@Example.com');
          const byEmail = await writer.list('User', {
            filter: parseFilter('emails[type eq "work" and value eq "solo@example.com"]'),
            startIndex: 1,
            count: 10,
          });
          expect(byEmail.resources.map((r) => r.id)).toEqual([created.id]);
          const feed = await writer.readChanges(0, 10);
          expect(
            feed.status === 'ok' && feed.entries.map((e) => [e.resourceId, e.kind, e.attributes]),
          ).toEqual([[created.id, 'created', ['emails', 'userName']]]);

          // A clash rolls the whole statement back: no second row, no email rows, no feed entry.
          await expect(
            follower.create('User', {
              userName: 'SOLO@example.com',
              emails: [{ value: 'clash@example.com' }],
            }),
          ).rejects.toMatchObject({ status: 409, scimType: 'uniqueness' });
          const clash = await writer.list('User', {
            filter: parseFilter('emails.value eq "clash@example.com"'),
            startIndex: 1,
            count: 10,
          });
          expect(clash.totalResults).toBe(0);
          const after = await writer.readChanges(0, 10);
          expect(after.status === 'ok' && after.entries).toHaveLength(1);
        },
      );
    });

    it('patches and replaces a user outside a transaction in a read and one write, email rows included', async () => {
      const statements: string[] = [];
      await withWriterAndFollower(
        (text) => statements.push(text),
        async ({ writer, follower }) => {
          const byEmail = async (value: string) =>
            (
              await writer.list('User', {
                filter: parseFilter(`emails.value eq ${JSON.stringify(value)}`),
                startIndex: 1,
                count: 10,
              })
            ).resources.map((r) => r.id);
          const user = await follower.create('User', {
            userName: 'mover',
            emails: [{ value: 'a@example.com' }, { value: 'b@example.com' }, { value: 'c@example.com' }],
          });
          statements.length = 0;
          const patched = await follower.patch('User', user.id, [
            { op: 'replace', path: 'emails', value: [{ value: 'B@example.com', primary: true }] },
          ]);
          expect(statements).toHaveLength(2);
          expect(statements.some((text) => /^\s*(begin|commit)/i.test(text))).toBe(false);
          expect(patched.version).toBe(2);
          expect(await byEmail('a@example.com')).toEqual([]);
          expect(await byEmail('c@example.com')).toEqual([]);
          expect(await byEmail('b@example.com')).toEqual([user.id]);

          // A PATCH that changes nothing reads and writes nothing: same version, no feed entry.
          statements.length = 0;
          const same = await follower.patch('User', user.id, [
            { op: 'replace', path: 'userName', value: 'mover' },
          ]);
          expect(statements).toHaveLength(1);
          expect(same.version).toBe(2);

          const replaced = await follower.replace('User', user.id, {
            userName: 'mover',
            emails: [{ value: 'd@example.com' }, { value: 'e@example.com' }],
          });
          expect(replaced.version).toBe(3);
          expect(await byEmail('b@example.com')).toEqual([]);
          expect(await byEmail('e@example.com')).toEqual([user.id]);
          await expect(
            follower.patch('User', user.id, [{ op: 'replace', path: 'active', value: false }], {
              ifMatchVersion: 2,
            }),
          ).rejects.toMatchObject({ status: 412 });

          const feed = await writer.readChanges(0, 10);
          expect(feed.status === 'ok' && feed.entries.map((e) => [e.kind, e.attributes])).toEqual([
            ['created', ['emails', 'userName']],
            ['updated', ['emails']],
            ['updated', ['emails']],
          ]);
        },
      );
    });

    it('loses no update when parallel PATCHes race on one user', async () => {
      await withWriterAndFollower(
        () => {},
        async ({ writer, follower }) => {
          const user = await writer.create('User', { userName: 'raced' });
          const stores = [writer, follower];
          await Promise.all(
            Array.from({ length: 24 }, (_, i) =>
              stores[i % 2]!.patch('User', user.id, [
                {
                  op: 'add',
                  path: 'phoneNumbers',
                  value: [{ value: `+1-555-01${String(i).padStart(2, '0')}` }],
                },
              ]),
            ),
          );
          const final = await writer.get('User', user.id);
          const numbers = (final?.attributes.phoneNumbers as { value: string }[]).map((p) => p.value).sort();
          expect(numbers).toEqual(
            Array.from({ length: 24 }, (_, i) => `+1-555-01${String(i).padStart(2, '0')}`),
          );
          expect(final?.version).toBe(25);
          const feed = await writer.readChanges(0, 100);
          expect(feed.status === 'ok' && feed.entries.filter((e) => e.kind === 'updated')).toHaveLength(24);
        },
      );
    });

    it('adds and removes named group members in one statement, and leaves the rest to the transaction path', async () => {
      const statements: string[] = [];
      await withWriterAndFollower(
        (text) => statements.push(text),
        async ({ writer, follower }) => {
          const memberIds = async (groupId: string) =>
            ((await writer.get('Group', groupId))?.attributes.members as { value: string }[] | undefined)
              ?.map((m) => m.value)
              .sort() ?? [];
          const [a, b, c] = await Promise.all(
            ['a', 'b', 'c'].map((n) => writer.create('User', { userName: n })),
          );
          const group = await writer.create('Group', { displayName: 'team', members: [{ value: a!.id }] });
          const other = await writer.create('Group', { displayName: 'other' });
          const { lastSeq: before } = (await writer.readChanges(0, 100)) as { lastSeq: number };

          statements.length = 0;
          const added = await follower.patch(
            'Group',
            group.id,
            [
              { op: 'Add', path: 'members', value: [{ value: c!.id }, { value: b!.id }, { value: a!.id }] },
              { op: 'Remove', path: 'members', value: [{ value: 'not-a-member' }] },
            ],
            { includeMembers: false },
          );
          expect(statements).toHaveLength(1);
          expect(added.version).toBe(2);
          expect(await memberIds(group.id)).toEqual([a!.id, b!.id, c!.id].sort());
          const feed = await writer.readChanges(before, 10);
          expect(feed.status === 'ok' && feed.entries.map((e) => [e.kind, e.detail])).toEqual([
            ['memberAdded', { memberId: c!.id, memberType: 'User' }],
            ['memberAdded', { memberId: b!.id, memberType: 'User' }],
          ]);

          // Nothing changes: same version, no feed entry.
          const again = await follower.patch('Group', group.id, [
            { op: 'add', path: 'members', value: [{ value: b!.id }] },
          ]);
          expect(again.version).toBe(2);
          expect((again.attributes.members as unknown[]).length).toBe(3);

          const removed = await follower.patch('Group', group.id, [
            { op: 'remove', path: 'members', value: [{ value: a!.id }] },
          ]);
          expect(removed.version).toBe(3);
          expect(await memberIds(group.id)).toEqual([b!.id, c!.id].sort());

          // An unknown id: 400 from the transaction path, nothing written.
          await expect(
            follower.patch('Group', group.id, [
              { op: 'add', path: 'members', value: [{ value: a!.id }, { value: 'nobody' }] },
            ]),
          ).rejects.toMatchObject({ status: 400, scimType: 'invalidValue' });
          expect(await memberIds(group.id)).toEqual([b!.id, c!.id].sort());
          // A stale If-Match: 412, nothing written.
          await expect(
            follower.patch('Group', group.id, [{ op: 'add', path: 'members', value: [{ value: a!.id }] }], {
              ifMatchVersion: 2,
            }),
          ).rejects.toMatchObject({ status: 412 });
          // A nested group goes through the cycle check: in one direction it is fine, back is a cycle.
          await follower.patch('Group', group.id, [
            { op: 'add', path: 'members', value: [{ value: other.id }] },
          ]);
          await expect(
            follower.patch('Group', other.id, [{ op: 'add', path: 'members', value: [{ value: group.id }] }]),
          ).rejects.toMatchObject({ status: 400 });
          expect(await memberIds(group.id)).toEqual([b!.id, c!.id, other.id].sort());
          const after = await writer.readChanges(before, 20);
          expect(after.status === 'ok' && after.entries.map((e) => e.kind)).toEqual([
            'memberAdded',
            'memberAdded',
            'memberRemoved',
            'memberAdded',
          ]);
        },
      );
    });

    it('removes a member that another writer added while the removal waited for the group', async () => {
      await withWriterAndFollower(
        () => {},
        async ({ writer, follower }) => {
          const member = await writer.create('User', { userName: 'late' });
          const group = await writer.create('Group', { displayName: 'waited' });
          let removal: Promise<unknown> | undefined;
          await writer.transaction(async (tx) => {
            await tx.patch('Group', group.id, [
              { op: 'add', path: 'members', value: [{ value: member.id }] },
            ]);
            // Starts while the addition holds the group's row lock, so it waits for the commit.
            removal = follower.patch('Group', group.id, [
              { op: 'remove', path: 'members', value: [{ value: member.id }] },
            ]);
            await new Promise((resolve) => setTimeout(resolve, 200));
          });
          await removal;
          const final = await writer.get('Group', group.id);
          expect(final?.attributes.members ?? []).toEqual([]);
          expect(final?.version).toBe(3);
          const feed = await writer.readChanges(0, 20);
          expect(feed.status === 'ok' && feed.entries.slice(-2).map((e) => e.kind)).toEqual([
            'memberAdded',
            'memberRemoved',
          ]);
        },
      );
    });

    it('keeps every member when 30 PATCHes from two processes add one each to one group', async () => {
      await withWriterAndFollower(
        () => {},
        async ({ writer, follower }) => {
          const users = await writer.createMany(
            'User',
            Array.from({ length: 30 }, (_, i) => ({ userName: `joiner${i}` })),
          );
          const group = await writer.create('Group', { displayName: 'crowd' });
          const stores = [writer, follower];
          await Promise.all(
            users.map((u, i) =>
              stores[i % 2]!.patch(
                'Group',
                group.id,
                [{ op: 'add', path: 'members', value: [{ value: u.id }] }],
                {
                  includeMembers: false,
                },
              ),
            ),
          );
          const final = await writer.get('Group', group.id);
          expect((final?.attributes.members as { value: string }[]).map((m) => m.value).sort()).toEqual(
            users.map((u) => u.id).sort(),
          );
          expect(final?.version).toBe(31);
          const feed = await writer.readChanges(0, 100);
          expect(feed.status === 'ok' && feed.entries.filter((e) => e.kind === 'memberAdded')).toHaveLength(
            30,
          );
        },
      );
    });

    it('deletes a user in two groups in five statements, whatever the number of groups', async () => {
      const statements: string[] = [];
      await withWriterAndFollower(
        (text) => statements.push(text),
        async ({ writer, follower }) => {
          const u = await writer.create('User', { userName: 'gone' });
          for (const name of ['one', 'two'])
            await writer.create('Group', { displayName: name, members: [{ value: u.id }] });
          statements.length = 0;
          await follower.delete('User', u.id);
          // BEGIN, the row lock, the delete with the groups' versions, the feed entries, COMMIT.
          expect(statements).toHaveLength(5);
          expect(await writer.get('User', u.id)).toBeUndefined();
        },
      );
    });

    it('reports the last seq of a stream of parallel commits to a follower', async () => {
      await withWriterAndFollower(
        () => {},
        async ({ writer, follower }) => {
          const seen: number[] = [];
          follower.onChange((seq) => seen.push(seq));
          const created = await Promise.all(
            Array.from({ length: 100 }, (_, i) => writer.create('User', { userName: `stream${i}` })),
          );
          const feed = await writer.readChanges(0, 100);
          const lastSeq = feed.status === 'ok' ? feed.lastSeq : -1;
          expect(lastSeq).toBeGreaterThan(0);
          await eventually(() => seen.includes(lastSeq));
          expect(created).toHaveLength(100);
          // The probes' spacing is checked exactly in feed-ordering-postgres.test.ts.
        },
      );
    });

    it('applies migrations once when several stores start at the same time', async () => {
      const schema = randomSchemaName();
      schemas.push(schema);
      const stores: DirectoryStore[] = await Promise.all(
        Array.from({ length: 4 }, () =>
          openStore({ postgresUrl: url, postgresSchema: schema, poolSize: 2, listen: false }),
        ),
      );
      try {
        const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
        await client.connect();
        const rows = await client.query('SELECT id FROM provisio_migrations ORDER BY id');
        await client.end();
        // Each migration once: a duplicate would have failed on the primary key or shown twice.
        expect(rows.rows.map((r: { id: number }) => r.id)).toEqual(migrations.map((m) => m.id));
        await stores[0]!.create('User', { userName: 'after' });
      } finally {
        for (const store of stores) await store.close();
      }
    });

    it('hashes the cleartext passwords an earlier version stored when the store opens', async () => {
      const schema = randomSchemaName();
      schemas.push(schema);
      const first = await openStore({ postgresUrl: url, postgresSchema: schema, poolSize: 2, listen: false });
      const legacy = await first.create('User', { userName: 'legacy' });
      await first.close();
      // What a version before password hashing left: the password as sent, migration 4 not applied.
      const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
      await client.connect();
      try {
        await client.query('UPDATE resources SET attributes = $1 WHERE id = $2', [
          JSON.stringify({ userName: 'legacy', password: 'old cleartext' }),
          legacy.id,
        ]);
        await client.query('DELETE FROM provisio_migrations WHERE id = 4');
      } finally {
        await client.end();
      }
      const store = await openStore({ postgresUrl: url, postgresSchema: schema, poolSize: 2, listen: false });
      try {
        const read = (await store.get('User', legacy.id))!;
        expect(isPasswordHash(read.attributes.password)).toBe(true);
        expect(await verifyPassword('old cleartext', read.attributes.password as string)).toBe(true);
        expect(read.version).toBe(legacy.version);
      } finally {
        await store.close();
      }
    });

    it('fills the stored display of the rows an earlier version wrote, as it read them from the JSON', async () => {
      const schema = randomSchemaName();
      schemas.push(schema);
      const first = await openStore({ postgresUrl: url, postgresSchema: schema, poolSize: 2, listen: false });
      const named = await first.create('User', { userName: 'Named', displayName: 'Named User' });
      const plain = await first.create('User', { userName: 'Plain' });
      const group = await first.create('Group', {
        displayName: 'Crew',
        members: [{ value: named.id }, { value: plain.id }],
      });
      await first.close();
      // What a version before migration 7 left: no reference_display column, so no stored display.
      const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
      await client.connect();
      try {
        await client.query('ALTER TABLE resources DROP COLUMN reference_display');
        await client.query('DELETE FROM provisio_migrations WHERE id = 7');
      } finally {
        await client.end();
      }
      const store = await openStore({ postgresUrl: url, postgresSchema: schema, poolSize: 2, listen: false });
      try {
        const members = (await store.get('Group', group.id))!.attributes.members as JsonObject[];
        expect(Object.fromEntries(members.map((m) => [m.value, m.display]))).toEqual({
          [named.id]: 'Named User',
          [plain.id]: 'Plain',
        });
        expect((await store.get('User', plain.id))!.attributes.groups).toEqual([
          { value: group.id, display: 'Crew', type: 'direct' },
        ]);
      } finally {
        await store.close();
      }
    });

    it('serialises concurrent member adds from two store instances', async () => {
      const schema = randomSchemaName();
      schemas.push(schema);
      const a = await openStore({ postgresUrl: url, postgresSchema: schema, poolSize: 5, listen: false });
      const b = await openStore({ postgresUrl: url, postgresSchema: schema, poolSize: 5, listen: false });
      try {
        const users = await a.createMany(
          'User',
          Array.from({ length: 30 }, (_, i) => ({ userName: `x${i}` })),
        );
        const group = await a.create('Group', { displayName: 'shared' });
        await Promise.all(
          users.map((u, i) =>
            (i % 2 === 0 ? a : b).patch(
              'Group',
              group.id,
              [{ op: 'add', path: 'members', value: [{ value: u.id }] }],
              {
                includeMembers: false,
              },
            ),
          ),
        );
        const read = await b.get('Group', group.id);
        expect((read?.attributes.members as unknown[]).length).toBe(30);
        expect(read?.version).toBe(31);
        const feed = await a.readChanges(0, 1000);
        const seqs = feed.status === 'ok' ? feed.entries.map((e) => e.seq) : [];
        expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
        expect(feed.status === 'ok' && feed.entries.filter((e) => e.kind === 'memberAdded')).toHaveLength(30);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
} else {
  describe.skip('DirectoryStore on PostgreSQL (set PROVISIO_TEST_PG_URL to run)', () => {
    directoryStoreSuite(postgresFactory(''));
  });
}
