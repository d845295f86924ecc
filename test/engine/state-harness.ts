import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeEach } from 'vitest';
import type { OpenStoreOptions } from '../../src/directory/open-store.js';
import { openProvisioDatabase } from '../../src/engine/state/open-engine-state.js';
import type { ProvisioDatabase } from '../../src/engine/state/open-engine-state.js';
import { PER_APP_TABLES } from '../../src/engine/state/state-tables.js';
import { dropSchema, randomSchemaName } from '../directory/store-harness.js';

/** One database for one test: both stores, a way to open more on it, and cleanup. */
export interface StateHandle {
  readonly database: ProvisioDatabase;
  readonly backend: 'sqlite-file' | 'postgres';
  /** Opens a second, independent instance on the same database (another process, in effect). */
  openAnother(extra?: Partial<OpenStoreOptions>): Promise<ProvisioDatabase>;
  /** Runs SQL on a connection of its own (to look at tables the stores do not expose). */
  query(text: string): Promise<Record<string, unknown>[]>;
  /** Moves the log's id sequence on so the next entry's id is at least `next` (as after years of cycles). */
  skipLogIds(next: number): Promise<void>;
  dispose(): Promise<void>;
}

export interface StateFactory {
  (): Promise<StateHandle>;
  finish?: () => Promise<void>;
}

/** SQLite in a fresh temp file per test. */
export function sqliteStateFactory(): StateFactory {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'provisio-state-'));
    const file = join(dir, 'provisio.db');
    const opened: ProvisioDatabase[] = [];
    const open = async (extra: Partial<OpenStoreOptions> = {}) => {
      const database = await openProvisioDatabase({ sqliteFile: file, ...extra });
      opened.push(database);
      return database;
    };
    const database = await open();
    return {
      database,
      backend: 'sqlite-file',
      openAnother: open,
      async query(text) {
        const raw = new Database(file, { readonly: true });
        try {
          return raw.prepare(text).all() as Record<string, unknown>[];
        } finally {
          raw.close();
        }
      },
      async skipLogIds(next) {
        const raw = new Database(file);
        try {
          raw.prepare(`UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'engine_log'`).run(next - 1);
        } finally {
          raw.close();
        }
      },
      async dispose() {
        for (const d of opened) await d.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  };
}

/** PostgreSQL: one schema per test file, emptied between tests, dropped by `finish`. */
export function postgresStateFactory(url: string): StateFactory {
  const schema = randomSchemaName();
  const factory: StateFactory = async () => {
    const opened: ProvisioDatabase[] = [];
    const open = async (extra: Partial<OpenStoreOptions> = {}) => {
      const database = await openProvisioDatabase({
        postgresUrl: url,
        postgresSchema: schema,
        poolSize: 4,
        listen: false,
        ...extra,
      });
      opened.push(database);
      return database;
    };
    const database = await open();
    const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      const engine = ['engine_apps', 'engine_audit', ...PER_APP_TABLES]
        .map((t) => `DELETE FROM ${t};`)
        .join(' ');
      await client.query(
        `${engine} DELETE FROM group_members; DELETE FROM app_assignments; DELETE FROM resource_emails;
         DELETE FROM resources; DELETE FROM change_feed;`,
      );
    } finally {
      await client.end();
    }
    return {
      database,
      backend: 'postgres',
      openAnother: open,
      async query(text) {
        const raw = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
        await raw.connect();
        try {
          return (await raw.query(text)).rows as Record<string, unknown>[];
        } finally {
          await raw.end();
        }
      },
      async skipLogIds(next) {
        const raw = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
        await raw.connect();
        try {
          await raw.query(
            `SELECT setval('engine_log_id_seq', GREATEST($1::bigint, (SELECT last_value FROM engine_log_id_seq)))`,
            [next - 1],
          );
        } finally {
          await raw.end();
        }
      },
      async dispose() {
        for (const d of opened) await d.close();
      },
    };
  };
  factory.finish = () => dropSchema(url, schema);
  return factory;
}

/** A fresh database before each test, disposed after it; the factory released after the suite. */
export function useFreshState(factory: StateFactory, use: (handle: StateHandle) => void): void {
  let current: StateHandle | undefined;
  beforeEach(async () => {
    current = await factory();
    use(current);
  });
  afterEach(async () => {
    await current?.dispose();
    current = undefined;
  });
  afterAll(async () => {
    await factory.finish?.();
  });
}
