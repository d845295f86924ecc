/** The two ways an app is stopped: quarantine (its target keeps failing) and held deletions. */
import type { DialectAdapter } from '../../directory/dialect-adapter.js';
import type { DeletionHold, Quarantine } from './engine-state.js';
import type { StateDb } from './state-scope.js';
import { checkDate } from './state-checks.js';

function checkCount(method: string, what: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${method}: ${what} must be a non-negative whole number, got ${value}`);
  }
  return value;
}

export async function getQuarantine(
  db: StateDb,
  dialect: DialectAdapter,
  appId: string,
): Promise<Quarantine | undefined> {
  const row = await db
    .selectFrom('engine_quarantines')
    .selectAll()
    .where('app_id', '=', appId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    appId: row.app_id,
    since: dialect.readTime(row.since),
    level: dialect.readInt(row.level),
    nextAttempt: dialect.readTime(row.next_attempt),
    reason: row.reason,
  };
}

/** Inserts or replaces the app's quarantine. */
export async function setQuarantine(
  db: StateDb,
  dialect: DialectAdapter,
  quarantine: Quarantine,
): Promise<void> {
  await db
    .insertInto('engine_quarantines')
    .values({
      app_id: quarantine.appId,
      since: dialect.time(checkDate('setQuarantine', 'since', quarantine.since)),
      level: checkCount('setQuarantine', 'level', quarantine.level),
      next_attempt: dialect.time(checkDate('setQuarantine', 'nextAttempt', quarantine.nextAttempt)),
      reason: quarantine.reason,
    })
    .onConflict((oc) =>
      oc.column('app_id').doUpdateSet((eb) => ({
        since: eb.ref('excluded.since'),
        level: eb.ref('excluded.level'),
        next_attempt: eb.ref('excluded.next_attempt'),
        reason: eb.ref('excluded.reason'),
      })),
    )
    .execute();
}

export async function clearQuarantine(db: StateDb, appId: string): Promise<boolean> {
  const result = await db.deleteFrom('engine_quarantines').where('app_id', '=', appId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function getDeletionHold(
  db: StateDb,
  dialect: DialectAdapter,
  appId: string,
): Promise<DeletionHold | undefined> {
  const row = await db
    .selectFrom('engine_deletion_holds')
    .selectAll()
    .where('app_id', '=', appId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    appId: row.app_id,
    since: dialect.readTime(row.since),
    cycleId: row.cycle_id,
    count: dialect.readInt(row.count),
    threshold: dialect.readInt(row.threshold),
    approved: dialect.readInt(row.approved) === 1,
  };
}

/** Inserts or replaces the app's hold. */
export async function setDeletionHold(
  db: StateDb,
  dialect: DialectAdapter,
  hold: DeletionHold,
): Promise<void> {
  await db
    .insertInto('engine_deletion_holds')
    .values({
      app_id: hold.appId,
      since: dialect.time(checkDate('setDeletionHold', 'since', hold.since)),
      cycle_id: hold.cycleId,
      count: checkCount('setDeletionHold', 'count', hold.count),
      threshold: checkCount('setDeletionHold', 'threshold', hold.threshold),
      approved: hold.approved ? 1 : 0,
    })
    .onConflict((oc) =>
      oc.column('app_id').doUpdateSet((eb) => ({
        since: eb.ref('excluded.since'),
        cycle_id: eb.ref('excluded.cycle_id'),
        count: eb.ref('excluded.count'),
        threshold: eb.ref('excluded.threshold'),
        approved: eb.ref('excluded.approved'),
      })),
    )
    .execute();
}

export async function clearDeletionHold(db: StateDb, appId: string): Promise<boolean> {
  const result = await db.deleteFrom('engine_deletion_holds').where('app_id', '=', appId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
