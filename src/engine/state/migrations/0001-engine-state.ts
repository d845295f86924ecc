import type { DialectName } from '../../../directory/dialect-adapter.js';
import type { Migration } from '../../../directory/migrations/migration.js';

/** Column types per dialect, as in the directory's migration 0001. */
interface ColumnTypes {
  /** Keys that are compared and sorted: code-point order on both engines. */
  readonly key: string;
  readonly time: string;
  readonly json: string;
  readonly flag: string;
  readonly bigint: string;
  readonly serial: string;
}

const TYPES: Readonly<Record<DialectName, ColumnTypes>> = {
  sqlite: {
    key: 'TEXT',
    time: 'TEXT',
    json: 'TEXT',
    flag: 'INTEGER',
    bigint: 'INTEGER',
    // AUTOINCREMENT: ids are never reused after pruning, so `before` paging stays exact.
    serial: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  },
  postgres: {
    key: 'TEXT COLLATE "C"',
    time: 'TIMESTAMPTZ',
    json: 'JSONB',
    flag: 'SMALLINT',
    bigint: 'BIGINT',
    serial: 'BIGSERIAL PRIMARY KEY',
  },
};

const OBJECT_TYPE = `IN ('User', 'Group')`;

/**
 * The engine's tables, beside the directory's in the same database. Everything is keyed by the
 * app's id and there are no foreign keys to `engine_apps`: `deleteApp` empties each table in one
 * transaction instead (per-row foreign key checks would cost the engine's bulk link writes, and
 * the audit trail must outlive the app). Indexes serve the engine's lookups: links by source id
 * (the primary key) and by target id, due escrows, the log by app and time, app and cycle, app
 * and object.
 */
function statements(dialect: DialectName): string[] {
  const t = TYPES[dialect];
  return [
    `CREATE TABLE engine_apps (
      id ${t.key} PRIMARY KEY,
      name ${t.key} NOT NULL,
      definition ${t.json} NOT NULL,
      definition_hash TEXT NOT NULL,
      sealed_credentials TEXT,
      version INTEGER NOT NULL,
      full_sync_required ${t.flag} NOT NULL,
      created ${t.time} NOT NULL,
      updated ${t.time} NOT NULL
    )`,
    `CREATE UNIQUE INDEX engine_apps_name_unique ON engine_apps (name)`,
    `CREATE TABLE engine_audit (
      id ${t.serial},
      at ${t.time} NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      app ${t.key},
      detail ${t.json} NOT NULL
    )`,
    `CREATE INDEX engine_audit_app ON engine_audit (app, id)`,
    `CREATE INDEX engine_audit_at ON engine_audit (at)`,
    `CREATE TABLE engine_links (
      app_id ${t.key} NOT NULL,
      object_type TEXT NOT NULL CHECK (object_type ${OBJECT_TYPE}),
      source_id ${t.key} NOT NULL,
      target_id ${t.key} NOT NULL,
      target_name TEXT,
      exported_hash TEXT NOT NULL,
      exported ${t.json} NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('active', 'disabled')),
      created ${t.time} NOT NULL,
      updated ${t.time} NOT NULL,
      PRIMARY KEY (app_id, object_type, source_id)
    )`,
    `CREATE INDEX engine_links_target ON engine_links (app_id, object_type, target_id)`,
    `CREATE TABLE engine_watermarks (
      app_id ${t.key} PRIMARY KEY,
      seq ${t.bigint} NOT NULL,
      updated ${t.time} NOT NULL
    )`,
    `CREATE TABLE engine_escrows (
      app_id ${t.key} NOT NULL,
      object_type TEXT NOT NULL CHECK (object_type ${OBJECT_TYPE}),
      source_id ${t.key} NOT NULL,
      attempts INTEGER NOT NULL,
      first_failure ${t.time} NOT NULL,
      next_attempt ${t.time} NOT NULL,
      last_error ${t.json} NOT NULL,
      PRIMARY KEY (app_id, object_type, source_id)
    )`,
    `CREATE INDEX engine_escrows_due ON engine_escrows (app_id, next_attempt)`,
    `CREATE TABLE engine_quarantines (
      app_id ${t.key} PRIMARY KEY,
      since ${t.time} NOT NULL,
      level INTEGER NOT NULL,
      next_attempt ${t.time} NOT NULL,
      reason TEXT NOT NULL
    )`,
    `CREATE TABLE engine_deletion_holds (
      app_id ${t.key} PRIMARY KEY,
      since ${t.time} NOT NULL,
      cycle_id TEXT NOT NULL,
      count INTEGER NOT NULL,
      threshold INTEGER NOT NULL,
      approved ${t.flag} NOT NULL
    )`,
    `CREATE TABLE engine_pending_references (
      app_id ${t.key} NOT NULL,
      object_type TEXT NOT NULL CHECK (object_type ${OBJECT_TYPE}),
      source_id ${t.key} NOT NULL,
      referenced_type TEXT NOT NULL CHECK (referenced_type ${OBJECT_TYPE}),
      referenced_id ${t.key} NOT NULL,
      PRIMARY KEY (app_id, referenced_type, referenced_id, object_type, source_id)
    )`,
    `CREATE INDEX engine_pending_references_holder ON engine_pending_references (app_id, object_type, source_id)`,
    `CREATE TABLE engine_cycles (
      id ${t.key} PRIMARY KEY,
      app_id ${t.key} NOT NULL,
      kind TEXT NOT NULL,
      status TEXT NOT NULL,
      started ${t.time} NOT NULL,
      finished ${t.time},
      summary ${t.json} NOT NULL,
      from_seq ${t.bigint},
      to_seq ${t.bigint}
    )`,
    `CREATE INDEX engine_cycles_app_started ON engine_cycles (app_id, started)`,
    `CREATE TABLE engine_leases (
      app_id ${t.key} PRIMARY KEY,
      holder TEXT NOT NULL,
      expires ${t.time} NOT NULL
    )`,
    `CREATE TABLE engine_log (
      id ${t.serial},
      app_id ${t.key} NOT NULL,
      cycle_id ${t.key} NOT NULL,
      change_seq ${t.bigint},
      at ${t.time} NOT NULL,
      duration_ms INTEGER NOT NULL,
      object_type TEXT NOT NULL CHECK (object_type ${OBJECT_TYPE}),
      source_id ${t.key} NOT NULL,
      source_name TEXT,
      target_id TEXT,
      action TEXT NOT NULL,
      status TEXT NOT NULL,
      reason TEXT,
      steps ${t.json} NOT NULL,
      error ${t.json}
    )`,
    `CREATE INDEX engine_log_app_id ON engine_log (app_id, id)`,
    `CREATE INDEX engine_log_app_at ON engine_log (app_id, at)`,
    `CREATE INDEX engine_log_app_cycle ON engine_log (app_id, cycle_id, id)`,
    `CREATE INDEX engine_log_app_source ON engine_log (app_id, source_id)`,
    `CREATE INDEX engine_log_app_name ON engine_log (app_id, lower(source_name))`,
    `CREATE INDEX engine_log_at ON engine_log (at)`,
  ];
}

export const engineMigration0001: Migration = {
  id: 1,
  name: 'engine state',
  statements: { sqlite: statements('sqlite'), postgres: statements('postgres') },
};
