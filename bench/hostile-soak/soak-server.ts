/**
 * The server under soak, run as a child process: Provisio as `provisio serve` runs it (SQLite file,
 * bearer tokens, pino logging at info), seeded with users, listening on 127.0.0.1. It imports the
 * server from the checkout named by SOAK_SOURCE_ROOT, so one driver can measure an older commit
 * (extracted with `git archive`) beside the current one. It answers the driver's memory questions
 * over IPC: only this process can force a full GC (it is started with --expose-gc) and read its heap.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeHeapSnapshot } from 'node:v8';
import type * as OpenStore from '../../src/directory/open-store.js';
import type * as Registry from '../../src/scim/schema/schema-registry.js';
import type * as BuildServer from '../../src/server/build-server.js';
import type * as ApiToken from '../../src/server/api-token.js';
import type { SoakChildMessage, SoakParentMessage, SoakUser } from './soak-protocol.js';
import { SEED_USERS_ENV, SOURCE_ROOT_ENV, SQLITE_FILE_ENV } from './soak-protocol.js';

// Types only: the modules themselves are loaded from the checkout being measured.
type OpenStoreModule = typeof OpenStore;
type RegistryModule = typeof Registry;
type BuildServerModule = typeof BuildServer;
type ApiTokenModule = typeof ApiToken;

const SEED_BATCH = 500;

function send(message: SoakChildMessage): void {
  if (!process.send) throw new Error('the soak server must be started with an IPC channel');
  process.send(message);
}

async function load<T>(root: string, path: string): Promise<T> {
  return (await import(pathToFileURL(join(root, path)).href)) as T;
}

/** Resident set size from /proc (what the kernel charges the process), else Node's own figure. */
function residentBytes(): number {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
    if (match) return Number(match[1]) * 1024;
  } catch {
    // No /proc: fall through.
  }
  return process.memoryUsage.rss();
}

function memory(collect: boolean): SoakChildMessage {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (collect && gc) {
    // Twice: the first pass can leave objects that only the second finds unreachable (weak maps).
    gc();
    gc();
  }
  const usage = process.memoryUsage();
  return {
    kind: 'memory',
    gc: collect && gc !== undefined,
    rss: residentBytes(),
    heapUsed: usage.heapUsed,
    heapTotal: usage.heapTotal,
    external: usage.external,
    arrayBuffers: usage.arrayBuffers,
  };
}

async function start(): Promise<{ close: () => Promise<void> }> {
  const root = process.env[SOURCE_ROOT_ENV] ?? fileURLToPath(new URL('../../', import.meta.url));
  const sqliteFile = process.env[SQLITE_FILE_ENV];
  if (!sqliteFile) throw new Error(`set ${SQLITE_FILE_ENV}`);
  const seedUsers = Number(process.env[SEED_USERS_ENV] ?? '1000');
  const { openStore } = await load<OpenStoreModule>(root, 'src/directory/open-store.ts');
  const { SchemaRegistry } = await load<RegistryModule>(root, 'src/scim/schema/schema-registry.ts');
  const { buildServer } = await load<BuildServerModule>(root, 'src/server/build-server.ts');
  const { issueToken } = await load<ApiTokenModule>(root, 'src/server/api-token.ts');

  const registry = SchemaRegistry.withCoreSchemas();
  const store = await openStore({ sqliteFile, registry });
  const users: SoakUser[] = [];
  for (let start = 0; start < seedUsers; start += SEED_BATCH) {
    const batch = [];
    for (let n = start; n < Math.min(seedUsers, start + SEED_BATCH); n++) {
      batch.push({
        userName: `user${n}@example.com`,
        displayName: `Given Family${n}`,
        name: { givenName: 'Given', familyName: `Family${n}` },
        emails: [{ value: `user${n}@example.com`, type: 'work', primary: true }],
        active: true,
      });
    }
    for (const created of await store.createMany('User', batch)) {
      users.push({ id: created.id, userName: String(created.attributes.userName) });
    }
  }
  const { token } = await issueToken(store, 'soak', 'read-write');
  // As `provisio serve` runs by default: pino at info, one JSON line per event on stdout (which
  // the driver sends to /dev/null), so logging costs what it costs in production.
  const app = buildServer({ store, registry, options: { logger: { level: 'info' } } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  send({ kind: 'ready', port: address.port, token, users });
  return {
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

let running: { close: () => Promise<void> } | undefined;
const shutdown = (): void => {
  void (running ? running.close() : Promise.resolve()).finally(() => process.exit(0));
};
process.on('SIGTERM', shutdown);
process.on('disconnect', shutdown);
process.on('message', (message: SoakParentMessage) => {
  if (message.kind === 'memory') send(memory(message.gc));
  if (message.kind === 'snapshot') {
    writeHeapSnapshot(message.file);
    send({ kind: 'snapshot', file: message.file });
  }
});
start()
  .then((server) => {
    running = server;
  })
  .catch((error: unknown) => {
    send({
      kind: 'failed',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    setTimeout(() => process.exit(1), 100);
  });
