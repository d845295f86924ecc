/** Escrows: objects whose export keeps failing, retried later without blocking the others. */
import type { Selectable } from 'kysely';
import type { JsonObject } from '../../shared/json.js';
import type { DialectAdapter } from '../../directory/dialect-adapter.js';
import type { Escrow, StateObjectType } from './engine-state.js';
import type { StateDb } from './state-scope.js';
import type { EngineEscrowsTable } from './state-tables.js';
import { checkDate, checkLimit, checkObjectType } from './state-checks.js';

function toEscrow(row: Selectable<EngineEscrowsTable>, dialect: DialectAdapter): Escrow {
  return {
    appId: row.app_id,
    objectType: row.object_type,
    sourceId: row.source_id,
    attempts: dialect.readInt(row.attempts),
    firstFailure: dialect.readTime(row.first_failure),
    nextAttempt: dialect.readTime(row.next_attempt),
    lastError: dialect.readJson(row.last_error) as JsonObject,
  };
}

/** Inserts or replaces the object's escrow. */
export async function putEscrow(db: StateDb, dialect: DialectAdapter, escrow: Escrow): Promise<void> {
  checkObjectType('putEscrow', escrow.objectType);
  if (!Number.isSafeInteger(escrow.attempts) || escrow.attempts < 0) {
    throw new RangeError(`putEscrow: attempts must be a non-negative whole number, got ${escrow.attempts}`);
  }
  await db
    .insertInto('engine_escrows')
    .values({
      app_id: escrow.appId,
      object_type: escrow.objectType,
      source_id: escrow.sourceId,
      attempts: escrow.attempts,
      first_failure: dialect.time(checkDate('putEscrow', 'firstFailure', escrow.firstFailure)),
      next_attempt: dialect.time(checkDate('putEscrow', 'nextAttempt', escrow.nextAttempt)),
      last_error: dialect.json(escrow.lastError),
    })
    .onConflict((oc) =>
      oc.columns(['app_id', 'object_type', 'source_id']).doUpdateSet((eb) => ({
        attempts: eb.ref('excluded.attempts'),
        first_failure: eb.ref('excluded.first_failure'),
        next_attempt: eb.ref('excluded.next_attempt'),
        last_error: eb.ref('excluded.last_error'),
      })),
    )
    .execute();
}

export async function getEscrow(
  db: StateDb,
  dialect: DialectAdapter,
  appId: string,
  objectType: StateObjectType,
  sourceId: string,
): Promise<Escrow | undefined> {
  const row = await db
    .selectFrom('engine_escrows')
    .selectAll()
    .where('app_id', '=', appId)
    .where('object_type', '=', objectType)
    .where('source_id', '=', sourceId)
    .executeTakeFirst();
  return row ? toEscrow(row, dialect) : undefined;
}

export async function deleteEscrow(
  db: StateDb,
  appId: string,
  objectType: StateObjectType,
  sourceId: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('engine_escrows')
    .where('app_id', '=', appId)
    .where('object_type', '=', objectType)
    .where('source_id', '=', sourceId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Escrows due at `now` (nextAttempt <= now), the longest-waiting first. */
export async function dueEscrows(
  db: StateDb,
  dialect: DialectAdapter,
  appId: string,
  now: Date,
  limit: number,
): Promise<Escrow[]> {
  const rows = await db
    .selectFrom('engine_escrows')
    .selectAll()
    .where('app_id', '=', appId)
    .where('next_attempt', '<=', dialect.time(checkDate('dueEscrows', 'now', now)))
    .orderBy('next_attempt')
    .orderBy('object_type')
    .orderBy('source_id')
    .limit(checkLimit('dueEscrows', limit))
    .execute();
  return rows.map((row) => toEscrow(row, dialect));
}

/** Every escrow of the app, the longest-waiting first. */
export async function listEscrows(db: StateDb, dialect: DialectAdapter, appId: string): Promise<Escrow[]> {
  const rows = await db
    .selectFrom('engine_escrows')
    .selectAll()
    .where('app_id', '=', appId)
    .orderBy('next_attempt')
    .orderBy('object_type')
    .orderBy('source_id')
    .execute();
  return rows.map((row) => toEscrow(row, dialect));
}

export async function clearEscrows(db: StateDb, appId: string): Promise<number> {
  const result = await db.deleteFrom('engine_escrows').where('app_id', '=', appId).executeTakeFirst();
  return Number(result.numDeletedRows);
}
