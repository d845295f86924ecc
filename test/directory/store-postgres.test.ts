import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { openStore } from '../../src/directory/open-store.js';
import { migrations } from '../../src/directory/migrations/index.js';
import { isPasswordHash, verifyPassword } from '../../src/directory/user-password.js';
import type { DirectoryStore } from '../../src/directory/directory-store.js';
import { directoryFilterSuite } from './filter-suite.js';
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
    directoryWritePathSuite(postgresFactory(url));
  });

  describe('PostgreSQL across processes', () => {
    const schemas: string[] = [];
    afterAll(async () => {
      for (const schema of schemas) await dropSchema(url!, schema);
    });

    /** On a fresh schema: a writer that does not LISTEN, and a follower that does. */
    async function writerAndFollower(onQuery: (text: string) => void) {
      const schema = randomSchemaName();
      schemas.push(schema);
      const writer = await openStore({
        postgresUrl: url,
        postgresSchema: schema,
        poolSize: 4,
        listen: false,
      });
      const follower = await openStore({ postgresUrl: url, postgresSchema: schema, poolSize: 2, onQuery });
      return { writer, follower };
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
      const { writer, follower } = await writerAndFollower((text) => statements.push(text));
      const probes = () => statements.filter((text) => text.includes('pg_locks')).length;
      try {
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
      } finally {
        await writer.close();
        await follower.close();
      }
    });

    it('reports the last seq of a stream of parallel commits to a follower', async () => {
      const { writer, follower } = await writerAndFollower(() => {});
      try {
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
      } finally {
        await writer.close();
        await follower.close();
      }
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
