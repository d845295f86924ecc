/**
 * Checks that acknowledged writes are committed, not merely buffered: the SQLite server is killed
 * with SIGKILL (no shutdown, no close) and its database file is reopened and counted.
 */
import { openStore } from '../../src/directory/open-store.js';
import type { RunningServer } from './server-process.js';

/** Kills `server`, reopens `sqliteFile` and reports how many users it holds against `acknowledged`. */
export async function countAfterCrash(
  server: RunningServer,
  sqliteFile: string,
  acknowledged: number,
): Promise<string> {
  await server.crash();
  const store = await openStore({ sqliteFile });
  try {
    const { totalResults } = await store.list('User', { startIndex: 1, count: 0 });
    const verdict =
      totalResults >= acknowledged
        ? 'every acknowledged user is in the file'
        : `${acknowledged - totalResults} ACKNOWLEDGED USERS MISSING`;
    return `after SIGKILL of the SQLite server process, reopening the file finds ${totalResults.toLocaleString('en-US')} users (${acknowledged.toLocaleString('en-US')} acknowledged): ${verdict}`;
  } finally {
    await store.close();
  }
}
