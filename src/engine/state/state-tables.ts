import type { Generated } from 'kysely';
import type { DbJson, DbTime } from '../../directory/database-types.js';

/**
 * Row shapes of the engine's tables (migrations/0001-engine-state.ts) as kysely sees them. As in
 * the directory's tables, timestamps are ISO-8601 TEXT on SQLite and TIMESTAMPTZ on PostgreSQL,
 * JSON is TEXT or JSONB, flags are 0 / 1 (SMALLINT on PostgreSQL: better-sqlite3 binds no
 * booleans), and BIGINT / BIGSERIAL columns come back from pg as strings. The dialect adapter
 * converts; nothing outside the row files sees the difference.
 */

export interface EngineAppsTable {
  id: string;
  name: string;
  definition: DbJson;
  /** SHA-256 of the definition's canonical JSON: a re-apply bumps the version only when it differs. */
  definition_hash: string;
  sealed_credentials: string | null;
  version: number;
  full_sync_required: number;
  created: DbTime;
  updated: DbTime;
}

export interface EngineAuditTable {
  id: Generated<number | string>;
  at: DbTime;
  actor: string;
  action: string;
  app: string | null;
  /** `{ before?, after? }`: one JSON column, so an absent value and a JSON null stay apart. */
  detail: DbJson;
}

export interface EngineLinksTable {
  app_id: string;
  object_type: 'User' | 'Group';
  source_id: string;
  target_id: string;
  target_name: string | null;
  exported_hash: string;
  exported: DbJson;
  state: 'active' | 'disabled';
  created: DbTime;
  updated: DbTime;
}

export interface EngineWatermarksTable {
  app_id: string;
  seq: number | string;
  updated: DbTime;
}

export interface EngineEscrowsTable {
  app_id: string;
  object_type: 'User' | 'Group';
  source_id: string;
  attempts: number;
  first_failure: DbTime;
  next_attempt: DbTime;
  last_error: DbJson;
}

export interface EngineQuarantinesTable {
  app_id: string;
  since: DbTime;
  level: number;
  next_attempt: DbTime;
  reason: string;
}

export interface EngineDeletionHoldsTable {
  app_id: string;
  since: DbTime;
  cycle_id: string;
  count: number;
  threshold: number;
  approved: number;
}

export interface EnginePendingReferencesTable {
  app_id: string;
  object_type: 'User' | 'Group';
  source_id: string;
  referenced_type: 'User' | 'Group';
  referenced_id: string;
}

export interface EngineCyclesTable {
  id: string;
  app_id: string;
  kind: string;
  status: string;
  started: DbTime;
  finished: DbTime | null;
  summary: DbJson;
  from_seq: number | string | null;
  to_seq: number | string | null;
  /** Migration 0006: a running cycle's progress, written by the process that runs it. */
  progress_done: number | string | null;
  progress_total: number | string | null;
}

export interface EngineLeasesTable {
  app_id: string;
  holder: string;
  expires: DbTime;
  /** Where the holder runs (LeaseProcess); null for a holder that did not say. */
  holder_host: string | null;
  holder_pid: number | string | null;
  /** When the holder's process started (LeaseProcess.started); null when it did not say. */
  holder_started: string | null;
}

export interface EngineLogTable {
  id: Generated<number | string>;
  app_id: string;
  cycle_id: string;
  change_seq: number | string | null;
  at: DbTime;
  duration_ms: number;
  object_type: 'User' | 'Group';
  source_id: string;
  source_name: string | null;
  target_id: string | null;
  action: string;
  status: string;
  reason: string | null;
  steps: DbJson;
  error: DbJson | null;
}

/** A paused app: the runner runs no cycle of it until resumed. */
export interface EnginePausesTable {
  app_id: string;
  since: DbTime;
  actor: string;
}

export interface EngineStateTables {
  engine_apps: EngineAppsTable;
  engine_audit: EngineAuditTable;
  engine_links: EngineLinksTable;
  engine_watermarks: EngineWatermarksTable;
  engine_escrows: EngineEscrowsTable;
  engine_quarantines: EngineQuarantinesTable;
  engine_deletion_holds: EngineDeletionHoldsTable;
  engine_pending_references: EnginePendingReferencesTable;
  engine_cycles: EngineCyclesTable;
  engine_leases: EngineLeasesTable;
  engine_log: EngineLogTable;
  engine_pauses: EnginePausesTable;
}

/** The tables that hold one app's state, keyed by `app_id`: what deleteApp empties. */
export const PER_APP_TABLES = [
  'engine_links',
  'engine_watermarks',
  'engine_escrows',
  'engine_quarantines',
  'engine_deletion_holds',
  'engine_pending_references',
  'engine_cycles',
  'engine_leases',
  'engine_log',
  'engine_pauses',
] as const satisfies readonly (keyof EngineStateTables)[];
