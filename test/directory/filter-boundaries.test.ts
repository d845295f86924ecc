/**
 * The filter boundary table (test/support/filter-boundary-cases.ts) through the store's filter
 * path (filter-to-sql.ts, then the evaluator over candidates where SQL is not exact), on SQLite
 * and, when PROVISIO_TEST_PG_URL is set, PostgreSQL. The extension attributes of every type are
 * evaluated over SQL candidates; userName, displayName, externalId, active, emails and meta
 * timestamps are compared by SQL itself, so their boundaries are the SQL operators'.
 */
import { describe, expect, it } from 'vitest';
import type { DirectoryStore, StoredResource } from '../../src/directory/directory-store.js';
import type { JsonObject, JsonValue } from '../../src/shared/json.js';
import {
  BOUNDARY_CASES,
  BOUNDARY_URN,
  COMPARE_OPS,
  boundaryRegistry,
  expectedMatch,
  type BoundaryCase,
  type BoundaryRow,
} from '../support/filter-boundary-cases.js';
import {
  postgresFactory,
  sqliteFileFactory,
  sqliteMemoryFactory,
  TEST_PG_URL,
  useFreshStore,
  type StoreFactory,
  type StoreHandle,
} from './store-harness.js';
import { filterIds } from './store-suite.js';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const row = (value: JsonValue, order: -1 | 0 | 1 | null): BoundaryRow => ({ value, order, present: true });

/** A case on an attribute the SQL translation maps to a column, and how a row becomes a user. */
interface ColumnCase extends BoundaryCase {
  readonly user: (value: JsonValue, i: number) => JsonObject;
  /** False where every user has the attribute (userName is required). */
  readonly canBeAbsent?: false;
}

const named = (i: number) => ({ schemas: [CORE], userName: `user${i}` });

/** Columns compared in SQL. userName is unique case-insensitively, so its rows are too. */
const COLUMN_CASES: readonly ColumnCase[] = [
  {
    label: 'userName (folded column)',
    path: 'userName',
    literal: '"Bob"',
    caseExact: false,
    ordered: true,
    rows: [row('bo', -1), row('boa', -1), row('BOAZ', -1), row('BOB', 0), row('boba', 1), row('Boc', 1)],
    user: (value) => ({ schemas: [CORE], userName: value }),
    canBeAbsent: false,
  },
  {
    label: 'displayName (folded column)',
    path: 'displayName',
    literal: '"Bob"',
    caseExact: false,
    ordered: true,
    rows: [row('boa', -1), row('Bob', 0), row('BOB', 0), row('boba', 1), row('xbob', 1), row('a%b', -1)],
    user: (value, i) => ({ ...named(i), displayName: value }),
  },
  {
    label: 'externalId (exact column)',
    path: 'externalId',
    literal: '"Bob"',
    caseExact: true,
    ordered: true,
    rows: [row('Boa', -1), row('BOB', -1), row('Bob', 0), row('Boba', 1), row('bob', 1), row('xBob', 1)],
    user: (value, i) => ({ ...named(i), externalId: value }),
  },
  {
    label: 'active (boolean column)',
    path: 'active',
    literal: 'true',
    ordered: false,
    rows: [row(true, 0), row(false, 1)],
    user: (value, i) => ({ ...named(i), active: value }),
  },
  {
    label: 'emails.value (side table, folded)',
    path: 'emails.value',
    literal: '"bob@example.com"',
    caseExact: false,
    ordered: true,
    rows: [
      row('bob@example.co', -1),
      row('BOB@EXAMPLE.COM', 0),
      row('bob@example.com.au', 1),
      row('xbob@example.com', 1),
    ],
    user: (value, i) => ({ ...named(i), emails: [{ value, type: 'work' }] }),
  },
  {
    label: 'emails (complex, compared through value in the side table)',
    path: 'emails',
    literal: '"bob@example.com"',
    caseExact: false,
    ordered: true,
    rows: [row('bob@example.co', -1), row('Bob@Example.com', 0), row('bob@example.comm', 1)],
    user: (value, i) => ({ ...named(i), emails: [{ value, type: 'home' }] }),
  },
  {
    label: 'emails.primary (side table, boolean)',
    path: 'emails.primary',
    literal: 'false',
    ordered: false,
    rows: [row(false, 0), row(true, 1)],
    user: (value, i) => ({ ...named(i), emails: [{ value: `m${i}@example.com`, primary: value }] }),
  },
];

/** The extension cases: a user holding the row value at the case's attribute. */
function extensionUser(c: BoundaryCase, value: JsonValue, i: number): JsonObject {
  const attribute = c.path.slice(BOUNDARY_URN.length + 1).split('.')[0]!;
  return { schemas: [CORE, BOUNDARY_URN], userName: `user${i}`, [BOUNDARY_URN]: { [attribute]: value } };
}

/** Rows a store accepts: a typed attribute refuses values of another JSON type. */
const storable = (rows: readonly BoundaryRow[]) =>
  rows.filter((r) => r.order !== null || typeof r.value === 'object');

/**
 * Creates one user per row plus (unless `withAbsent` is false) one without the attribute, checks
 * every operator and `pr` against the table, and deletes the users again so the next case starts
 * empty.
 */
async function checkCase(
  store: DirectoryStore,
  c: BoundaryCase,
  rows: readonly BoundaryRow[],
  user: (value: JsonValue, i: number) => JsonObject,
  withAbsent = true,
): Promise<void> {
  const created = await store.createMany('User', [
    ...rows.map((r, i) => user(r.value, i)),
    ...(withAbsent ? [{ schemas: [CORE], userName: 'without-it' }] : []),
  ]);
  const ids = created.map((r) => r.id);
  const absentId = ids[rows.length];
  try {
    for (const op of COMPARE_OPS) {
      const filter = `${c.path} ${op} ${c.literal}`;
      const expected = rows.flatMap((r, i) => (expectedMatch(c, op, r) ? [ids[i]!] : []));
      if (op === 'ne' && absentId !== undefined) expected.push(absentId);
      expect({ filter, ids: await filterIds(store, 'User', filter) }).toEqual({
        filter,
        ids: expected.sort(),
      });
    }
    const present = rows.flatMap((r, i) => (r.present ? [ids[i]!] : []));
    expect({ pr: c.path, ids: await filterIds(store, 'User', `${c.path} pr`) }).toEqual({
      pr: c.path,
      ids: present.sort(),
    });
  } finally {
    for (const id of ids) await store.delete('User', id);
  }
}

/** ISO text of `ms` at the given offset in minutes (+02:00 is 120), with milliseconds. */
function isoAt(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 23);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${local}${zone}`;
}

function boundarySuite(label: string, factory: StoreFactory): void {
  describe(`filter boundaries through the store (${label})`, () => {
    let handle: StoreHandle;
    useFreshStore(factory, (fresh) => {
      handle = fresh;
    });

    it('extension attributes of every type: equal, just below and just above', async () => {
      const store = await handle.reopen({ registry: boundaryRegistry() });
      for (const c of BOUNDARY_CASES) {
        await checkCase(store, c, storable(c.rows), (value, i) => extensionUser(c, value, i));
      }
    });

    it('columns compared in SQL: equal, just below and just above', async () => {
      const { store } = handle;
      for (const c of COLUMN_CASES) await checkCase(store, c, c.rows, c.user, c.canBeAbsent ?? true);
    });

    it('meta.created and meta.lastModified at the millisecond, in any offset', async () => {
      const { store } = handle;
      // Three users created at distinct milliseconds; the middle one's instant is the literal.
      const users: StoredResource[] = [];
      for (let i = 0; i < 3; i++) {
        users.push(await store.create('User', named(i)));
        const at = users[i]!.created.getTime();
        while (Date.now() <= at + 1) await new Promise((resolve) => setTimeout(resolve, 1));
      }
      const [before, middle, after] = users;
      const t = middle!.created.getTime();
      const ids = (list: StoredResource[]) => list.map((u) => u.id).sort();
      for (const attribute of ['meta.created', 'meta.lastModified']) {
        for (const literal of [isoAt(t, 0), isoAt(t, 120), isoAt(t, -330)]) {
          const cases: [string, string[]][] = [
            ['eq', ids([middle!])],
            ['ne', ids([before!, after!])],
            ['gt', ids([after!])],
            ['ge', ids([middle!, after!])],
            ['lt', ids([before!])],
            ['le', ids([before!, middle!])],
          ];
          for (const [op, expected] of cases) {
            const filter = `${attribute} ${op} "${literal}"`;
            expect({ filter, ids: await filterIds(store, 'User', filter) }).toEqual({
              filter,
              ids: expected,
            });
          }
        }
        // A literal a tenth of a millisecond after the instant: the middle user is below it.
        const finer = `${new Date(t).toISOString().slice(0, 23)}1Z`;
        expect(await filterIds(store, 'User', `${attribute} gt "${finer}"`)).toEqual(ids([after!]));
        expect(await filterIds(store, 'User', `${attribute} lt "${finer}"`)).toEqual(ids([before!, middle!]));
        expect(await filterIds(store, 'User', `${attribute} eq "${finer}"`)).toEqual([]);
      }
    });
  });
}

boundarySuite('SQLite file', sqliteFileFactory());
boundarySuite("SQLite ':memory:'", sqliteMemoryFactory());
if (TEST_PG_URL !== undefined && TEST_PG_URL !== '') {
  boundarySuite('PostgreSQL', postgresFactory(TEST_PG_URL));
} else {
  describe.skip('filter boundaries through the store (PostgreSQL: set PROVISIO_TEST_PG_URL to run)', () => {
    it('runs on PostgreSQL', () => {});
  });
}
