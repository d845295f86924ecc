import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { DirectoryDatabase } from '../../src/directory/database-types.js';
import { postgresAdapter } from '../../src/directory/postgres/postgres-adapter.js';
import type { ChangeEntry, DirectoryStore } from '../../src/directory/directory-store.js';
import { openStore } from '../../src/directory/open-store.js';
import { startPgChangeListener } from '../../src/directory/postgres/pg-change-listener.js';
import { dropSchema, randomSchemaName, TEST_PG_URL } from './store-harness.js';

/*
 * PostgreSQL writers commit in parallel, in any order; readers must still never move their
 * watermark past a seq whose transaction is open (change-feed.ts readChanges, dialect-adapter.ts).
 * Each test gets its own schema: the raw SQL checks need to know it.
 */

const url = TEST_PG_URL;

/** Thrown inside a held transaction to roll it back. */
class Rollback extends Error {}

interface Step {
  readonly run: (tx: DirectoryStore) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A `store.transaction(work)` kept open while the test runs steps in it one by one, then commits or
 * rolls it back: lets a test interleave transactions exactly.
 */
class HeldTransaction {
  readonly #steps: (Step | 'commit' | 'rollback')[] = [];
  #wake: (() => void) | undefined;
  readonly #finished: Promise<void>;

  constructor(store: DirectoryStore) {
    this.#finished = store
      .transaction(async (tx) => {
        for (;;) {
          const next = await this.#next();
          if (next === 'commit') return;
          if (next === 'rollback') throw new Rollback('rolled back by the test');
          try {
            next.resolve(await next.run(tx));
          } catch (error) {
            next.reject(error);
          }
        }
      })
      .catch((error: unknown) => {
        if (!(error instanceof Rollback)) throw error;
      });
  }

  /** Runs `step` inside the transaction and returns its result. */
  do<T>(step: (tx: DirectoryStore) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#push({ run: step, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  commit(): Promise<void> {
    this.#push('commit');
    return this.#finished;
  }

  rollback(): Promise<void> {
    this.#push('rollback');
    return this.#finished;
  }

  #push(item: Step | 'commit' | 'rollback'): void {
    this.#steps.push(item);
    this.#wake?.();
  }

  async #next(): Promise<Step | 'commit' | 'rollback'> {
    while (this.#steps.length === 0) {
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
    }
    return this.#steps.shift()!;
  }
}

/** Seqs of an ok page; fails the test on resyncRequired. */
function seqsOf(page: Awaited<ReturnType<DirectoryStore['readChanges']>>): number[] {
  if (page.status !== 'ok') throw new Error(`expected an ok page, got ${JSON.stringify(page)}`);
  return page.entries.map((e) => e.seq);
}

/** A deterministic pseudo-random sequence (LCG), so a failing run can be repeated. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

if (url !== undefined && url !== '') {
  describe('change feed ordering on PostgreSQL (parallel commits)', () => {
    let schema: string;
    const cleanups: (() => Promise<void>)[] = [];
    const heldTransactions: HeldTransaction[] = [];

    /** Opens a held transaction; a failing test's are rolled back before its stores close. */
    const hold = (store: DirectoryStore): HeldTransaction => {
      const held = new HeldTransaction(store);
      heldTransactions.push(held);
      return held;
    };

    /** A store on this test's schema. */
    const open = async (poolSize: number, listen = false): Promise<DirectoryStore> => {
      const store = await openStore({ postgresUrl: url, postgresSchema: schema, poolSize, listen });
      cleanups.push(() => store.close());
      return store;
    };

    /** Seqs committed in change_feed, as a plain SQL session sees them. */
    const committedSeqs = async (): Promise<number[]> => {
      const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
      await client.connect();
      try {
        const result = await client.query<{ seq: string }>('SELECT seq FROM change_feed ORDER BY seq');
        return result.rows.map((row) => Number(row.seq));
      } finally {
        await client.end();
      }
    };

    const useSchema = (): void => {
      schema = randomSchemaName();
      const dropped = schema;
      cleanups.push(() => dropSchema(url!, dropped));
    };

    afterEach(async () => {
      // Rolling back one that already ended is a no-op.
      for (const held of heldTransactions.splice(0)) await held.rollback();
      // Stores first, the schema last (it was registered first).
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    it('holds back a committed seq until the lower seq of an open transaction commits', async () => {
      useSchema();
      const store = await open(4);
      await store.create('User', { userName: 'before' });
      const [watermark] = seqsOf(await store.readChanges(0, 10));

      const a = hold(store);
      await a.do((tx) => tx.create('User', { userName: 'a' }));
      const b = await store.create('User', { userName: 'b' });

      // b's entry is committed and visible to everyone, above a's uncommitted seq...
      expect(await committedSeqs()).toEqual([watermark!, watermark! + 2]);
      // ...but a reader must not get it yet: it would skip a's seq for good.
      expect(seqsOf(await store.readChanges(watermark!, 10))).toEqual([]);
      // Nor may the head pass a's seq: a full pass starting there would lose a's entry.
      expect(await store.headSeq()).toBe(watermark);

      await a.commit();
      expect(await store.headSeq()).toBe(watermark! + 2);
      const page = await store.readChanges(watermark!, 10);
      expect(seqsOf(page)).toEqual([watermark! + 1, watermark! + 2]);
      expect(page.status === 'ok' && page.entries.map((e) => e.resourceId)[1]).toBe(b.id);
    });

    it('does not skip a seq taken by a younger transaction when an older one appends later', async () => {
      // The interleaving that defeats a rule based on each row's transaction id: r gets its
      // transaction id first, t takes a seq, r takes a higher seq and commits while t is open.
      useSchema();
      const store = await open(4);
      const r = hold(store);
      await r.do((tx) => tx.create('User', { userName: 'r1' }));
      const t = hold(store);
      await t.do((tx) => tx.create('User', { userName: 't1' }));
      await r.do((tx) => tx.create('User', { userName: 'r2' }));
      await r.commit();

      expect(await committedSeqs()).toEqual([1, 3]);
      expect(seqsOf(await store.readChanges(0, 10))).toEqual([1]);
      expect(seqsOf(await store.readChanges(1, 10))).toEqual([]);

      await t.commit();
      expect(seqsOf(await store.readChanges(1, 10))).toEqual([2, 3]);
    });

    it('lets readers past the seq of a transaction that rolled back', async () => {
      useSchema();
      const store = await open(4);
      const aborted = hold(store);
      await aborted.do((tx) => tx.create('User', { userName: 'gone' }));
      const kept = await store.create('User', { userName: 'kept' });
      expect(seqsOf(await store.readChanges(0, 10))).toEqual([]);

      await aborted.rollback();
      const page = await store.readChanges(0, 10);
      // Seq 1 is a gap forever; it must not stall the feed.
      expect(seqsOf(page)).toEqual([2]);
      expect(page.status === 'ok' && page.entries[0]!.resourceId).toBe(kept.id);
      const later = await store.create('User', { userName: 'later' });
      const next = await store.readChanges(2, 10);
      expect(next.status === 'ok' && next.entries.map((e) => e.resourceId)).toEqual([later.id]);
    });

    it('holds back later seqs while a one-statement create has taken its seq and not committed', async () => {
      useSchema();
      const store = await open(4);
      await store.create('User', { userName: 'first' });
      // A trigger parks the create's statement after its feed insert, before its commit, until
      // this session lets go of an advisory lock.
      const gate = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
      await gate.connect();
      cleanups.push(() => gate.end());
      await gate.query(`
        CREATE FUNCTION park() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.resource_type = 'User' AND NEW.kind = 'created' THEN
            PERFORM pg_advisory_xact_lock_shared(4242);
          END IF;
          RETURN NULL;
        END $$;
        CREATE TRIGGER park AFTER INSERT ON change_feed FOR EACH ROW EXECUTE FUNCTION park();`);
      await gate.query('SELECT pg_advisory_lock(4242)');
      const parked = store.create('User', { userName: 'parked' });
      // Wait until it holds its seq: the sequence has moved past seq 1.
      const deadline = Date.now() + 5000;
      for (;;) {
        const { rows } = await gate.query<{ last: string | null }>(
          `SELECT pg_sequence_last_value('change_feed_seq_seq'::regclass) AS last`,
        );
        if (Number(rows[0]?.last) === 2) break;
        if (Date.now() > deadline) throw new Error('the parked create never took its seq');
        await sleep(10);
      }
      // A group's entries commit above it (groups pass the trigger).
      await store.create('Group', { displayName: 'later' });
      expect(await committedSeqs()).toEqual([1, 3]);
      expect(seqsOf(await store.readChanges(0, 10))).toEqual([1]);

      await gate.query('SELECT pg_advisory_unlock(4242)');
      await parked;
      expect(seqsOf(await store.readChanges(0, 10))).toEqual([1, 2, 3]);
    });

    it('is not held back by open transactions that append nothing to the feed', async () => {
      useSchema();
      const store = await open(4);
      const idle = new pg.Client({ connectionString: url });
      await idle.connect();
      try {
        // An old transaction with an id (it would pin the snapshot xmin), writing no feed row.
        await idle.query('BEGIN');
        await idle.query('SELECT pg_current_xact_id()');
        await store.create('User', { userName: 'one' });
        await store.create('User', { userName: 'two' });
        expect(seqsOf(await store.readChanges(0, 10))).toEqual([1, 2]);
        await idle.query('ROLLBACK');
      } finally {
        await idle.end();
      }
    });

    it('does not return its own uncommitted entries inside transaction(work)', async () => {
      useSchema();
      const store = await open(4);
      await store.create('User', { userName: 'committed' });
      await store.transaction(async (tx) => {
        await tx.create('User', { userName: 'pending' });
        expect(seqsOf(await tx.readChanges(0, 10))).toEqual([1]);
      });
      expect(seqsOf(await store.readChanges(0, 10))).toEqual([1, 2]);
    });

    it('prunes only settled entries and resumes a resync below an open transaction', async () => {
      useSchema();
      const store = await open(4);
      await store.create('User', { userName: 'old' });
      const open1 = hold(store);
      await open1.do((tx) => tx.create('User', { userName: 'open' }));
      await store.create('User', { userName: 'newer' });

      // Everything is older than the cutoff, but seq 3 sits above the open seq 2: keep it.
      expect(await store.pruneChanges(new Date(Date.now() + 60_000))).toBe(1);
      const behind = await store.readChanges(0, 10);
      expect(behind).toEqual({ status: 'resyncRequired', resumeFrom: 1 });

      await open1.commit();
      expect(seqsOf(await store.readChanges(1, 10))).toEqual([2, 3]);
      expect(await store.pruneChanges(new Date(Date.now() + 60_000))).toBe(2);
      expect(await committedSeqs()).toEqual([]);
    });

    it('wakes a listener with the NOTIFY of the transaction that held the feed back', async () => {
      useSchema();
      const store = await open(4);
      // The channel open-store.ts derives from the schema name.
      const notified: number[] = [];
      const listener = await startPgChangeListener(url, `provisio_changes_${schema}`, (seq) =>
        notified.push(seq),
      );
      cleanups.push(() => listener.close());
      const waitFor = async (count: number): Promise<void> => {
        const deadline = Date.now() + 5000;
        while (notified.length < count) {
          if (Date.now() > deadline) throw new Error(`expected ${count} notifications, got ${notified}`);
          await sleep(10);
        }
      };

      const blocker = hold(store);
      await blocker.do((tx) => tx.create('User', { userName: 'blocker' }));
      await store.create('User', { userName: 'quick' });
      await waitFor(1);
      expect(notified).toEqual([2]);
      expect(seqsOf(await store.readChanges(0, 10))).toEqual([]);

      await blocker.commit();
      await waitFor(2);
      // The wake-up that comes after the hold-back: the blocker's own NOTIFY, on its commit.
      expect(notified).toEqual([2, 1]);
      expect(seqsOf(await store.readChanges(0, 10))).toEqual([1, 2]);
    });

    it('reports a held-back seq to a settled-seq listener once the blocker rolls back', async () => {
      useSchema();
      const store = await open(4);
      const channel = `provisio_changes_${schema}`;
      const db = new Kysely<DirectoryDatabase>({
        dialect: new PostgresDialect({
          pool: new pg.Pool({ connectionString: url, max: 1, options: `-c search_path=${schema}` }),
        }),
      });
      cleanups.push(() => db.destroy());
      const settledThrough = async () => (await postgresAdapter(channel).readSettledFeed!(db)).settledThrough;
      const reported: number[] = [];
      const listener = await startPgChangeListener(url, channel, (seq) => reported.push(seq), {
        settledThrough,
      });
      cleanups.push(() => listener.close());

      const blocker = hold(store);
      await blocker.do((tx) => tx.create('User', { userName: 'blocker' }));
      await store.create('User', { userName: 'quick' });
      // The NOTIFY of seq 2 arrives, but 2 is not readable yet: nothing is reported.
      await sleep(150);
      expect(reported).toEqual([]);

      // A rollback sends no NOTIFY; the listener's probe finds the bound moved.
      await blocker.rollback();
      const deadline = Date.now() + 5000;
      while (reported.length === 0 && Date.now() < deadline) await sleep(10);
      expect(reported).toEqual([2]);
      expect(seqsOf(await store.readChanges(0, 10))).toEqual([2]);

      // With nothing in flight a NOTIFY is reported as soon as it is probed.
      await store.create('User', { userName: 'third' });
      while (reported.length === 1 && Date.now() < deadline) await sleep(10);
      expect(reported).toEqual([2, 3]);
    });

    it('starts probes of the settled bound at least 5 ms apart under a burst of NOTIFYs, and reports the last', async () => {
      useSchema();
      const channel = `provisio_changes_${schema}`;
      // A bound that catches up 10 seqs per probe, so reaching 100 takes at least ten probes.
      const probeStarts: number[] = [];
      const settledThrough = async () => {
        probeStarts.push(performance.now());
        return probeStarts.length * 10;
      };
      const reported: number[] = [];
      const listener = await startPgChangeListener(url, channel, (seq) => reported.push(seq), {
        settledThrough,
      });
      cleanups.push(() => listener.close());
      const notifier = new pg.Client({ connectionString: url });
      await notifier.connect();
      cleanups.push(() => notifier.end());

      for (let seq = 1; seq <= 100; seq++)
        await notifier.query('SELECT pg_notify($1, $2)', [channel, String(seq)]);
      const deadline = Date.now() + 5000;
      while (reported.at(-1) !== 100 && Date.now() < deadline) await sleep(10);

      expect(reported.at(-1)).toBe(100);
      for (let k = 1; k < reported.length; k++) expect(reported[k]).toBeGreaterThan(reported[k - 1]!);
      expect(probeStarts.length).toBeGreaterThanOrEqual(10);
      const gaps = probeStarts.slice(1).map((at, k) => at - probeStarts[k]!);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(5);
    });

    it("wakes another store's onChange once a held-back seq settles, also after a rollback", async () => {
      useSchema();
      const writer = await open(4);
      const follower = await open(2, true);
      const heard: number[] = [];
      follower.onChange((seq) => heard.push(seq));
      const readable = async () => seqsOf(await follower.readChanges(0, 10));

      const blocker = hold(writer);
      await blocker.do((tx) => tx.create('User', { userName: 'blocker' }));
      await writer.create('User', { userName: 'quick' });
      await sleep(150);
      // Seq 2 is committed but not settled: the follower is not woken for it.
      expect(heard).toEqual([]);
      expect(await readable()).toEqual([]);

      await blocker.rollback();
      const deadline = Date.now() + 5000;
      while (heard.length === 0 && Date.now() < deadline) await sleep(10);
      expect(heard.at(-1)).toBe(2);
      expect(await readable()).toEqual([2]);
    });

    it('delivers every entry exactly once, in seq order, to a reader following 200 parallel writers, some creating in one statement', async () => {
      useSchema();
      const writerStore = await open(10);
      const readerStore = await open(2);
      const random = seededRandom(20_261_127);
      const plans = Array.from({ length: 200 }, (_, i) => ({
        i,
        // Some writes wait inside their transaction after appending, so commits overtake them.
        holdMs: random() < 0.3 ? Math.floor(random() * 15) : 0,
        rollBack: random() < 0.1,
        alone: random() < 0.4,
      }));

      let writing = true;
      const seen: ChangeEntry[] = [];
      const follow = async (): Promise<void> => {
        let watermark = 0;
        for (;;) {
          const stillWriting = writing;
          const page = await readerStore.readChanges(watermark, 17);
          if (page.status !== 'ok') throw new Error(`unexpected ${JSON.stringify(page)}`);
          seen.push(...page.entries);
          watermark = page.lastSeq;
          // Stop only after a read that started when every writer had finished came back empty.
          if (!stillWriting && page.entries.length === 0) return;
          if (page.entries.length === 0) await sleep(1);
        }
      };
      const reader = follow();

      let next = 0;
      const committedIds = new Set<string>();
      const worker = async (): Promise<void> => {
        while (next < plans.length) {
          const plan = plans[next++]!;
          if (plan.alone) {
            // A plain create commits in one statement of its own, between the held transactions.
            committedIds.add((await writerStore.create('User', { userName: `u${plan.i}` })).id);
            continue;
          }
          try {
            const id = await writerStore.transaction(async (tx) => {
              const created = await tx.create('User', { userName: `u${plan.i}` });
              if (plan.holdMs > 0) await sleep(plan.holdMs);
              if (plan.rollBack) throw new Rollback('planned');
              return created.id;
            });
            committedIds.add(id);
          } catch (error) {
            if (!(error instanceof Rollback)) throw error;
          }
        }
      };
      await Promise.all(Array.from({ length: 10 }, worker));
      writing = false;
      await reader;

      const seqs = seen.map((e) => e.seq);
      for (let k = 1; k < seqs.length; k++) expect(seqs[k]).toBeGreaterThan(seqs[k - 1]!);
      expect(seqs).toEqual(await committedSeqs());
      expect(new Set(seen.map((e) => e.resourceId))).toEqual(committedIds);
      expect(committedIds.size).toBe(plans.filter((p) => p.alone || !p.rollBack).length);
    });
  });
} else {
  describe.skip('change feed ordering on PostgreSQL (set PROVISIO_TEST_PG_URL to run)', () => {
    it('needs PostgreSQL', () => {});
  });
}
