/**
 * The admin API's accounts list at 100,000 managed accounts (links) on SQLite: the first page and
 * the last page of `GET /apps/{name}/accounts?count=1000`, over HTTP on 127.0.0.1, and a walk
 * through every page as the console and `provisio accounts` read them. The baseline, measured in
 * the same run on the same server, is the first page: with keyset paging the last page should cost
 * what the first does (a page read with OFFSET would read every account before it).
 *
 *   npm run bench:admin-accounts
 *   ACCOUNTS=20000 npm run bench:admin-accounts     (a smaller list)
 *
 * Seeding goes through `putLinks` in batches of 10,000, untimed. Each page is read RUNS times
 * after 5 warm-up reads; p50 and p99 are of those wall times.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openProvisio, runServer } from '../src/main.js';
import type { LinkInput } from '../src/engine/state/engine-state.js';
import { issueToken } from '../src/server/api-token.js';
import { putBenchApp, timeRuns } from './support/state-bench.js';

const ACCOUNTS = Number(process.env.ACCOUNTS ?? 100_000);
const PAGE = 1000;
const RUNS = 50;

async function seed(dataDir: string): Promise<void> {
  const database = await openProvisio({ dataDir });
  try {
    const app = await putBenchApp(database.engineState);
    for (let done = 0; done < ACCOUNTS;) {
      const batch: LinkInput[] = [];
      for (; batch.length < 10_000 && done < ACCOUNTS; done++) {
        batch.push({
          appId: app.id,
          objectType: 'User',
          sourceId: `u-${String(done).padStart(8, '0')}`,
          targetId: `t-${done}`,
          exportedHash: 'h',
          exported: { userName: `user${done}@example.com`, displayName: `User ${done}` },
          state: done % 10 === 0 ? 'disabled' : 'active',
        });
      }
      await database.engineState.putLinks(batch);
    }
  } finally {
    await database.close();
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'provisio-bench-accounts-'));
  try {
    const seeding = performance.now();
    await seed(dataDir);
    console.log(`seeded ${ACCOUNTS} accounts in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);
    const server = await runServer({ dataDir, port: 0, admin: {}, engine: false, consoleDir: false });
    try {
      const token = (await issueToken(server.store, 'bench', 'viewer', 'admin')).token;
      const page = async (cursor?: string) => {
        const query = `count=${PAGE}${cursor !== undefined ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const response = await fetch(`${server.url}/admin/v1/apps/bench/accounts?${query}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        if (response.status !== 200) throw new Error(`accounts answered ${response.status}`);
        return (await response.json()) as { accounts: unknown[]; nextCursor?: string };
      };

      // The walk: every page, each after the previous one's cursor; it also finds the last cursor.
      const walkStart = performance.now();
      let cursor: string | undefined;
      let lastCursor: string | undefined;
      let seen = 0;
      let pages = 0;
      do {
        const answer = await page(cursor);
        seen += answer.accounts.length;
        pages++;
        if (answer.nextCursor !== undefined) lastCursor = answer.nextCursor;
        cursor = answer.nextCursor;
      } while (cursor !== undefined);
      const walkMs = performance.now() - walkStart;
      if (seen !== ACCOUNTS) throw new Error(`the walk saw ${seen} accounts, not ${ACCOUNTS}`);

      const time = (cursorOf: string | undefined) =>
        timeRuns(() => page(cursorOf), { warmups: 5, runs: RUNS });
      const first = await time(undefined);
      const last = await time(lastCursor);
      console.log(`| page | p50 / p99 |`);
      console.log(`| --- | --- |`);
      console.log(`| first (baseline) | ${first.p50.toFixed(2)} / ${first.p99.toFixed(2)} ms |`);
      console.log(`| last (page ${pages}) | ${last.p50.toFixed(2)} / ${last.p99.toFixed(2)} ms |`);
      console.log(`last / first at p50: ${(last.p50 / first.p50).toFixed(2)}x`);
      console.log(
        `walk of all ${pages} pages (${ACCOUNTS} accounts): ${(walkMs / 1000).toFixed(2)} s, ` +
          `${(walkMs / pages).toFixed(1)} ms a page`,
      );
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
