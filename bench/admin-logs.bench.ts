/**
 * The admin API's log page at 1,000,000 provisioning-log entries: the first page of a filtered
 * query (status=failure for one user) and a deep page (the 200th page of status=failure), as the
 * route reads them (`queryLog` with the keyset cursor and the indexes of engine migrations 0002
 * and 0004), against a baseline in the same run and database: a copy of the log with only the
 * indexes of migration 0001, read with LIMIT / OFFSET.
 *
 *   npm run bench:admin-logs                      (SQLite; PostgreSQL too when PROVISIO_TEST_PG_URL is set)
 *   ENTRIES=200000 npm run bench:admin-logs       (a smaller log; ENGINES=sqlite or postgres for one)
 *
 * Seeding goes through `appendLog` in batches of 10,000 (the cycle's own bulk insert), untimed.
 * 10,000 users, 100 entries each on average, 5% failures. Each query runs 200 times over
 * randomly chosen users (a seeded generator, so both sides read the same users); p50 and p99 are
 * of those 200 wall times.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { openProvisioDatabase, type ProvisioDatabase } from '../src/engine/state/open-engine-state.js';
import type { ProvisioningLogEntry } from '../src/engine/state/engine-state.js';
import { putBenchApp, timeRuns } from './support/state-bench.js';

const ENTRIES = Number(process.env.ENTRIES ?? 1_000_000);
const USERS = 10_000;
const RUNS = 200;
const PAGE = 100;
const DEEP_PAGE = 200;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function seed(database: ProvisioDatabase): Promise<string> {
  const app = await putBenchApp(database.engineState);
  const random = mulberry32(7);
  const started = Date.now() - ENTRIES * 1000;
  const actions = ['create', 'update', 'update', 'update', 'disable', 'skip'] as const;
  for (let done = 0; done < ENTRIES;) {
    const batch: ProvisioningLogEntry[] = [];
    for (let i = 0; i < 10_000 && done < ENTRIES; i++, done++) {
      const user = Math.floor(random() * USERS);
      const failed = random() < 0.05;
      batch.push({
        appId: app.id,
        cycleId: `cycle-${Math.floor(done / 5000)}`,
        at: new Date(started + done * 1000),
        durationMs: 3,
        objectType: 'User',
        sourceId: `id-${user}`,
        sourceName: `user${user}@example.com`,
        action: actions[Math.floor(random() * actions.length)]!,
        status: failed ? 'failure' : 'success',
        steps: [{ step: 'import' }, { step: 'action', decided: 'update' }],
        ...(failed
          ? { error: { code: 'unavailable', message: 'target answered 503', retryable: true } }
          : {}),
      });
    }
    await database.engineState.appendLog(batch);
  }
  return app.id;
}

/** The baseline: the log copied with only migration 0001's indexes, as the log was before. */
async function copyBaseline(database: ProvisioDatabase): Promise<void> {
  const db = database.shared.db;
  await sql`DROP TABLE IF EXISTS bench_log_baseline`.execute(db);
  await sql`CREATE TABLE bench_log_baseline AS SELECT * FROM engine_log`.execute(db);
  for (const index of [
    'CREATE INDEX bench_baseline_app_id ON bench_log_baseline (app_id, id)',
    'CREATE INDEX bench_baseline_app_at ON bench_log_baseline (app_id, at)',
    'CREATE INDEX bench_baseline_app_cycle ON bench_log_baseline (app_id, cycle_id, id)',
    'CREATE INDEX bench_baseline_app_source ON bench_log_baseline (app_id, source_id)',
    'CREATE INDEX bench_baseline_app_name ON bench_log_baseline (app_id, lower(source_name))',
  ]) {
    await sql.raw(index).execute(db);
  }
  await sql.raw('ANALYZE').execute(db);
}

/** Ten untimed runs warm the caches and the statement cache. */
const time = (run: (i: number) => Promise<unknown>) => timeRuns(run, { warmups: 10, runs: RUNS });

interface Row {
  readonly query: string;
  readonly keyset: { p50: number; p99: number };
  readonly baseline: { p50: number; p99: number };
}

async function measure(database: ProvisioDatabase, appId: string): Promise<Row[]> {
  const db = database.shared.db;
  const users = Array.from({ length: RUNS + 10 }, (_, i) => `user${(i * 7919) % USERS}@example.com`);
  const state = database.engineState;

  const userPage = await time((i) =>
    state.queryLog({ appId, status: 'failure', object: users[i]!, limit: PAGE }),
  );
  const userBaseline = await time((i) =>
    sql`SELECT * FROM bench_log_baseline WHERE app_id = ${appId} AND status = 'failure'
        AND (source_id = ${users[i]!} OR lower(source_name) = lower(${users[i]!}))
        ORDER BY id DESC LIMIT ${PAGE} OFFSET 0`.execute(db),
  );

  // The cursor of the deep page, found once (a client arrives there page by page).
  let cursor: number | undefined;
  for (let page = 0; page < DEEP_PAGE; page++) {
    const rows = await state.queryLog({
      appId,
      status: 'failure',
      limit: PAGE,
      ...(cursor ? { before: cursor } : {}),
    });
    cursor = rows.at(-1)?.id;
  }
  const deep = await time(() => state.queryLog({ appId, status: 'failure', limit: PAGE, before: cursor! }));
  const deepBaseline = await time(() =>
    sql`SELECT * FROM bench_log_baseline WHERE app_id = ${appId} AND status = 'failure'
        ORDER BY id DESC LIMIT ${PAGE} OFFSET ${PAGE * DEEP_PAGE}`.execute(db),
  );
  return [
    { query: 'first page, status=failure and one user', keyset: userPage, baseline: userBaseline },
    { query: `page ${DEEP_PAGE + 1}, status=failure`, keyset: deep, baseline: deepBaseline },
  ];
}

function report(engine: string, seedMs: number, rows: readonly Row[]): string {
  const lines = [
    `${engine}: ${ENTRIES.toLocaleString('en')} entries (seeded in ${(seedMs / 1000).toFixed(1)} s)`,
    '| query | keyset + 0002 and 0004 indexes p50 / p99 | baseline (0001 indexes, OFFSET) p50 / p99 | p99 ratio |',
    '| --- | --- | --- | --- |',
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.query} | ${row.keyset.p50.toFixed(2)} / ${row.keyset.p99.toFixed(2)} ms | ` +
        `${row.baseline.p50.toFixed(2)} / ${row.baseline.p99.toFixed(2)} ms | ` +
        `${(row.baseline.p99 / row.keyset.p99).toFixed(1)}x |`,
    );
  }
  return lines.join('\n');
}

async function run(
  engine: string,
  open: () => Promise<{ database: ProvisioDatabase; cleanup: () => Promise<void> }>,
) {
  const { database, cleanup } = await open();
  try {
    const started = Date.now();
    const appId = await seed(database);
    await copyBaseline(database);
    const seedMs = Date.now() - started;
    console.log(report(engine, seedMs, await measure(database, appId)));
  } finally {
    await database.close();
    await cleanup();
  }
}

/** `ENGINES=postgres` (or `sqlite`) runs one engine only. */
const engines = (process.env.ENGINES ?? 'sqlite,postgres').split(',');

if (engines.includes('sqlite'))
  await run('SQLite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'provisio-bench-logs-'));
    const database = await openProvisioDatabase({ sqliteFile: join(dir, 'bench.sqlite') });
    return { database, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  });

const pgUrl = process.env.PROVISIO_TEST_PG_URL;
if (!engines.includes('postgres')) {
  // only SQLite asked for
} else if (pgUrl !== undefined && pgUrl !== '') {
  const schema = `bench_admin_logs_${process.pid}`;
  await run('PostgreSQL', async () => {
    const database = await openProvisioDatabase({ postgresUrl: pgUrl, postgresSchema: schema });
    return {
      database,
      cleanup: async () => {
        const client = new pg.Client({ connectionString: pgUrl });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await client.end();
      },
    };
  });
} else {
  console.log('PostgreSQL: skipped (set PROVISIO_TEST_PG_URL to run it)');
}
