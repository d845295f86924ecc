/**
 * Directory at scale: bulk import through createMany, then `userName eq` lookups, then paging
 * through the directory as a client's import does, on SQLite and on PostgreSQL.
 *
 *   npm run bench:directory                       # 1,000,000 users, both backends
 *   npm run bench:directory -- --users 100000     # a quicker run
 *   npm run bench:directory -- --backends sqlite  # one backend
 *
 * Options (or environment): --users N (PROVISIO_BENCH_USERS), --lookups N (default 2000),
 * --page-users N (how many users to page through, 200 a page; default 100000),
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
const pageUsers = Math.min(users, Number(option('page-users', undefined, '100000')));
const PAGE = 200;
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
  /** Paging through the first pageUsers users in order, each page right after the previous one. */
  pagingSeconds: number;
  /** Mean time of a page asked cold (no page before it) at the same depths: what every page cost by OFFSET. */
  coldPageMs: number;
}

/**
 * A client importing the directory asks `startIndex=1, 201, 401, ...` in turn. First, as the
 * baseline, 20 pages at depths spread over the same range asked out of order and one off the page
 * grid, so that none continues a page before it (each skips its rows by OFFSET); then the pages in
 * turn, each continuing the previous one (src/directory/resources/page-continuations.ts).
 */
async function paging(store: DirectoryStore): Promise<{ pagingSeconds: number; coldPageMs: number }> {
  const depths = Array.from({ length: 20 }, (_, k) => Math.floor(((k * 7919) % 20) * (pageUsers / 20)));
  const coldStarted = performance.now();
  for (const depth of depths) {
    const page = await store.list('User', { startIndex: depth + 2, count: PAGE });
    if (page.totalResults !== users) throw new Error(`cold page: totalResults ${page.totalResults}`);
  }
  const coldPageMs = (performance.now() - coldStarted) / depths.length;
  const started = performance.now();
  let seen = 0;
  for (let startIndex = 1; startIndex <= pageUsers; startIndex += PAGE) {
    const page = await store.list('User', { startIndex, count: PAGE });
    if (page.totalResults !== users)
      throw new Error(`page at ${startIndex}: totalResults ${page.totalResults}`);
    seen += page.resources.length;
  }
  if (seen < pageUsers) throw new Error(`paging saw ${seen} of ${pageUsers} users`);
  return { pagingSeconds: (performance.now() - started) / 1000, coldPageMs };
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
  const { pagingSeconds, coldPageMs } = await paging(store);
  return {
    pagingSeconds,
    coldPageMs,
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
const pages = Math.ceil(pageUsers / PAGE);
console.log(
  `\nPaging through the first ${pageUsers.toLocaleString('en-US')} users, ${PAGE} a page (${pages} pages), each page right after the previous one; a cold page (OFFSET) at the same depths for comparison:\n`,
);
console.log('| Backend | Paging time | Per page | Cold page (mean) | Cold pages, extrapolated | Ratio |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  const extrapolated = (r.coldPageMs * pages) / 1000;
  console.log(
    `| ${r.backend} | ${r.pagingSeconds.toFixed(1)} s | ${((r.pagingSeconds * 1000) / pages).toFixed(2)} ms | ${r.coldPageMs.toFixed(2)} ms | ${extrapolated.toFixed(1)} s | ${(extrapolated / r.pagingSeconds).toFixed(1)}x |`,
  );
}
