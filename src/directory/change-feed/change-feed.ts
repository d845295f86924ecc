import type { Kysely } from 'kysely';
import type { JsonObject } from '../../shared/json.js';
import { isJsonObject } from '../../shared/json.js';
import type { DirectoryDatabase } from '../database-types.js';
import type { DialectAdapter, FeedBounds, FeedRow } from '../dialect-adapter.js';
import type { ChangeEntry, ChangeKind, ChangePage, ResourceKind } from '../directory-store.js';
import type { PendingChange } from './pending-change.js';
import { QueryTemplate } from '../query-template.js';
import type { DbJson, DbTime } from '../database-types.js';

/** Rows per multi-row INSERT into the feed (7 columns: well under both engines' parameter limits). */
const FEED_INSERT_BATCH = 1000;

/**
 * Appends `changes` inside `trx` and returns the highest seq written (0 when there were none).
 * Call it last before commit: on PostgreSQL the transaction counts as in flight from here until it
 * ends, and readers hold back every entry above the seq it took (see `readChanges`), so a short
 * window keeps the feed flowing. SQLite runs one writer at a time: seq order is commit order.
 */
export async function appendChanges(
  trx: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  changes: readonly PendingChange[],
): Promise<number> {
  if (changes.length === 0) return 0;
  const at = dialect.time(new Date());
  const toRows = (part: readonly PendingChange[]): FeedRow[] =>
    part.map((change) => ({
      resource_type: change.resourceType,
      resource_id: change.resourceId,
      kind: change.kind,
      attributes: dialect.json(change.attributes),
      at,
      detail: change.detail === undefined ? null : dialect.json(change.detail),
    }));
  if (dialect.appendFeedRows) {
    // Each batch registers again before its seqs; the first registration already covers them all.
    let lastSeq = 0;
    for (let start = 0; start < changes.length; start += FEED_INSERT_BATCH) {
      const rows = toRows(changes.slice(start, start + FEED_INSERT_BATCH));
      lastSeq = Math.max(lastSeq, await dialect.appendFeedRows(trx, rows));
    }
    return lastSeq;
  }
  if (changes.length === 1) {
    // One change per write is the rule: a precompiled statement. SQLite's seq is the new rowid,
    // which the driver reports without a RETURNING clause (that costs a result set per insert).
    const [row] = toRows(changes);
    const inserted = await appendOne.execute(
      trx,
      dialect.name,
      row!.resource_type,
      row!.resource_id,
      row!.kind,
      row!.attributes,
      row!.at,
      row!.detail,
    );
    if (inserted.insertId === undefined) throw new Error('change feed: the driver reported no seq');
    const seq = Number(inserted.insertId);
    await dialect.notify(trx, seq);
    return seq;
  }
  let lastSeq = 0;
  for (let start = 0; start < changes.length; start += FEED_INSERT_BATCH) {
    const rows = toRows(changes.slice(start, start + FEED_INSERT_BATCH));
    const inserted = await trx.insertInto('change_feed').values(rows).returning('seq').execute();
    for (const row of inserted) lastSeq = Math.max(lastSeq, dialect.readInt(row.seq));
  }
  await dialect.notify(trx, lastSeq);
  return lastSeq;
}

const appendOne = new QueryTemplate(
  (
    db,
    resourceType: ResourceKind,
    resourceId: string,
    kind: string,
    attributes: DbJson,
    at: DbTime,
    detail: DbJson | null,
  ) =>
    db
      .insertInto('change_feed')
      .values({ resource_type: resourceType, resource_id: resourceId, kind, attributes, at, detail }),
);

/**
 * Entries with seq > after, in seq order. A watermark below the pruned horizon means entries the
 * consumer never saw are gone: it must resync, then follow from the current end of the feed.
 *
 * On PostgreSQL writers commit in parallel, so a committed entry may sit above a seq whose
 * transaction is still open. Only entries up to the settled bound are returned (every transaction
 * that took a seq at or below it has ended; postgres-adapter.ts explains how it is read and why it
 * is safe), so a consumer that advances its watermark to the last entry it got never skips one
 * that commits later. Entries above the bound come with a later call: the transaction holding
 * the bound back sends its own NOTIFY when it commits, and a listener given `settledThrough`
 * also finds out when it rolls back (see pg-change-listener.ts).
 */
export async function readChanges(
  db: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  after: number,
  limit: number,
): Promise<ChangePage> {
  // Before the rows, in its own statement: the settled bound must be read before the snapshot
  // the rows are read in.
  const { prunedThrough, settledThrough } = await readFeedBounds(db, dialect);
  if (after < prunedThrough) {
    const last = await db
      .selectFrom('change_feed')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirst();
    const newest = last?.seq === null || last?.seq === undefined ? prunedThrough : dialect.readInt(last.seq);
    // Resuming above the settled bound would skip entries still in flight below it: the resync's
    // read of the directory could miss them, and the feed would never show them.
    const resumeFrom = Math.min(newest, settledThrough);
    return { status: 'resyncRequired', resumeFrom: Math.max(resumeFrom, prunedThrough) };
  }
  let query = db
    .selectFrom('change_feed')
    .selectAll()
    .where('seq', '>', after)
    .orderBy('seq')
    .limit(Math.max(0, Math.floor(limit)));
  if (settledThrough !== Infinity) query = query.where('seq', '<=', settledThrough);
  const rows = await query.execute();
  const entries: ChangeEntry[] = rows.map((row) => {
    const attributes = dialect.readJson(row.attributes);
    const detail = row.detail === null ? undefined : dialect.readJson(row.detail);
    const entry: ChangeEntry = {
      seq: dialect.readInt(row.seq),
      resourceType: row.resource_type as ResourceKind,
      resourceId: row.resource_id,
      kind: row.kind as ChangeKind,
      attributes: Array.isArray(attributes)
        ? attributes.filter((a): a is string => typeof a === 'string')
        : [],
      at: dialect.readTime(row.at),
      ...(isJsonObject(detail) ? { detail: detail as JsonObject } : {}),
    };
    return entry;
  });
  const lastSeq = entries.length > 0 ? entries[entries.length - 1]!.seq : after;
  return { status: 'ok', entries, lastSeq };
}

/**
 * The feed's current settled position, in one query: a watermark from which `readChanges` gives
 * every entry committed later and none before. On PostgreSQL it is the settled bound (every
 * transaction that took a seq at or below it has ended, see readChanges), so an entry still in
 * flight below the newest committed one is not passed; on SQLite the newest seq, or the pruned
 * horizon when pruning emptied the feed. 0 for a feed that never had an entry.
 */
export async function headSeq(db: Kysely<DirectoryDatabase>, dialect: DialectAdapter): Promise<number> {
  if (dialect.readSettledFeed) {
    const { prunedThrough, settledThrough } = await dialect.readSettledFeed(db);
    return Math.max(prunedThrough, settledThrough);
  }
  const row = await db
    .selectFrom('feed_horizon')
    .select((eb) => [
      'pruned_through',
      eb
        .selectFrom('change_feed')
        .select((f) => f.fn.max('seq').as('newest'))
        .as('newest'),
    ])
    .where('id', '=', 1)
    .executeTakeFirst();
  const pruned = row ? dialect.readInt(row.pruned_through) : 0;
  const newest = row?.newest === null || row?.newest === undefined ? 0 : dialect.readInt(row.newest);
  return Math.max(pruned, newest);
}

/**
 * The pruned horizon and the settled bound (see readChanges). Where seq order is commit order
 * (SQLite) everything committed is settled.
 */
async function readFeedBounds(db: Kysely<DirectoryDatabase>, dialect: DialectAdapter): Promise<FeedBounds> {
  if (dialect.readSettledFeed) return dialect.readSettledFeed(db);
  const horizon = await db
    .selectFrom('feed_horizon')
    .select('pruned_through')
    .where('id', '=', 1)
    .executeTakeFirst();
  return { prunedThrough: horizon ? dialect.readInt(horizon.pruned_through) : 0, settledThrough: Infinity };
}

/**
 * Entries deleted per transaction when pruning. A prune of millions of entries (the first one
 * after a large import) would otherwise hold SQLite's one write lock, and every write of the
 * server behind it, for as long as the whole delete takes.
 */
export const PRUNE_CHUNK = 5000;

/**
 * Deletes the entries older than `olderThan` from the start of the feed, in seq order, and raises
 * the pruned horizon; returns the count deleted. It stops at the first entry that is not older
 * (an entry written while the clock stood further back waits for the next prune): the horizon must
 * cover every deleted entry, and a consumer above it must still find every later one. Each chunk
 * of PRUNE_CHUNK entries is its own transaction and raises the horizon as it goes, so a reader
 * sees a consistent feed between chunks. Never past the settled bound: an entry still in flight
 * below the deleted range would commit under the horizon, where no consumer reads it.
 */
export async function pruneChanges(
  db: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  olderThan: Date,
  chunk: number = PRUNE_CHUNK,
): Promise<number> {
  const cutoff = olderThan.getTime();
  let deleted = 0;
  for (;;) {
    const step = await db.transaction().execute(async (trx) => {
      const { settledThrough } = await readFeedBounds(trx, dialect);
      let oldest = trx.selectFrom('change_feed').select(['seq', 'at']).orderBy('seq').limit(chunk);
      if (settledThrough !== Infinity) oldest = oldest.where('seq', '<=', settledThrough);
      const rows = await oldest.execute();
      let through: number | undefined;
      let ended = rows.length < chunk;
      for (const row of rows) {
        if (dialect.readTime(row.at).getTime() >= cutoff) {
          ended = true;
          break;
        }
        through = dialect.readInt(row.seq);
      }
      if (through === undefined) return { count: 0, more: false };
      const result = await trx.deleteFrom('change_feed').where('seq', '<=', through).executeTakeFirst();
      await trx
        .updateTable('feed_horizon')
        .set({ pruned_through: through })
        .where('id', '=', 1)
        .where('pruned_through', '<', through)
        .execute();
      return { count: Number(result.numDeletedRows), more: !ended };
    });
    deleted += step.count;
    if (!step.more) return deleted;
  }
}
