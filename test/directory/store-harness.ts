import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeEach } from 'vitest';
import type { DirectoryStore } from '../../src/directory/directory-store.js';
import { openStore } from '../../src/directory/open-store.js';
import type { OpenStoreOptions } from '../../src/directory/open-store.js';
import { dropSchema } from '../support/postgres-test-schema.js';

/** Drops a test schema and everything in it (one helper for every PostgreSQL test). */
export { dropSchema };

/** One database for one test: the store, a way to open more stores on it, and cleanup. */
export interface StoreHandle {
  readonly store: DirectoryStore;
  readonly backend: 'sqlite-file' | 'sqlite-memory' | 'postgres';
  /** Opens another store on the same database (not possible for ':memory:'). */
  readonly openAnother?: (extra?: Partial<OpenStoreOptions>) => Promise<DirectoryStore>;
  /** Reopens the first store with extra options (e.g. a statement hook). */
  readonly reopen: (extra: Partial<OpenStoreOptions>) => Promise<DirectoryStore>;
  dispose(): Promise<void>;
}

/** Opens a fresh, empty database per call; `finish` releases what the factory holds. */
export interface StoreFactory {
  (): Promise<StoreHandle>;
  finish?: () => Promise<void>;
}

/** SQLite in a fresh temp file per test. */
export function sqliteFileFactory(): StoreFactory {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'provisio-store-'));
    const file = join(dir, 'directory.db');
    const opened: DirectoryStore[] = [];
    const open = async (extra: Partial<OpenStoreOptions> = {}) => {
      const store = await openStore({ sqliteFile: file, ...extra });
      opened.push(store);
      return store;
    };
    const store = await open();
    return {
      store,
      backend: 'sqlite-file',
      openAnother: open,
      reopen: open,
      async dispose() {
        for (const s of opened) await s.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  };
}

/** SQLite ':memory:'; `reopen` replaces the store (a new, empty database). */
export function sqliteMemoryFactory(): StoreFactory {
  return async () => {
    const opened: DirectoryStore[] = [];
    const store = await openStore({ sqliteFile: ':memory:' });
    opened.push(store);
    return {
      store,
      backend: 'sqlite-memory',
      async reopen(extra) {
        const next = await openStore({ sqliteFile: ':memory:', ...extra });
        opened.push(next);
        return next;
      },
      async dispose() {
        for (const s of opened) await s.close();
      },
    };
  };
}

/** A schema name no other test file uses: test files run in parallel against one database. */
export function randomSchemaName(): string {
  return `t_${randomBytes(5).toString('hex')}`;
}

/**
 * PostgreSQL: one schema per test file (search_path), created on first use, emptied between tests
 * (creating and migrating a schema per test would cost more than the tests), dropped by `finish`.
 */
export function postgresFactory(url: string): StoreFactory {
  const schema = randomSchemaName();
  const factory: StoreFactory = async () => {
    const opened: DirectoryStore[] = [];
    const open = async (extra: Partial<OpenStoreOptions> = {}) => {
      const store = await openStore({
        postgresUrl: url,
        postgresSchema: schema,
        poolSize: 4,
        listen: false,
        ...extra,
      });
      opened.push(store);
      return store;
    };
    const store = await open();
    const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      // DELETE, not TRUNCATE: on tables this small it is an order of magnitude faster.
      await client.query(
        `DELETE FROM group_members; DELETE FROM app_assignments; DELETE FROM resource_emails; DELETE FROM resources;
         DELETE FROM change_feed; DELETE FROM api_tokens; UPDATE feed_horizon SET pruned_through = 0;
         SELECT setval(pg_get_serial_sequence('change_feed', 'seq'), 1, false)`,
      );
    } finally {
      await client.end();
    }
    return {
      store,
      backend: 'postgres',
      openAnother: open,
      reopen: open,
      async dispose() {
        for (const s of opened) await s.close();
      },
    };
  };
  factory.finish = () => dropSchema(url, schema);
  return factory;
}

/** The PostgreSQL URL for tests, from PROVISIO_TEST_PG_URL. */
export const TEST_PG_URL = process.env.PROVISIO_TEST_PG_URL;

/**
 * Registers a suite's per-test lifecycle: a fresh database before each test (handed to `use`),
 * disposed after it, and the factory released after the suite.
 */
export function useFreshStore(factory: StoreFactory, use: (handle: StoreHandle) => void): void {
  let current: StoreHandle | undefined;
  beforeEach(async () => {
    current = await factory();
    use(current);
  });
  afterEach(async () => {
    await current?.dispose();
  });
  afterAll(async () => {
    await factory.finish?.();
  });
}

/**
 * For tests that open SQLite files themselves: returns a function that makes a fresh temporary
 * directory and gives the path of a database file in it; the directories go after each test.
 */
export function useTempDatabaseFiles(prefix: string): () => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return join(dir, 'directory.db');
  };
}
