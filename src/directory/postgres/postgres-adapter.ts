import { sql } from 'kysely';
import type { RawBuilder, Selectable } from 'kysely';
import type { JsonValue } from '../../shared/json.js';
import type { ResourcesTable } from '../database-types.js';
import type { DialectAdapter, FeedRow } from '../dialect-adapter.js';

/*
 * The PostgreSQL side of DialectAdapter: encodings, row locks, NOTIFY, the feed's settled bound
 * (below) and the writes that run as one statement (one-statement-writes.ts).
 *
 * How PostgreSQL readers tell which part of the feed is settled, while writers commit in parallel.
 *
 * A seq is taken (nextval) when the feed row is inserted, but the row becomes visible only at
 * COMMIT, and transactions commit in any order. A reader that saw seq N+1 while the transaction
 * holding N was still open would move its watermark past N and never see it. So a reader returns
 * only entries up to the "settled" bound S: every transaction that took a seq <= S has ended.
 *
 * Writers register before they take a seq: in the feed INSERT statement, before the first
 * nextval, each takes a shared transaction-scoped advisory lock whose key encodes L = the
 * sequence's last allocated value, read just before. L < every seq the writer takes afterwards;
 * the lock shows in pg_locks until COMMIT or ROLLBACK (also ROLLBACK TO SAVEPOINT when taken
 * inside one, which abandons those seqs too). Shared locks never conflict, so nobody waits.
 *
 * A reader reads, in this order: (1) C = the sequence's last allocated value, (2) M = the lowest L
 * in pg_locks; then, in a later statement (a new snapshot, READ COMMITTED), (3) the rows with
 * after < seq <= S where S = min(C, M). Why no seq <= S can still appear after (3): take a writer
 * X holding seq x that has not ended when (3) takes its snapshot. If X registered before (2), its
 * lock was in pg_locks at (2), so M <= L_X < x. Otherwise X registered after (2), hence took x
 * after (1), so x > C. Either way x > S.
 *
 * Edge cases:
 * - A transaction that took seqs and rolled back leaves a gap forever; its lock is gone, so S
 *   moves past the gap and readers go on.
 * - A long transaction that appended early (a large Bulk) holds S below its first seq until it
 *   ends: readers wait, they never skip. Transactions that write no feed row never register and
 *   hold nothing back, whatever their age.
 * - Inside `transaction(work)`, the transaction's own registration holds S below its own
 *   entries: readChanges there does not return what is not committed yet.
 * - The reader's own snapshot plays no part in S; only statement order matters, so (1)-(2) and
 *   (3) must be separate statements and a REPEATABLE READ caller (one snapshot for the whole
 *   transaction) would break the argument. The store only uses READ COMMITTED.
 * - It relies on the sequence handing out values in call order: CACHE 1, as BIGSERIAL creates it.
 *   With a per-session cache a writer could take a seq below the last allocated value.
 * - The settled bound is also what pruning stops at (change-feed.ts), so no late-committing row
 *   can end up below the pruned horizon.
 *
 * Why not compare each row's writing transaction id with the snapshot's xmin instead: a
 * transaction gets its id at its first write (the resource row), long before it takes its feed
 * seq, so an older id can hold a higher seq. R (xid 100) writes a user; T (xid 101) writes a user
 * and takes seq 5; R takes seq 6 and commits while T is open: xmin = 101, R's row has xid 100 <
 * xmin and is visible, seq 5 is not, and a reader would skip 5. feed-ordering-postgres.test.ts
 * reproduces that interleaving.
 *
 * Keys: bigint advisory keys, the top bits a tag derived from the sequence's OID (so each schema
 * has its own key range and other advisory lock users are unlikely to land in it), the low 48
 * bits L. pg_locks shows a bigint key as classid (high 32 bits) and objid (low 32), objsubid 1.
 */

/** The feed's sequence; named by BIGSERIAL in migration 0001 (frozen, so the name is fixed). */
const FEED_SEQUENCE = sql.raw(`'change_feed_seq_seq'::regclass`);

/** Bits of an in-flight key that carry L; 2^48 seqs is far beyond any feed's life. */
const IN_FLIGHT_BITS = 48;

/** 1..32767: never 0, so the keys cannot meet the migration lock (run-migrations.ts). */
const inFlightTag = sql`(${FEED_SEQUENCE}::oid::bigint % 32767 + 1)`;

/** The last seq handed out by nextval in any session; 0 before the first. */
const lastAllocatedSeq = sql`coalesce(pg_sequence_last_value(${FEED_SEQUENCE}), 0)`;

/** Registers the current transaction as about to take seqs above the last allocated one. */
const registerInFlight = sql`pg_advisory_xact_lock_shared((${inFlightTag} << ${sql.lit(IN_FLIGHT_BITS)}) | least(${lastAllocatedSeq}, ${sql.lit(2 ** IN_FLIGHT_BITS - 1)}))`;

/** pg_locks rows that are in-flight registrations of this feed. */
const inFlightLockFilter = sql`l.locktype = 'advisory' AND l.objsubid = 1
            AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            AND (l.classid::bigint >> ${sql.lit(IN_FLIGHT_BITS - 32)}) = ${inFlightTag}`;

/** L of a registration, decoded from the pg_locks row `l`. */
const inFlightLowerBound = sql`(((l.classid::bigint & ${sql.lit(2 ** (IN_FLIGHT_BITS - 32) - 1)}) << 32) | l.objid::bigint)`;

/**
 * One statement that registers its transaction in flight, appends `rows` to the feed and queues
 * the NOTIFY; `before` are further CTEs (each followed by a comma) run in the same statement, and
 * `onlyWith` a join (`CROSS JOIN name`) that appends the rows only when that CTE returned a row.
 * Returns one row with the highest seq, or none when nothing was appended.
 * The registration CTE is joined to the rows, so it runs before the first row gets its seq (the
 * BIGSERIAL default is evaluated per joined row). No lock is waited for: the shared advisory lock
 * only makes the transaction visible in pg_locks until it ends.
 */
function registeredFeedInsert(
  channel: string,
  rows: readonly FeedRow[],
  before?: RawBuilder<unknown>,
  onlyWith?: RawBuilder<unknown>,
) {
  const values = sql.join(
    rows.map(
      (row) =>
        sql`(${row.resource_type}, ${row.resource_id}, ${row.kind}, ${row.attributes}::jsonb, ${row.at}::timestamptz, ${row.detail}::jsonb)`,
    ),
  );
  return sql<{ seq: string | number | null }>`
    WITH ${before ?? sql``}
    in_flight AS MATERIALIZED (SELECT ${registerInFlight} AS registered),
    inserted AS (
      INSERT INTO change_feed (resource_type, resource_id, kind, attributes, at, detail)
      SELECT v.resource_type, v.resource_id, v.kind, v.attributes, v.at, v.detail
      FROM in_flight ${onlyWith ?? sql``}
      CROSS JOIN (VALUES ${values}) AS v (resource_type, resource_id, kind, attributes, at, detail)
      RETURNING seq
    )
    SELECT max(seq) AS seq, pg_notify(${channel}, max(seq)::text) AS notified FROM inserted
    HAVING count(*) > 0`;
}

/** PostgreSQL: TIMESTAMPTZ and JSONB columns, row locks, NOTIFY on `channel`. */
export function postgresAdapter(channel: string): DialectAdapter {
  return {
    name: 'postgres',
    time: (date) => date,
    readTime: (value) => (value instanceof Date ? value : new Date(String(value))),
    // pg would send a JS array as a PostgreSQL array literal; JSONB wants JSON text.
    json: (value) => JSON.stringify(value),
    readJson: (value) =>
      typeof value === 'string' ? (JSON.parse(value) as JsonValue) : (value as JsonValue),
    readInt: (value) => Number(value),
    lockRows: true,
    keepsResourceCounts: false,
    // A subquery, so that it runs once per statement (an InitPlan), not once per row.
    changeMarkSql: '(select pg_current_snapshot()::text)',
    // The two-key form (objsubid 2), keyed by this schema's group_members table, stays clear of the
    // bigint keys of the feed's in-flight registrations and of other schemas' stores.
    lockGroupNesting: async (trx) => {
      await sql`select pg_advisory_xact_lock(('group_members'::regclass::oid::bigint % 2147483647)::int, 1)`.execute(
        trx,
      );
    },
    notify: async (db, lastSeq) => {
      await sql`select pg_notify(${channel}, ${String(lastSeq)})`.execute(db);
    },
    appendFeedRows: async (db, rows) => {
      const result = await registeredFeedInsert(channel, rows).execute(db);
      return Number(result.rows[0]?.seq ?? 0);
    },
    createInOneStatement: async (db, resource, emails, change) => {
      // Sibling CTEs: the foreign key of the email rows is checked at the end of the statement,
      // when the resource row is there. Autocommit makes the statement its own transaction.
      const created = sql`created AS (
          INSERT INTO resources (id, resource_type, version, created, last_modified, user_name, external_id, display_name, active, reference_display, attributes)
          VALUES (${resource.id}, ${resource.resource_type}, 1, ${resource.created}::timestamptz, ${resource.created}::timestamptz,
            ${resource.user_name}, ${resource.external_id}, ${resource.display_name}, ${resource.active}::smallint,
            ${resource.reference_display}, ${resource.attributes}::jsonb)
        ),
        emails AS (
          INSERT INTO resource_emails (resource_id, position, value, type, is_primary)
          SELECT ${resource.id}, e.position, e.value, e.type, e.is_primary
          FROM jsonb_to_recordset(${JSON.stringify(emails)}::jsonb) AS e (position integer, value text, type text, is_primary smallint)
        ),`;
      const result = await registeredFeedInsert(channel, [change], created).execute(db);
      return Number(result.rows[0]?.seq ?? 0);
    },
    updateInOneStatement: async (db, update, change) => {
      const { row, expectedVersion, emails } = update;
      // Email rows by position: upserted, and those at positions no longer used deleted; the two
      // touch different rows, as sibling CTEs must.
      const emailWrites =
        emails === undefined
          ? sql``
          : sql`emails_dropped AS (
          DELETE FROM resource_emails e USING updated u
          WHERE e.resource_id = u.id AND e.position <> ALL(${emails.map((e) => e.position)}::integer[])
        ),
        emails_written AS (
          INSERT INTO resource_emails (resource_id, position, value, type, is_primary)
          SELECT u.id, e.position, e.value, e.type, e.is_primary
          FROM updated u
          CROSS JOIN jsonb_to_recordset(${JSON.stringify(emails)}::jsonb) AS e (position integer, value text, type text, is_primary smallint)
          ON CONFLICT (resource_id, position)
          DO UPDATE SET value = excluded.value, type = excluded.type, is_primary = excluded.is_primary
        ),`;
      const updated = sql`updated AS (
          UPDATE resources SET version = ${row.version}, last_modified = ${row.last_modified}::timestamptz,
            user_name = ${row.user_name}, external_id = ${row.external_id}, display_name = ${row.display_name},
            active = ${row.active}::smallint, reference_display = ${row.reference_display},
            attributes = ${row.attributes}::jsonb
          WHERE id = ${row.id} AND version = ${expectedVersion}
          RETURNING id
        ),
        ${emailWrites}`;
      const result = await registeredFeedInsert(channel, [change], updated, sql`CROSS JOIN updated`).execute(
        db,
      );
      const seq = result.rows[0]?.seq;
      return seq === undefined || seq === null ? undefined : Number(seq);
    },
    changeMembersInOneStatement: async (db, change) => {
      const version =
        change.expectedVersion === undefined ? sql`` : sql`AND g.version = ${change.expectedVersion}`;
      // `wanted` resolves the ids to add; `checked` lets the group row be locked only when all of
      // them are users, and only at the version this statement's snapshot saw: had another writer
      // changed the group meanwhile, the lock would wait for it and then see its version, while
      // the member rows are read in the older snapshot (a removal would miss a member just
      // added). Then nothing is written and the transaction path, whose later statements see
      // that commit, does the work. The writes hang off `locked`, so they happen only then.
      // `users_bumped` gives the users whose `groups` changed (those added, those removed and the
      // users below a removed group) a new version (user-group-versions.ts). The users to add are
      // locked (`users_locked`, after the group, in id order) before their member rows are
      // inserted: the foreign key check would otherwise take a KEY SHARE lock on each in any
      // order, and upgrading it to the update's lock could close a cycle with another writer
      // waiting for the same user. NO KEY UPDATE, the lock of an UPDATE that leaves the key
      // alone, does not conflict with other writers' KEY SHARE locks. The feed insert is
      // joined to the registration as in registeredFeedInsert; its entries follow the order the
      // ids were given in, as the transaction path records them. Referencing `notified` in the
      // final SELECT is what runs it.
      // Removals may name groups, whose users lose this group too; adds are users only. A PATCH
      // that only adds (the usual one) plans no recursive part.
      const removing = change.remove.length > 0;
      const belowRemoved = sql`below (id) AS (
          SELECT gm.member_id FROM group_members gm JOIN removed d ON gm.group_id = d.member_id
          WHERE d.member_type = 'Group'
          UNION
          SELECT gm.member_id FROM group_members gm JOIN below b ON gm.group_id = b.id
        ),`;
      const result = await sql<
        Selectable<ResourcesTable> & {
          found: string | number;
          nests: boolean;
          seq: string | number | null;
          notified: string | number;
          users_bumped: string | number;
        }
      >`
        WITH RECURSIVE wanted AS MATERIALIZED (
          SELECT m.id, m.resource_type, a.n
          FROM unnest(${change.add}::text[]) WITH ORDINALITY AS a (id, n)
          JOIN resources m ON m.id = a.id
        ),
        checked AS MATERIALIZED (
          SELECT count(*) AS found, coalesce(bool_or(resource_type = 'Group'), false) AS nests,
            (SELECT version FROM resources WHERE id = ${change.groupId}) AS seen_version
          FROM wanted
        ),
        locked AS MATERIALIZED (
          SELECT g.* FROM resources g, checked c
          WHERE g.id = ${change.groupId} AND g.resource_type = 'Group' ${version}
            AND c.found = ${change.add.length} AND NOT c.nests AND g.version = c.seen_version
          FOR UPDATE OF g
        ),
        users_locked AS MATERIALIZED (
          SELECT x.id FROM resources x, locked l
          WHERE x.id IN (SELECT id FROM wanted) AND x.resource_type = 'User'
          ORDER BY x.id FOR NO KEY UPDATE OF x
        ),
        added AS (
          INSERT INTO group_members (group_id, member_id, member_type)
          SELECT l.id, w.id, w.resource_type FROM locked l CROSS JOIN wanted w
          JOIN users_locked ul ON ul.id = w.id
          ON CONFLICT (group_id, member_id) DO NOTHING
          RETURNING member_id, member_type
        ),
        removed AS (
          DELETE FROM group_members gm USING locked l
          WHERE gm.group_id = l.id AND gm.member_id = ANY(${change.remove}::text[])
          RETURNING gm.member_id, gm.member_type
        ),
        changed AS (
          SELECT 1 AS ord, w.n, 'memberAdded' AS kind, a.member_id, a.member_type
          FROM added a JOIN wanted w ON w.id = a.member_id
          UNION ALL
          SELECT 2, r.n, 'memberRemoved', d.member_id, d.member_type
          FROM removed d JOIN unnest(${change.remove}::text[]) WITH ORDINALITY AS r (id, n) ON r.id = d.member_id
        ),
        touched AS (
          UPDATE resources r SET version = l.version + 1, last_modified = ${change.at}::timestamptz
          FROM locked l
          WHERE r.id = l.id AND EXISTS (SELECT 1 FROM changed)
          RETURNING r.version, r.last_modified
        ),
        ${removing ? belowRemoved : sql``}
        users_bumped AS (
          UPDATE resources u SET version = u.version + 1, last_modified = ${change.at}::timestamptz
          WHERE u.id IN (
            SELECT x.id FROM resources x
            WHERE x.resource_type = 'User' AND x.id IN (
              SELECT member_id FROM added
              ${removing ? sql`UNION SELECT member_id FROM removed WHERE member_type = 'User' UNION SELECT id FROM below` : sql``}
            )
            ORDER BY x.id FOR NO KEY UPDATE
          )
          RETURNING u.id
        ),
        in_flight AS MATERIALIZED (SELECT ${registerInFlight} AS registered),
        inserted AS (
          INSERT INTO change_feed (resource_type, resource_id, kind, attributes, at, detail)
          SELECT 'Group', ${change.groupId}, c.kind, '["members"]'::jsonb, ${change.at}::timestamptz,
            jsonb_build_object('memberId', c.member_id, 'memberType', c.member_type)
          FROM in_flight CROSS JOIN (SELECT * FROM changed ORDER BY ord, n) c
          RETURNING seq
        ),
        notified AS (
          SELECT pg_notify(${channel}, max(seq)::text) AS sent FROM inserted HAVING count(*) > 0
        )
        SELECT l.id, l.resource_type, coalesce(t.version, l.version) AS version, l.created,
          coalesce(t.last_modified, l.last_modified) AS last_modified, l.user_name, l.external_id,
          l.display_name, l.active, l.attributes, c.found, c.nests,
          (SELECT max(seq) FROM inserted) AS seq, (SELECT count(*) FROM notified) AS notified,
          (SELECT count(*) FROM users_bumped) AS users_bumped
        FROM checked c
        LEFT JOIN locked l ON true
        LEFT JOIN touched t ON true`.execute(db);
      const outcome = result.rows[0]!;
      if (Number(outcome.found) !== change.add.length) return { done: false, reason: 'unknownMember' };
      if (outcome.nests) return { done: false, reason: 'nestsGroup' };
      if (outcome.id === null) return { done: false, reason: 'groupChanged' };
      const {
        found: _found,
        nests: _nests,
        seq,
        notified: _notified,
        users_bumped: _bumped,
        ...row
      } = outcome;
      return { done: true, row, seq: seq === null ? 0 : Number(seq) };
    },
    deleteLockedResource: async (trx, id, at) => {
      // The row is locked already, so this statement's snapshot sees every membership and
      // assignment committed before: none can be added while the lock is held (their foreign key
      // check waits for it).
      const result = await sql<{ source: 'group' | 'app' | 'gone'; key: string; role: string | null }>`
        WITH memberships AS MATERIALIZED (
          SELECT group_id FROM group_members WHERE member_id = ${id}
        ),
        touched AS (
          UPDATE resources r SET version = r.version + 1, last_modified = ${at}::timestamptz
          FROM memberships m WHERE r.id = m.group_id
          RETURNING r.id
        ),
        gone AS (DELETE FROM resources WHERE id = ${id} RETURNING id)
        SELECT 'group' AS source, id AS key, NULL AS role FROM touched
        UNION ALL
        SELECT 'app', app_id, role FROM app_assignments WHERE principal_id = ${id}
        UNION ALL
        SELECT 'gone', id, NULL FROM gone`.execute(trx);
      const groups = result.rows
        .filter((row) => row.source === 'group')
        .map((row) => row.key)
        .sort();
      // Sorted by app, then role, in code: the same order as the SQLite path's ORDER BY under "C".
      const assignments = result.rows
        .filter((row) => row.source === 'app')
        .map((row) => ({ appId: row.key, role: row.role ?? '' }))
        .sort((a, b) =>
          a.appId !== b.appId ? (a.appId < b.appId ? -1 : 1) : a.role < b.role ? -1 : a.role > b.role ? 1 : 0,
        );
      return { groups, assignments };
    },
    readSettledFeed: async (db) => {
      const result = await sql<{ pruned_through: string | number; settled_through: string | number }>`
        WITH allocated AS MATERIALIZED (SELECT ${lastAllocatedSeq} AS through)
        SELECT h.pruned_through, least(a.through, (
          SELECT min(${inFlightLowerBound}) FROM pg_locks l
          WHERE ${inFlightLockFilter}
            -- correlated with allocated: pg_locks is read after the sequence (see above)
            AND a.through IS NOT NULL
        )) AS settled_through
        FROM allocated a CROSS JOIN feed_horizon h
        WHERE h.id = 1`.execute(db);
      const row = result.rows[0];
      if (!row)
        throw new Error('readSettledFeed: the feed_horizon row (id 1) is missing; the schema is damaged');
      return { prunedThrough: Number(row.pruned_through), settledThrough: Number(row.settled_through) };
    },
    uniqueViolation(error) {
      if (!(error instanceof Error)) return undefined;
      const e = error as { code?: unknown; constraint?: unknown };
      if (e.code !== '23505') return undefined;
      return typeof e.constraint === 'string' ? e.constraint : 'unknown';
    },
  };
}
