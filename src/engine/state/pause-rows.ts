/** Paused apps: one row per app an operator paused (admin API `pause` / `resume`). */
import type { DialectAdapter } from '../../directory/dialect-adapter.js';
import type { AppPause } from './engine-state.js';
import type { StateDb } from './state-scope.js';
import { checkDate } from './state-checks.js';

function toPause(row: { app_id: string; since: unknown; actor: string }, dialect: DialectAdapter): AppPause {
  return { appId: row.app_id, since: dialect.readTime(row.since), actor: row.actor };
}

/** Inserts the pause unless the app is paused already; answers the pause in force. */
export async function setPause(db: StateDb, dialect: DialectAdapter, pause: AppPause): Promise<AppPause> {
  await db
    .insertInto('engine_pauses')
    .values({
      app_id: pause.appId,
      since: dialect.time(checkDate('setPause', 'since', pause.since)),
      actor: pause.actor,
    })
    .onConflict((oc) => oc.column('app_id').doNothing())
    .execute();
  return (await getPause(db, dialect, pause.appId)) ?? pause;
}

export async function getPause(
  db: StateDb,
  dialect: DialectAdapter,
  appId: string,
): Promise<AppPause | undefined> {
  const row = await db.selectFrom('engine_pauses').selectAll().where('app_id', '=', appId).executeTakeFirst();
  return row === undefined ? undefined : toPause(row, dialect);
}

export async function listPauses(db: StateDb, dialect: DialectAdapter): Promise<AppPause[]> {
  const rows = await db.selectFrom('engine_pauses').selectAll().orderBy('app_id').execute();
  return rows.map((row) => toPause(row, dialect));
}

export async function clearPause(db: StateDb, appId: string): Promise<boolean> {
  const result = await db.deleteFrom('engine_pauses').where('app_id', '=', appId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
