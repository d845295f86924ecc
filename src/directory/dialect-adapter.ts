import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { JsonValue } from '../shared/json.js';
import type { DbJson, DbTime, DirectoryDatabase } from './database-types.js';

/** Which SQL engine a store runs on. */
export type DialectName = 'sqlite' | 'postgres';

/**
 * The few places where SQLite and PostgreSQL differ, kept behind one object so the query code
 * reads the same for both: value encodings, row locks, the change-feed ordering lock, NOTIFY and
 * recognising unique violations.
 */
export interface DialectAdapter {
  readonly name: DialectName;
  /** Encodes a timestamp for a column or a comparison. */
  time(date: Date): DbTime;
  readTime(value: unknown): Date;
  json(value: JsonValue | readonly string[]): DbJson;
  readJson(value: unknown): JsonValue;
  readInt(value: unknown): number;
  /** `FOR UPDATE` on PostgreSQL; SQLite serialises writers on its one connection instead. */
  readonly lockRows: boolean;
  /**
   * Serialises change-feed appends so that seq order equals commit order: without it a reader
   * could advance its watermark past a lower seq whose transaction has not committed yet.
   */
  lockFeed(db: Kysely<DirectoryDatabase>): Promise<void>;
  /** Wakes other processes after commit (PostgreSQL NOTIFY is transactional). */
  notify(db: Kysely<DirectoryDatabase>, lastSeq: number): Promise<void>;
  /** The violated unique index name, when `error` is a unique violation. */
  uniqueViolation(error: unknown): string | undefined;
  /**
   * When set, appends feed rows, taking the feed lock and notifying, in one statement; returns the
   * highest seq. Replaces lockFeed + INSERT + notify, which would be three round trips while
   * holding the lock that serialises every writer's commit.
   */
  readonly appendFeedRows?: (db: Kysely<DirectoryDatabase>, rows: readonly FeedRow[]) => Promise<number>;
}

/** One change_feed row as the store writes it (seq is assigned by the database). */
export interface FeedRow {
  readonly resource_type: 'User' | 'Group';
  readonly resource_id: string;
  readonly kind: string;
  readonly attributes: DbJson;
  readonly at: DbTime;
  readonly detail: DbJson | null;
}

/** Arbitrary fixed key for the feed lock; only its uniqueness within the database matters. */
const FEED_LOCK_KEY = 7_301_944_001;

/** SQLite: ISO text timestamps, JSON as text, no row locks (one connection, serial transactions). */
export const sqliteAdapter: DialectAdapter = {
  name: 'sqlite',
  time: (date) => date.toISOString(),
  readTime: (value) => new Date(String(value)),
  json: (value) => JSON.stringify(value),
  readJson: (value) => (typeof value === 'string' ? (JSON.parse(value) as JsonValue) : null),
  readInt: (value) => Number(value),
  lockRows: false,
  lockFeed: async () => {},
  notify: async () => {},
  uniqueViolation(error) {
    if (!(error instanceof Error)) return undefined;
    const code = (error as { code?: unknown }).code;
    if (code !== 'SQLITE_CONSTRAINT_UNIQUE' && code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') return undefined;
    // "UNIQUE constraint failed: resources.user_name" names columns, not the index.
    const match = /failed: (.+)$/.exec(error.message);
    return match?.[1] ?? 'unknown';
  },
};

/** PostgreSQL: TIMESTAMPTZ and JSONB columns, row locks, NOTIFY on `channel`. */
export function postgresAdapter(channel: string): DialectAdapter {
  return {
    name: 'postgres',
    time: (date) => date,
    readTime: (value) => (value instanceof Date ? value : new Date(String(value))),
    // pg would send a JS array as a PostgreSQL array literal; JSONB wants JSON text.
    json: (value) => JSON.stringify(value),
    readJson: (value) =>
      typeof value === 'string' ? (JSON.parse(value) as JsonValue) : (value as JsonValue),
    readInt: (value) => Number(value),
    lockRows: true,
    lockFeed: async (db) => {
      await sql`select pg_advisory_xact_lock(${sql.lit(FEED_LOCK_KEY)})`.execute(db);
    },
    notify: async (db, lastSeq) => {
      await sql`select pg_notify(${channel}, ${String(lastSeq)})`.execute(db);
    },
    appendFeedRows: async (db, rows) => {
      const values = sql.join(
        rows.map(
          (row) =>
            sql`(${row.resource_type}, ${row.resource_id}, ${row.kind}, ${row.attributes}::jsonb, ${row.at}::timestamptz, ${row.detail}::jsonb)`,
        ),
      );
      // The lock CTE is joined to the rows, so it is taken before the first row gets its seq
      // (the BIGSERIAL default is evaluated per joined row); the lock is held until commit.
      const result = await sql<{ seq: string | number | null }>`
        WITH feed_lock AS (SELECT pg_advisory_xact_lock(${sql.lit(FEED_LOCK_KEY)})),
        inserted AS (
          INSERT INTO change_feed (resource_type, resource_id, kind, attributes, at, detail)
          SELECT v.resource_type, v.resource_id, v.kind, v.attributes, v.at, v.detail
          FROM feed_lock
          CROSS JOIN (VALUES ${values}) AS v (resource_type, resource_id, kind, attributes, at, detail)
          RETURNING seq
        )
        SELECT max(seq) AS seq, pg_notify(${channel}, max(seq)::text) AS notified FROM inserted`.execute(db);
      return Number(result.rows[0]?.seq ?? 0);
    },
    uniqueViolation(error) {
      if (!(error instanceof Error)) return undefined;
      const e = error as { code?: unknown; constraint?: unknown };
      if (e.code !== '23505') return undefined;
      return typeof e.constraint === 'string' ? e.constraint : 'unknown';
    },
  };
}
