/**
 * Directory at scale: bulk import through createMany, then `userName eq` lookups, on SQLite and on
 * PostgreSQL.
 *
 *   npm run bench:directory                       # 1,000,000 users, both backends
 *   npm run bench:directory -- --users 100000     # a quicker run
 *   npm run bench:directory -- --backends sqlite  # one backend
 *
 * Options (or environment): --users N (PROVISIO_BENCH_USERS), --lookups N (default 2000),
 * --batch N (users per createMany call, default 5000), --backends sqlite,postgres,
 * --pg URL (PROVISIO_BENCH_PG_URL, else PROVISIO_TEST_PG_URL, else postgres://postgres@127.0.0.1:5432/test).
 * PostgreSQL runs in a throw-away schema that is dropped afterwards.
 */
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { JsonObject } from '../src/shared/json.js';
import { parseFilter } from '../src/scim/filter/filter-parser.js';
import type { DirectoryStore } from '../src/directory/directory-store.js';
import { openStore } from '../src/directory/open-store.js';

function option(name: string, env: string | undefined, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  if (index >= 0 && process.argv[index + 1] !== undefined) return process.argv[index + 1]!;
  return env ?? fallback;
}

const users = Number(option('users', process.env.PROVISIO_BENCH_USERS, '1000000'));
const lookups = Number(option('lookups', undefined, '2000'));
const batch = Number(option('batch', undefined, '5000'));
const backends = option('backends', undefined, 'sqlite,postgres').split(',');
const pgUrl = option(
  'pg',
  process.env.PROVISIO_BENCH_PG_URL ?? process.env.PROVISIO_TEST_PG_URL,
  'postgres://postgres@127.0.0.1:5432/test',
);

/** A realistic user: about 400 bytes of JSON, as an HR import would send. */
function makeUser(i: number): JsonObject {
  return {
    userName: `user${i}@example.com`,
    externalId: `emp-${i}`,
    displayName: `User Number ${i}`,
    active: i % 10 !== 0,
    name: {
      givenName: `Given${i % 1000}`,
      familyName: `Family${i}`,
      formatted: `Given${i % 1000} Family${i}`,
    },
    title: ['Engineer', 'Manager', 'Analyst', 'Director'][i % 4]!,
    emails: [{ value: `user${i}@example.com`, type: 'work', primary: true }],
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': {
      employeeNumber: String(100000 + i),
      department: `Dept ${i % 50}`,
    },
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

interface Result {
  backend: string;
  importSeconds: number;
  usersPerSecond: number;
  size: string;
  p50: number;
  p99: number;
  max: number;
}

async function run(backend: string, store: DirectoryStore, sizeOf: () => Promise<string>): Promise<Result> {
  const started = performance.now();
  for (let start = 0; start < users; start += batch) {
    const items: JsonObject[] = [];
    for (let i = start; i < Math.min(users, start + batch); i += 1) items.push(makeUser(i));
    await store.createMany('User', items);
    if ((start / batch) % 20 === 0) {
      process.stderr.write(
        `${backend}: ${start + items.length} users, ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
      );
    }
  }
  const importSeconds = (performance.now() - started) / 1000;
  const size = await sizeOf();

  // Warm-up, then timed lookups exactly as the server runs them (parse + list with count 1).
  const times: number[] = [];
  for (let n = 0; n < lookups + 100; n += 1) {
    const i = Math.floor(Math.random() * users);
    const t0 = performance.now();
    const filter = parseFilter(`userName eq "USER${i}@example.com"`);
    const result = await store.list('User', { filter, startIndex: 1, count: 1, includeGroups: true });
    const elapsed = performance.now() - t0;
    if (result.totalResults !== 1) throw new Error(`lookup of user${i} found ${result.totalResults}`);
    if (n >= 100) times.push(elapsed);
  }
  times.sort((a, b) => a - b);
  return {
    backend,
    importSeconds,
    usersPerSecond: users / importSeconds,
    size,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    max: times[times.length - 1]!,
  };
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

async function benchSqlite(): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'provisio-bench-'));
  const file = join(dir, 'directory.db');
  const store = await openStore({ sqliteFile: file });
  try {
    return await run('SQLite', store, async () => {
      const wal = existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0;
      return `${mib(statSync(file).size)} (+ ${mib(wal)} WAL)`;
    });
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchPostgres(): Promise<Result> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const store = await openStore({ postgresUrl: pgUrl, postgresSchema: schema, listen: false });
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    return await run('PostgreSQL', store, async () => {
      const result = await client.query(
        `SELECT COALESCE(SUM(pg_total_relation_size(format('%I.%I', schemaname, tablename))), 0)::bigint AS size
         FROM pg_tables WHERE schemaname = $1`,
        [schema],
      );
      return mib(Number((result.rows[0] as { size: string }).size));
    });
  } finally {
    await store.close();
    await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
    await client.end();
  }
}

const results: Result[] = [];
if (backends.includes('sqlite')) results.push(await benchSqlite());
if (backends.includes('postgres')) results.push(await benchPostgres());

console.log(
  `\nDirectory scale: ${users.toLocaleString('en-US')} users, createMany batches of ${batch}, ${lookups} lookups\n`,
);
console.log('| Backend | Import time | Users/s | Database size | Lookup p50 | Lookup p99 | Lookup max |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  console.log(
    `| ${r.backend} | ${r.importSeconds.toFixed(1)} s | ${Math.round(r.usersPerSecond).toLocaleString('en-US')} | ${r.size} | ${r.p50.toFixed(2)} ms | ${r.p99.toFixed(2)} ms | ${r.max.toFixed(2)} ms |`,
  );
}
