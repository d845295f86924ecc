/** The provisioning log: one entry per object per cycle, with the steps that decided it. */
import { sql } from 'kysely';
import type { Expression, Insertable, Selectable, SelectQueryBuilder } from 'kysely';
import type { JsonObject } from '../../shared/json.js';
import type { DialectAdapter } from '../../directory/dialect-adapter.js';
import type {
  LogAction,
  LogQuery,
  LogStatus,
  PreparedLogEntry,
  ProvisioningLogEntry,
} from './engine-state.js';
import type { StateDb } from './state-scope.js';
import { chunks } from './state-scope.js';
import { CompiledInsert } from './compiled-insert.js';
import type { EngineLogTable, EngineStateTables } from './state-tables.js';
import { checkDate, checkLimit, checkObjectType } from './state-checks.js';
import { storedStepsJson, unpackSteps } from './log-steps-storage.js';
import { LOG_BUCKET_BITS } from './migrations/0004-log-object-buckets.js';

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

function toRow(
  entry: ProvisioningLogEntry | PreparedLogEntry,
  dialect: DialectAdapter,
): Insertable<EngineLogTable> {
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
    // Both dialects store JSON text (dialect.json is JSON.stringify), which a prepared entry holds,
    // in the log's packed form (log-steps-storage.ts).
    steps:
      'stepsJson' in entry
        ? entry.stepsJson
        : storedStepsJson(entry.steps as JsonObject[], entry.sourceId, entry.sourceName),
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
    steps: unpackSteps(dialect.readJson(row.steps), row.source_id, row.source_name),
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

/** SQLite's insert, compiled once per chunk size. */
const insertChunk = new CompiledInsert<Insertable<EngineLogTable>>(LOG_COLUMNS, (db, rows) =>
  db.insertInto('engine_log').values(rows as Insertable<EngineLogTable>[]),
);

/** The rows of `entries`, checked before anything is written, a statement's worth each. */
export function logRowChunks(
  entries: readonly (ProvisioningLogEntry | PreparedLogEntry)[],
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

/** Buckets of the per-object indexes one query seeks (a million entries are 245 buckets). */
const BUCKETS_PER_QUERY = 256;

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
  const since =
    query.since !== undefined ? dialect.time(checkDate('queryLog', 'since', query.since)) : undefined;
  const until =
    query.until !== undefined ? dialect.time(checkDate('queryLog', 'until', query.until)) : undefined;
  // `column` names the columns of the filters other than app_id. The per-object query below wraps
  // them for SQLite in a unary plus, which keeps their value but not their indexes: SQLite has no
  // statistics here, and left to itself it walks the (app_id, id) or status index of the whole app
  // rather than seeking the buckets of one object.
  const filtered = (pageLimit: number, column: (name: keyof EngineLogTable) => Expression<unknown>) =>
    db
      .selectFrom('engine_log')
      .selectAll()
      .where('app_id', '=', query.appId)
      .$if(query.status !== undefined, (qb) => qb.where(column('status'), '=', query.status!))
      .$if(query.action !== undefined, (qb) => qb.where(column('action'), '=', query.action!))
      .$if(query.cycleId !== undefined, (qb) => qb.where(column('cycle_id'), '=', query.cycleId!))
      .$if(since !== undefined, (qb) => qb.where(column('at'), '>=', since!))
      .$if(until !== undefined, (qb) => qb.where(column('at'), '<', until!))
      .$if(query.before !== undefined, (qb) => qb.where(column('id'), '<', query.before!))
      .orderBy(column('id'), 'desc')
      .limit(pageLimit);
  const object = query.object;
  if (object === undefined) {
    return (await filtered(limit, (name) => sql.ref(name)).execute()).map((row) => toEntry(row, dialect));
  }
  if (dialect.name === 'sqlite') {
    return queryObjectLog(db, dialect, object, limit, query.before, (pageLimit) =>
      filtered(pageLimit, (name) => sql`+${sql.ref(name)}`),
    );
  }
  // PostgreSQL keeps migration 0002's (app_id, source_id, id) and (app_id, lower(source_name), id)
  // (see migration 0004) and combines the two for the OR.
  const rows = await filtered(limit, (name) => sql.ref(name))
    .where((eb) =>
      eb.or([
        eb('source_id', '=', object),
        eb(eb.fn('lower', ['source_name']), '=', eb.fn('lower', [eb.val(object)])),
      ]),
    )
    .execute();
  return rows.map((row) => toEntry(row, dialect));
}

/**
 * One object's entries on SQLite: those of its source id exactly, and those of its userName /
 * displayName without regard to case (both are case-insensitive in SCIM), folded by the database
 * on both sides (SQLite folds ASCII only). Both keys are indexed after the id's bucket (migration 0004), so the
 * query names the buckets it reads, newest first, a batch at a time, until the page is full: each
 * named bucket is one index seek, where a range of buckets would read every entry of the range.
 * The two keys are two queries (SQLite does not combine the two indexes for an OR with the bucket
 * list), merged by id; an entry matching both is returned once.
 */
async function queryObjectLog(
  db: StateDb,
  dialect: DialectAdapter,
  object: string,
  limit: number,
  before: number | undefined,
  filtered: (
    pageLimit: number,
  ) => SelectQueryBuilder<EngineStateTables, 'engine_log', Selectable<EngineLogTable>>,
): Promise<ProvisioningLogEntry[]> {
  // Two subqueries, not min() and max() in one select: SQLite reads one end of the primary key
  // only for a lone min() or max(), and scans the whole table for the pair.
  const bounds = await db
    .selectNoFrom((eb) => [
      eb
        .selectFrom('engine_log')
        .select((e) => e.fn.min('id').as('low'))
        .as('low'),
      eb
        .selectFrom('engine_log')
        .select((e) => e.fn.max('id').as('high'))
        .as('high'),
    ])
    .executeTakeFirstOrThrow();
  if (bounds.low === null || bounds.high === null) return [];
  // Division, not `>>`: JavaScript shifts work on 32 bits, ids may grow past them.
  const bucketOf = (id: number) => Math.floor(id / 2 ** LOG_BUCKET_BITS);
  const low = bucketOf(dialect.readInt(bounds.low));
  const high =
    before !== undefined ? Math.min(dialect.readInt(bounds.high), before - 1) : dialect.readInt(bounds.high);
  const bucket = sql<number>`(id >> ${sql.lit(LOG_BUCKET_BITS)})`;
  const entries: ProvisioningLogEntry[] = [];
  for (let top = bucketOf(high); top >= low && entries.length < limit; top -= BUCKETS_PER_QUERY) {
    const buckets: number[] = [];
    for (let b = top; b > top - BUCKETS_PER_QUERY && b >= low; b--) buckets.push(b);
    const wanted = limit - entries.length;
    const [byId, byName] = await Promise.all([
      filtered(wanted).where(bucket, 'in', buckets).where('source_id', '=', object).execute(),
      filtered(wanted)
        .where(bucket, 'in', buckets)
        .where((eb) => eb(eb.fn('lower', ['source_name']), '=', eb.fn('lower', [eb.val(object)])))
        .execute(),
    ]);
    for (const row of mergeNewestFirst(byId, byName, dialect).slice(0, wanted))
      entries.push(toEntry(row, dialect));
  }
  return entries;
}

/** Two lists of rows, each newest first, as one list newest first without repeats. */
function mergeNewestFirst(
  a: readonly Selectable<EngineLogTable>[],
  b: readonly Selectable<EngineLogTable>[],
  dialect: DialectAdapter,
): Selectable<EngineLogTable>[] {
  const merged: Selectable<EngineLogTable>[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const idA = i < a.length ? dialect.readInt(a[i]!.id) : -Infinity;
    const idB = j < b.length ? dialect.readInt(b[j]!.id) : -Infinity;
    if (idA === idB) {
      merged.push(a[i++]!);
      j++;
    } else if (idA > idB) merged.push(a[i++]!);
    else merged.push(b[j++]!);
  }
  return merged;
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
