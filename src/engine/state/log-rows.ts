/** The provisioning log: one entry per object per cycle, with the steps that decided it. */
import { sql } from 'kysely';
import type { Insertable, Selectable } from 'kysely';
import type { JsonObject } from '../../shared/json.js';
import type { DialectAdapter } from '../../directory/dialect-adapter.js';
import type { LogAction, LogQuery, LogStatus, ProvisioningLogEntry } from './engine-state.js';
import type { StateDb } from './state-scope.js';
import { chunks } from './state-scope.js';
import { CompiledInsert } from './compiled-insert.js';
import type { EngineLogTable } from './state-tables.js';
import { checkDate, checkLimit, checkObjectType } from './state-checks.js';

/**
 * Rows per INSERT: 15 parameters each, 3,000 per statement, well under both engines' limits, and
 * SQL text of about 10 KB, which the SQLite statement cache keeps prepared (see LINK_INSERT_CHUNK).
 */
export const LOG_INSERT_CHUNK = 200;

/** Entries per PostgreSQL statement of unnested arrays (its parameters do not grow with the rows). */
export const LOG_UNNEST_CHUNK = 2000;

/** Rows per DELETE when pruning, so one prune never holds SQLite's write lock for long. */
export const LOG_PRUNE_CHUNK = 5000;

const DEFAULT_LOG_LIMIT = 100;

const ACTIONS: readonly LogAction[] = ['create', 'update', 'disable', 'enable', 'delete', 'skip', 'none'];
const STATUSES: readonly LogStatus[] = ['success', 'failure', 'skipped', 'warning'];

function checkAction(method: string, action: string): void {
  if (!(ACTIONS as readonly string[]).includes(action)) {
    throw new RangeError(`${method}: unknown action ${JSON.stringify(action)}`);
  }
}

function checkStatus(method: string, status: string): void {
  if (!(STATUSES as readonly string[]).includes(status)) {
    throw new RangeError(`${method}: unknown status ${JSON.stringify(status)}`);
  }
}

function toRow(entry: ProvisioningLogEntry, dialect: DialectAdapter): Insertable<EngineLogTable> {
  checkObjectType('appendLog', entry.objectType);
  checkAction('appendLog', entry.action);
  checkStatus('appendLog', entry.status);
  if (!Number.isFinite(entry.durationMs) || entry.durationMs < 0) {
    throw new RangeError(`appendLog: durationMs must be a non-negative number, got ${entry.durationMs}`);
  }
  if (entry.changeSeq !== undefined && (!Number.isSafeInteger(entry.changeSeq) || entry.changeSeq < 0)) {
    throw new RangeError(`appendLog: changeSeq must be a non-negative whole number, got ${entry.changeSeq}`);
  }
  return {
    app_id: entry.appId,
    cycle_id: entry.cycleId,
    change_seq: entry.changeSeq ?? null,
    at: dialect.time(checkDate('appendLog', 'at', entry.at)),
    // Whole milliseconds: the column is an integer, and sub-millisecond timings mean nothing here.
    duration_ms: Math.round(entry.durationMs),
    object_type: entry.objectType,
    source_id: entry.sourceId,
    source_name: entry.sourceName ?? null,
    target_id: entry.targetId ?? null,
    action: entry.action,
    status: entry.status,
    reason: entry.reason ?? null,
    steps: dialect.json(entry.steps as JsonObject[]),
    error: entry.error !== undefined ? dialect.json(entry.error) : null,
  };
}

function toEntry(row: Selectable<EngineLogTable>, dialect: DialectAdapter): ProvisioningLogEntry {
  return {
    id: dialect.readInt(row.id),
    appId: row.app_id,
    cycleId: row.cycle_id,
    ...(row.change_seq !== null ? { changeSeq: dialect.readInt(row.change_seq) } : {}),
    at: dialect.readTime(row.at),
    durationMs: dialect.readInt(row.duration_ms),
    objectType: row.object_type,
    sourceId: row.source_id,
    ...(row.source_name !== null ? { sourceName: row.source_name } : {}),
    ...(row.target_id !== null ? { targetId: row.target_id } : {}),
    action: row.action as LogAction,
    status: row.status as LogStatus,
    ...(row.reason !== null ? { reason: row.reason } : {}),
    steps: dialect.readJson(row.steps) as JsonObject[],
    ...(row.error !== null ? { error: dialect.readJson(row.error) as JsonObject } : {}),
  };
}

/** The log's columns, in the order the rows are written. */
const LOG_COLUMNS = [
  'app_id',
  'cycle_id',
  'change_seq',
  'at',
  'duration_ms',
  'object_type',
  'source_id',
  'source_name',
  'target_id',
  'action',
  'status',
  'reason',
  'steps',
  'error',
] as const;

/** SQLite's insert of a full chunk, compiled once. */
const insertChunk = new CompiledInsert<Insertable<EngineLogTable>>(
  LOG_COLUMNS,
  LOG_INSERT_CHUNK,
  (db, rows) => db.insertInto('engine_log').values(rows as Insertable<EngineLogTable>[]),
);

/** The rows of `entries`, checked before anything is written, a statement's worth each. */
export function logRowChunks(
  entries: readonly ProvisioningLogEntry[],
  dialect: DialectAdapter,
): (readonly Insertable<EngineLogTable>[])[] {
  const size = dialect.name === 'postgres' ? LOG_UNNEST_CHUNK : LOG_INSERT_CHUNK;
  return [
    ...chunks(
      entries.map((entry) => toRow(entry, dialect)),
      size,
    ),
  ];
}

/**
 * Inserts one chunk: a VALUES list on SQLite; on PostgreSQL one array parameter per column,
 * unnested into rows, so the server parses 14 parameters however many rows there are.
 */
export async function insertLogRows(
  db: StateDb,
  dialect: DialectAdapter,
  rows: readonly Insertable<EngineLogTable>[],
): Promise<void> {
  if (dialect.name !== 'postgres') {
    await insertChunk.execute(db, rows);
    return;
  }
  const column = (key: Exclude<keyof EngineLogTable, 'id'>) => rows.map((row) => row[key] ?? null);
  await db
    .insertInto('engine_log')
    .columns([...LOG_COLUMNS])
    .expression(
      sql`SELECT * FROM unnest(
        ${column('app_id')}::text[], ${column('cycle_id')}::text[], ${column('change_seq')}::bigint[],
        ${column('at')}::timestamptz[], ${column('duration_ms')}::integer[], ${column('object_type')}::text[],
        ${column('source_id')}::text[], ${column('source_name')}::text[], ${column('target_id')}::text[],
        ${column('action')}::text[], ${column('status')}::text[], ${column('reason')}::text[],
        ${column('steps')}::jsonb[], ${column('error')}::jsonb[])`,
    )
    .execute();
}

/** Newest first (by id), filtered; `before` pages backwards from an earlier answer's last id. */
export async function queryLog(
  db: StateDb,
  dialect: DialectAdapter,
  query: LogQuery,
): Promise<ProvisioningLogEntry[]> {
  const limit = checkLimit('queryLog', query.limit ?? DEFAULT_LOG_LIMIT);
  if (query.status !== undefined) checkStatus('queryLog', query.status);
  if (query.action !== undefined) checkAction('queryLog', query.action);
  if (query.before !== undefined && !Number.isSafeInteger(query.before)) {
    throw new RangeError(`queryLog: before must be a whole number, got ${query.before}`);
  }
  const rows = await db
    .selectFrom('engine_log')
    .selectAll()
    .where('app_id', '=', query.appId)
    .$if(query.status !== undefined, (qb) => qb.where('status', '=', query.status!))
    .$if(query.action !== undefined, (qb) => qb.where('action', '=', query.action!))
    .$if(query.cycleId !== undefined, (qb) => qb.where('cycle_id', '=', query.cycleId!))
    .$if(query.since !== undefined, (qb) =>
      qb.where('at', '>=', dialect.time(checkDate('queryLog', 'since', query.since!))),
    )
    .$if(query.until !== undefined, (qb) =>
      qb.where('at', '<', dialect.time(checkDate('queryLog', 'until', query.until!))),
    )
    .$if(query.before !== undefined, (qb) => qb.where('id', '<', query.before!))
    // A source id exactly, or a userName / displayName without regard to case (both are
    // case-insensitive in SCIM), folded by the database on both sides (SQLite folds ASCII only);
    // the expression is the one indexed by engine_log_app_name_id.
    .$if(query.object !== undefined, (qb) =>
      qb.where((eb) =>
        eb.or([
          eb('source_id', '=', query.object!),
          eb(eb.fn('lower', ['source_name']), '=', eb.fn('lower', [eb.val(query.object!)])),
        ]),
      ),
    )
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => toEntry(row, dialect));
}

/** Deletes up to LOG_PRUNE_CHUNK of the oldest entries before `olderThan`; returns how many. */
export async function pruneLogChunk(db: StateDb, dialect: DialectAdapter, olderThan: Date): Promise<number> {
  const result = await db
    .deleteFrom('engine_log')
    .where(
      'id',
      'in',
      db
        .selectFrom('engine_log')
        .select('id')
        .where('at', '<', dialect.time(olderThan))
        .orderBy('id')
        .limit(LOG_PRUNE_CHUNK),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
