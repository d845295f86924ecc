/** References (manager, group members) waiting for the referenced object's target id. */
import type { PendingReference, StateObjectType } from './engine-state.js';
import type { StateDb } from './state-scope.js';
import { checkObjectType } from './state-checks.js';

/** Records that the object waits for the referenced one; recording it twice keeps one row. */
export async function putPendingReference(db: StateDb, reference: PendingReference): Promise<void> {
  checkObjectType('putPendingReference', reference.objectType);
  checkObjectType('putPendingReference', reference.referencedType);
  await db
    .insertInto('engine_pending_references')
    .values({
      app_id: reference.appId,
      object_type: reference.objectType,
      source_id: reference.sourceId,
      referenced_type: reference.referencedType,
      referenced_id: reference.referencedId,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** The objects waiting for the referenced one, by type and source id. */
export async function waitingOn(
  db: StateDb,
  appId: string,
  referencedType: StateObjectType,
  referencedId: string,
): Promise<PendingReference[]> {
  const rows = await db
    .selectFrom('engine_pending_references')
    .selectAll()
    .where('app_id', '=', appId)
    .where('referenced_type', '=', referencedType)
    .where('referenced_id', '=', referencedId)
    .orderBy('object_type')
    .orderBy('source_id')
    .execute();
  return rows.map((row) => ({
    appId: row.app_id,
    objectType: row.object_type,
    sourceId: row.source_id,
    referencedType: row.referenced_type,
    referencedId: row.referenced_id,
  }));
}

/** Drops every reference the object holds (it was exported with them resolved, or left scope). */
export async function deletePendingReferences(
  db: StateDb,
  appId: string,
  objectType: StateObjectType,
  sourceId: string,
): Promise<void> {
  await db
    .deleteFrom('engine_pending_references')
    .where('app_id', '=', appId)
    .where('object_type', '=', objectType)
    .where('source_id', '=', sourceId)
    .execute();
}

export async function clearPendingReferences(db: StateDb, appId: string): Promise<number> {
  const result = await db
    .deleteFrom('engine_pending_references')
    .where('app_id', '=', appId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
