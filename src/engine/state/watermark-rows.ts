/** Where each app's incremental cycles resume in the change feed. */
import type { DialectAdapter } from '../../directory/dialect-adapter.js';
import type { StateDb } from './state-scope.js';

export async function getWatermark(
  db: StateDb,
  dialect: DialectAdapter,
  appId: string,
): Promise<number | undefined> {
  const row = await db
    .selectFrom('engine_watermarks')
    .select('seq')
    .where('app_id', '=', appId)
    .executeTakeFirst();
  return row ? dialect.readInt(row.seq) : undefined;
}

export async function setWatermark(
  db: StateDb,
  dialect: DialectAdapter,
  appId: string,
  seq: number,
): Promise<void> {
  if (!Number.isSafeInteger(seq) || seq < 0) {
    throw new RangeError(`setWatermark: seq must be a non-negative whole number, got ${seq}`);
  }
  const updated = dialect.time(new Date());
  await db
    .insertInto('engine_watermarks')
    .values({ app_id: appId, seq, updated })
    .onConflict((oc) =>
      oc
        .column('app_id')
        .doUpdateSet((eb) => ({ seq: eb.ref('excluded.seq'), updated: eb.ref('excluded.updated') })),
    )
    .execute();
}

export async function clearWatermark(db: StateDb, appId: string): Promise<void> {
  await db.deleteFrom('engine_watermarks').where('app_id', '=', appId).execute();
}
