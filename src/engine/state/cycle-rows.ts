/** Cycles (one run of an app's provisioning) and the lease that lets one worker run an app. */
import type { Selectable } from 'kysely';
import type { JsonObject } from '../../shared/json.js';
import type { DialectAdapter } from '../../directory/dialect-adapter.js';
import type {
  CycleKey,
  CycleKind,
  CycleProgressCounts,
  CycleRecord,
  CycleStatus,
  LeaseClaim,
  LeaseProcess,
  LeaseResult,
} from './engine-state.js';
import type { StateDb } from './state-scope.js';
import type { EngineCyclesTable } from './state-tables.js';
import { checkDate, checkLimit } from './state-checks.js';

const CYCLE_KINDS: readonly CycleKind[] = ['initial', 'incremental', 'onDemand', 'reconcile'];
const CYCLE_STATUSES: readonly CycleStatus[] = [
  'running',
  'completed',
  'completedWithFailures',
  'held',
  'quarantined',
  'failed',
];

function checkSeq(method: string, what: string, seq: number | undefined): number | null {
  if (seq === undefined) return null;
  if (!Number.isSafeInteger(seq) || seq < 0) {
    throw new RangeError(`${method}: ${what} must be a non-negative whole number, got ${seq}`);
  }
  return seq;
}

function toCycle(row: Selectable<EngineCyclesTable>, dialect: DialectAdapter): CycleRecord {
  return {
    id: row.id,
    appId: row.app_id,
    kind: row.kind as CycleKind,
    status: row.status as CycleStatus,
    started: dialect.readTime(row.started),
    ...(row.finished !== null ? { finished: dialect.readTime(row.finished) } : {}),
    summary: dialect.readJson(row.summary) as JsonObject,
    ...(row.from_seq !== null ? { fromSeq: dialect.readInt(row.from_seq) } : {}),
    ...(row.to_seq !== null ? { toSeq: dialect.readInt(row.to_seq) } : {}),
    ...(row.progress_done !== null
      ? {
          progress: {
            done: dialect.readInt(row.progress_done),
            ...(row.progress_total !== null ? { total: dialect.readInt(row.progress_total) } : {}),
          },
        }
      : {}),
  };
}

export async function startCycle(
  db: StateDb,
  dialect: DialectAdapter,
  record: Omit<CycleRecord, 'status' | 'finished'>,
): Promise<CycleRecord> {
  if (!CYCLE_KINDS.includes(record.kind)) {
    throw new RangeError(`startCycle: unknown cycle kind ${JSON.stringify(record.kind)}`);
  }
  const row = await db
    .insertInto('engine_cycles')
    .values({
      id: record.id,
      app_id: record.appId,
      kind: record.kind,
      status: 'running',
      started: dialect.time(checkDate('startCycle', 'started', record.started)),
      finished: null,
      summary: dialect.json(record.summary),
      from_seq: checkSeq('startCycle', 'fromSeq', record.fromSeq),
      to_seq: checkSeq('startCycle', 'toSeq', record.toSeq),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toCycle(row, dialect);
}

/** Ends the cycle now; `toSeq` is kept as it was when not given. Fails for an unknown cycle. */
export async function finishCycle(
  db: StateDb,
  dialect: DialectAdapter,
  id: string,
  status: CycleStatus,
  summary: JsonObject,
  toSeq?: number,
): Promise<void> {
  if (!CYCLE_STATUSES.includes(status) || status === 'running') {
    throw new RangeError(`finishCycle: ${JSON.stringify(status)} is not a final cycle status`);
  }
  const seq = checkSeq('finishCycle', 'toSeq', toSeq);
  const result = await db
    .updateTable('engine_cycles')
    .set({
      status,
      finished: dialect.time(new Date()),
      summary: dialect.json(summary),
      ...(seq !== null ? { to_seq: seq } : {}),
    })
    .where('id', '=', id)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw new Error(`finishCycle: no cycle ${JSON.stringify(id)}`);
}

/** One UPDATE of the row's two counters, only while the cycle runs (a late write is a no-op). */
export async function recordCycleProgress(
  db: StateDb,
  id: string,
  progress: CycleProgressCounts,
): Promise<boolean> {
  const done = checkSeq('recordCycleProgress', 'done', progress.done);
  const total = checkSeq('recordCycleProgress', 'total', progress.total);
  const result = await db
    .updateTable('engine_cycles')
    .set({ progress_done: done, progress_total: total })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * The app's latest cycles, newest first (by start, then id); with `before`, those after that one
 * in this order (a keyset: cycles started meanwhile do not shift the pages).
 */
export async function listCycles(
  db: StateDb,
  dialect: DialectAdapter,
  appId: string,
  limit: number,
  before?: CycleKey,
): Promise<CycleRecord[]> {
  let query = db.selectFrom('engine_cycles').selectAll().where('app_id', '=', appId);
  if (before !== undefined) {
    const started = dialect.time(checkDate('listCycles', 'before.started', before.started));
    query = query.where((eb) =>
      eb.or([eb('started', '<', started), eb.and([eb('started', '=', started), eb('id', '<', before.id)])]),
    );
  }
  const rows = await query
    .orderBy('started', 'desc')
    .orderBy('id', 'desc')
    .limit(checkLimit('listCycles', limit))
    .execute();
  return rows.map((row) => toCycle(row, dialect));
}

/**
 * Takes the app's lease for `holder` until now + ttlMs, or renews it: one upsert whose update
 * applies only when the lease has expired, is the holder's own, or belongs to the holder the
 * caller proved dead (`claim.replacing`), so of two processes racing for it exactly one wins
 * (PostgreSQL decides in the one statement; on SQLite the caller runs this in an IMMEDIATE
 * transaction). The refused one then reads who holds it and where that holder runs. Time is the
 * caller's clock, as `now` and the stored expiry are both the engine's.
 */
export async function acquireLease(
  db: StateDb,
  dialect: DialectAdapter,
  appId: string,
  holder: string,
  ttlMs: number,
  now: Date,
  claim: LeaseClaim = {},
): Promise<LeaseResult | undefined> {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`acquireLease: ttlMs must be a positive number, got ${ttlMs}`);
  }
  if (holder === '') throw new RangeError('acquireLease: holder must not be empty');
  checkDate('acquireLease', 'now', now);
  const process = claim.process;
  if (process !== undefined) checkLeaseProcess(process);
  const expires = new Date(now.getTime() + Math.ceil(ttlMs));
  const replacing = claim.replacing;
  const taken = await db
    .insertInto('engine_leases')
    .values({
      app_id: appId,
      holder,
      expires: dialect.time(expires),
      holder_host: process?.host ?? null,
      holder_pid: process?.pid ?? null,
      holder_started: process?.started ?? null,
    })
    .onConflict((oc) =>
      oc
        .column('app_id')
        .doUpdateSet((eb) => ({
          holder: eb.ref('excluded.holder'),
          expires: eb.ref('excluded.expires'),
          holder_host: eb.ref('excluded.holder_host'),
          holder_pid: eb.ref('excluded.holder_pid'),
          holder_started: eb.ref('excluded.holder_started'),
        }))
        .where((eb) =>
          eb.or([
            eb('engine_leases.expires', '<=', dialect.time(now)),
            eb('engine_leases.holder', '=', eb.ref('excluded.holder')),
            ...(replacing === undefined || replacing === ''
              ? []
              : [eb('engine_leases.holder', '=', replacing)]),
          ]),
        ),
    )
    .returning('expires')
    .executeTakeFirst();
  if (taken) return { acquired: true, expires: dialect.readTime(taken.expires) };
  const current = await db
    .selectFrom('engine_leases')
    .select(['holder', 'expires', 'holder_host', 'holder_pid', 'holder_started'])
    .where('app_id', '=', appId)
    .executeTakeFirst();
  // Released between the two statements: the caller tries again.
  if (!current) return undefined;
  const refused = {
    acquired: false as const,
    holder: current.holder,
    expires: dialect.readTime(current.expires),
  };
  if (current.holder_host === null || current.holder_pid === null) return refused;
  const holderProcess: LeaseProcess = {
    host: current.holder_host,
    pid: Number(current.holder_pid),
    ...(current.holder_started === null ? {} : { started: current.holder_started }),
  };
  return { ...refused, process: holderProcess };
}

function checkLeaseProcess(process: LeaseProcess): void {
  if (typeof process.host !== 'string' || process.host === '') {
    throw new RangeError('acquireLease: claim.process.host must be a non-empty string');
  }
  if (!Number.isSafeInteger(process.pid) || process.pid <= 0) {
    throw new RangeError(`acquireLease: claim.process.pid must be a positive integer, got ${process.pid}`);
  }
  if (process.started !== undefined && (typeof process.started !== 'string' || process.started === '')) {
    throw new RangeError('acquireLease: claim.process.started must be a non-empty string when given');
  }
}

export async function releaseLease(db: StateDb, appId: string, holder: string): Promise<void> {
  await db.deleteFrom('engine_leases').where('app_id', '=', appId).where('holder', '=', holder).execute();
}
