/**
 * Provisio's SCIM server as it ships: the directory store on SQLite (a file in a temporary data
 * directory) or on a fresh PostgreSQL schema, bearer-token authentication on, seeded with the same
 * users as the other servers through the store's batch path. With a worker count (SQLite only) it
 * serves through the supervisor of `provisio serve --workers N` (src/cluster/server-cluster.ts):
 * this process becomes the cluster primary and forks the workers.
 */
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import pg from 'pg';
import { runServerCluster } from '../../src/cluster/server-cluster.js';
import { SQLITE_FILE_NAME } from '../../src/main.js';
import { openStore } from '../../src/directory/open-store.js';
import { SchemaRegistry } from '../../src/scim/schema/schema-registry.js';
import { issueToken } from '../../src/server/api-token.js';
import { buildServer } from '../../src/server/build-server.js';
import type { JsonObject } from '../../src/shared/json.js';
import { provisioBackendFromEnv, provisioWorkersFromEnv } from './provisio-settings.js';
import { runServerChild, seedCountFromEnv } from './server-protocol.js';
import { seedUserBodies } from './seed-users.js';
import type { SeededUser } from './seed-users.js';

const SEED_BATCH = 1000;

/** The synchronous pragma the store sets on SQLite, read from its source so the report states what ran. */
async function sqliteSynchronousSetting(): Promise<string> {
  const source = await readFile(new URL('../../src/directory/open-store.ts', import.meta.url), 'utf8').catch(
    () => '',
  );
  const match = /pragma\(\s*'synchronous\s*=\s*(\w+)'\s*\)/i.exec(source);
  return match?.[1]?.toUpperCase() ?? 'unknown';
}

/** The server settings that decide whether a PostgreSQL commit is on disk when it is acknowledged. */
async function postgresDurability(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const settings: string[] = [];
    for (const name of ['server_version', 'synchronous_commit', 'fsync']) {
      const result = await client.query<Record<string, string>>(`SHOW ${name}`);
      settings.push(`${name}=${String(Object.values(result.rows[0] ?? {})[0])}`);
    }
    return settings.join(', ');
  } finally {
    await client.end();
  }
}

runServerChild(async () => {
  const backend = provisioBackendFromEnv();
  const workers = provisioWorkersFromEnv();
  if (
    workers !== undefined &&
    !('sqliteFile' in backend && basename(backend.sqliteFile) === SQLITE_FILE_NAME)
  ) {
    throw new Error(
      `the workers participant needs a SQLite file named ${SQLITE_FILE_NAME} (serve takes a data directory)`,
    );
  }
  if ('sqliteFile' in backend) mkdirSync(dirname(backend.sqliteFile), { recursive: true });
  const registry = SchemaRegistry.withCoreSchemas();
  const store = await openStore({ ...backend, registry });
  const users: SeededUser[] = [];
  const bodies = seedUserBodies(seedCountFromEnv());
  for (let start = 0; start < bodies.length; start += SEED_BATCH) {
    const batch = bodies
      .slice(start, start + SEED_BATCH)
      .map(({ schemas: _schemas, ...attributes }) => attributes as unknown as JsonObject);
    for (const created of await store.createMany('User', batch)) {
      users.push({ id: created.id, userName: String(created.attributes.userName) });
    }
  }
  const { token } = await issueToken(store, 'bench', 'read-write');
  if (workers !== undefined && 'sqliteFile' in backend) {
    await store.close();
    const cluster = await runServerCluster({
      workers,
      dataDir: dirname(backend.sqliteFile),
      host: '127.0.0.1',
      port: 0,
      logger: false,
    });
    return {
      ready: {
        port: Number(new URL(cluster.url).port),
        token,
        users,
        notes: [
          `SQLite file in a temporary data directory, journal_mode=WAL, synchronous=${await sqliteSynchronousSetting()}, served by ${workers} worker processes of the \`provisio serve --workers\` supervisor (src/cluster/server-cluster.ts)`,
        ],
      },
      stop: () => cluster.close(),
    };
  }
  const app = buildServer({ store, registry, options: {} });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string')
    throw new Error('the server did not report a TCP port');
  const notes =
    'sqliteFile' in backend
      ? [
          `SQLite file in a temporary data directory, journal_mode=WAL, synchronous=${await sqliteSynchronousSetting()} (set by src/directory/open-store.ts)`,
        ]
      : [`PostgreSQL on this machine, a fresh schema, ${await postgresDurability(backend.postgresUrl)}`];
  return {
    ready: { port: address.port, token, users, notes },
    stop: async () => {
      await app.close();
      await store.close();
    },
  };
});
