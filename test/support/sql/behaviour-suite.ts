/**
 * The SQL connector's behaviour beyond the contract kit, on one backend: hostile values round-trip
 * exactly, the catalogue check names every problem, batch creates report each row, each disable
 * variant, keyset paging over more rows than a page, and the database's errors in the taxonomy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyError, type Connector, type CreateRequest } from '../../../src/connectors/spi/index.js';
import {
  createContractTables,
  mappedAnchorSettings,
  statementSettings,
  tableSettings,
} from './contract-tables.js';
import { openSql, registry } from './contract-suite.js';
import type { Backend, TestDatabase } from './test-databases.js';

const signal = () => AbortSignal.timeout(60_000);

/** Values that break statements built by concatenation, and text that breaks sloppy encodings. */
export const HOSTILE_VALUES = [
  "'); DROP TABLE b_users; --",
  `O'Brien "the quoted" \`back\` ''double'' ""quotes""`,
  'back\\slash \\\' \\" \\\\ \\n \\0 ends with \\',
  ':userName ? $1 %s {0} /* not a comment */ -- nor this',
  '\u0001\u0002\u0003\u0008\u001b\u007f\u0080\u00ff\ufffd\ufeff binary-looking',
  `${'Ünïcödé 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 漢字 😀🧑🏽‍💻 '.repeat(400)}end`,
];

async function code(run: () => Promise<unknown>) {
  try {
    await run();
  } catch (error) {
    return classifyError(error);
  }
  throw new Error('expected the operation to fail');
}

export function sqlBehaviourSuite(backend: Backend): void {
  if (backend.skip !== undefined) {
    describe.skip(`SQL connector behaviour on ${backend.label} (${backend.skip})`, () => {});
    return;
  }
  describe(`SQL connector behaviour on ${backend.label}`, () => {
    let db: TestDatabase;
    const open: Connector[] = [];
    const connect = async (settings: Record<string, unknown>) => {
      const connector = await openSql(settings);
      open.push(connector);
      return connector;
    };
    const table = (extra: Record<string, unknown> = {}) =>
      connect(tableSettings(backend.connection, 'b_', extra));
    const user = (n: number | string, extra: Record<string, unknown> = {}): CreateRequest => ({
      objectType: 'User',
      attributes: { userName: `user-${n}@example.test`, displayName: `User ${n}`, ...extra },
    });
    beforeAll(async () => {
      db = await backend.open();
      await createContractTables(db, 'b_');
      const q = db.q;
      const binary = db.backend === 'postgres' ? 'bytea' : 'blob';
      await db.exec(
        `create table ${q('b_flags')} (id ${db.generatedId}, ${q('userName')} varchar(255) not null unique, flags integer not null default 1, photo ${binary})`,
      );
      await db.exec(
        `create table ${q('b_badmembers')} (group_id varchar(64) not null, user_id integer not null)`,
      );
      await db.exec(
        `create table ${q('b_paged')} (id ${db.generatedId}, ${q('userName')} varchar(255) not null unique)`,
      );
    });
    afterAll(async () => {
      for (const connector of open) await connector.close?.();
      await db?.dispose();
    });

    describe('hostile values', () => {
      it('round-trip exactly through create, get and find in table mode, and the tables survive', async () => {
        const c = await table();
        for (const [index, value] of HOSTILE_VALUES.entries()) {
          const userName = value.length > 200 ? `${value.slice(0, 100)}-${index}` : value;
          const created = await c.create(
            { objectType: 'User', attributes: { userName, displayName: value, title: value.slice(0, 200) } },
            signal(),
          );
          const read = await c.get!({ objectType: 'User', ref: created }, signal());
          expect(read.attributes).toEqual({ userName, displayName: value, title: value.slice(0, 200) });
          const found = await c.find!(
            { objectType: 'User', attribute: 'userName', value: userName },
            signal(),
          );
          expect(found.map((o) => o.id)).toEqual([created.id]);
        }
        const rows = await db.query(`select count(*) as n from ${db.q('b_users')}`);
        expect(Number(rows[0]!.n)).toBeGreaterThanOrEqual(HOSTILE_VALUES.length);
      });

      it('round-trip exactly through statement mode, where values never meet the parameter parser', async () => {
        const c = await connect(statementSettings({ backend: backend.name }, backend.connection, 'b_'));
        for (const [index, value] of HOSTILE_VALUES.entries()) {
          const userName = `stmt-${index}-${value.slice(0, 150)}`;
          const created = await c.create(
            { objectType: 'User', attributes: { userName, displayName: value, title: null } },
            signal(),
          );
          const read = await c.get!({ objectType: 'User', ref: created }, signal());
          expect(read.attributes.displayName).toBe(value);
          expect(read.attributes.userName).toBe(userName);
          await c.update!(
            {
              objectType: 'User',
              ref: created,
              changes: [{ attribute: 'title', oldValue: null, newValue: value.slice(0, 200) }],
            },
            signal(),
          );
          expect((await c.get!({ objectType: 'User', ref: created }, signal())).attributes).toEqual({
            userName,
            displayName: value,
            title: value.slice(0, 200),
          });
        }
      });
    });

    describe('the catalogue check', () => {
      it('names every missing table and column and every incompatible type, together', async () => {
        const c = await connect({
          ...backend.connection,
          mode: 'table',
          users: {
            table: 'b_flags',
            anchor: { column: 'userName', generated: true },
            columns: ['photo', 'givenName'],
            disable: { column: 'flags', enabledValue: 'yes', disabledValue: 'no' },
          },
          groups: { table: 'b_groupz', anchor: { column: 'id', generated: true }, columns: ['displayName'] },
          membership: { table: 'b_badmembers', groupColumn: 'group_id', memberColumn: 'user_id' },
        });
        const error = await code(() => c.testConnection(signal()));
        expect(error.code).toBe('schema_violation');
        expect(error.message).toContain("column 'b_flags.userName' (the anchor) is");
        expect(error.message).toContain('not generated by the database');
        expect(error.message).toMatch(/column 'b_flags\.photo' has type .+?, which a mapped attribute/);
        expect(error.message).toContain("column 'b_flags.givenName' (a mapped attribute) does not exist");
        expect(error.message).toMatch(
          /column 'b_flags\.flags' \(the disable column\) has type .+?, which cannot hold "yes"/,
        );
        expect(error.message).toContain("table 'b_groupz' does not exist (did you mean 'b_groups'?)");
        // The same problems stop every operation, not only testConnection.
        expect((await code(() => c.create(user('x'), signal()))).message).toBe(error.message);
      });

      it('names a membership column whose type cannot hold the anchor it refers to', async () => {
        const c = await table({
          membership: { table: 'b_badmembers', groupColumn: 'group_id', memberColumn: 'user_id' },
        });
        const error = await code(() => c.testConnection(signal()));
        expect(error.code).toBe('schema_violation');
        expect(error.message).toMatch(
          /column 'b_badmembers\.group_id' \(the group\) has type .+, but it holds 'b_groups\.id'/,
        );
        expect(error.message).not.toContain('user_id');
      });

      it('suggests the column meant by a typo', async () => {
        const c = await table({
          users: { table: 'b_users', anchor: { column: 'id', generated: true }, columns: ['userNmae'] },
        });
        expect((await code(() => c.testConnection(signal()))).message).toContain(
          "column 'b_users.userNmae' (a mapped attribute) does not exist (did you mean 'userName'?)",
        );
      });
    });

    describe('batch create', () => {
      it('inserts many rows and gives each its own generated id', async () => {
        const c = await table();
        expect(c.capabilities.batchCreate).toEqual({ maxItems: 500 });
        const requests = Array.from({ length: 650 }, (_, i) => user(`batch-${i}`, { title: `T${i}` }));
        const results = await c.createBatch!(requests, signal());
        expect(results.every((r) => r.ok)).toBe(true);
        const ids = results.map((r) => (r.ok ? r.object.id : ''));
        expect(new Set(ids).size).toBe(650);
        for (const index of [0, 1, 499, 500, 649]) {
          const read = await c.get!({ objectType: 'User', ref: { id: ids[index]! } }, signal());
          expect(read.attributes).toEqual(requests[index]!.attributes);
        }
      });

      it('reports the rows a unique key refused, and creates the others', async () => {
        const c = await table();
        await c.create(user('taken'), signal());
        const requests = [user('fresh-1'), user('taken'), user('fresh-2'), user('fresh-2'), user('fresh-3')];
        const results = await c.createBatch!(requests, signal());
        expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual([
          'ok',
          'already_exists',
          'ok',
          'already_exists',
          'ok',
        ]);
        for (const [index, result] of results.entries()) {
          if (!result.ok) continue;
          const read = await c.get!({ objectType: 'User', ref: result.object }, signal());
          expect(read.attributes).toEqual(requests[index]!.attributes);
        }
      });

      it('fails only the row whose values cannot be stored', async () => {
        const c = await table();
        const results = await c.createBatch!(
          [user('shape-1'), { objectType: 'User', attributes: { userName: ['a', 'b'] } }, user('shape-2')],
          signal(),
        );
        expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['ok', 'schema_violation', 'ok']);
      });

      it('batches rows with a mapped anchor in statements of batchSize rows', async () => {
        const c = await connect(mappedAnchorSettings(backend.connection, 'b_'));
        expect(c.capabilities.batchCreate).toEqual({ maxItems: 3 });
        const requests = Array.from({ length: 7 }, (_, i) => ({
          objectType: 'User' as const,
          attributes: { userName: `mapped-${i}`, displayName: `M ${i}` },
        }));
        const results = await c.createBatch!(requests, signal());
        expect(results.map((r) => (r.ok ? r.object.id : r.error.code))).toEqual(
          requests.map((r) => r.attributes.userName),
        );
      });
    });

    describe('disable', () => {
      it('writes the configured boolean values', async () => {
        const c = await table();
        const created = await c.create(user('bool'), signal());
        await c.setEnabled!({ objectType: 'User', ref: created, enabled: false }, signal());
        const [row] = await db.query(
          `select active from ${db.q('b_users')} where id = ${Number(created.id)}`,
        );
        expect([false, 0]).toContain(row!.active);
        expect((await c.get!({ objectType: 'User', ref: created }, signal())).enabled).toBe(false);
      });

      it('writes configured integer values', async () => {
        const c = await connect({
          ...backend.connection,
          mode: 'table',
          users: {
            table: 'b_flags',
            anchor: { column: 'id', generated: true },
            columns: ['userName'],
            disable: { column: 'flags', enabledValue: 1, disabledValue: 0 },
          },
        });
        const created = await c.create(
          { objectType: 'User', attributes: { userName: 'int-flag' }, enabled: false },
          signal(),
        );
        const flags = async () =>
          Number(
            (await db.query(`select flags from ${db.q('b_flags')} where id = ${Number(created.id)}`))[0]!
              .flags,
          );
        expect(await flags()).toBe(0);
        await c.setEnabled!({ objectType: 'User', ref: created, enabled: true }, signal());
        expect(await flags()).toBe(1);
        expect((await c.get!({ objectType: 'User', ref: created }, signal())).enabled).toBe(true);
      });

      it('writes configured string values', async () => {
        const c = await connect(mappedAnchorSettings(backend.connection, 'b_'));
        const created = await c.create(
          { objectType: 'User', attributes: { userName: 'str-flag' } },
          signal(),
        );
        await c.setEnabled!({ objectType: 'User', ref: created, enabled: false }, signal());
        const [row] = await db.query(
          `select status from ${db.q('b_accounts')} where ${db.q('userName')} = 'str-flag'`,
        );
        expect(row!.status).toBe('suspended');
      });

      it("with 'delete-row' declares disable for the groups' column only, so a user's row is deleted", async () => {
        const c = await table({
          users: {
            table: 'b_users',
            anchor: { column: 'id', generated: true },
            columns: ['userName', 'displayName'],
            disable: 'delete-row',
          },
        });
        expect(c.capabilities.disable).toEqual({ objectTypes: ['Group'] });
        const created = await c.create(user('gone'), signal());
        expect(
          (await code(() => c.setEnabled!({ objectType: 'User', ref: created, enabled: false }, signal())))
            .code,
        ).toBe('schema_violation');
        await c.delete!({ objectType: 'User', ref: created }, signal());
        expect((await code(() => c.get!({ objectType: 'User', ref: created }, signal()))).code).toBe(
          'not_found',
        );
      });
    });

    it('pages by keyset over more rows than a page, each row once and in anchor order', async () => {
      const c = await connect({
        ...backend.connection,
        mode: 'table',
        users: { table: 'b_paged', anchor: { column: 'id', generated: true }, columns: ['userName'] },
      });
      const results = await c.createBatch!(
        Array.from({ length: 2345 }, (_, i) => ({
          objectType: 'User' as const,
          attributes: { userName: `paged-${i}` },
        })),
        signal(),
      );
      const created = results.map((r) => (r.ok ? r.object.id : 'failed'));
      for (const pageSize of [1000, 700]) {
        const seen: string[] = [];
        const sizes: number[] = [];
        let cursor: string | undefined;
        do {
          const page = await c.list!(
            { objectType: 'User', pageSize, ...(cursor ? { cursor } : {}) },
            signal(),
          );
          sizes.push(page.objects.length);
          seen.push(...page.objects.map((o) => o.id));
          cursor = page.nextCursor;
        } while (cursor !== undefined);
        expect(seen).toEqual([...created].sort((a, b) => Number(a) - Number(b)));
        expect(sizes.slice(0, -1).every((n) => n === pageSize)).toBe(true);
      }
      expect(
        (await code(() => c.list!({ objectType: 'User', pageSize: 10, cursor: 'not-a-cursor' }, signal())))
          .code,
      ).toBe('schema_violation');
    });

    describe('errors in the taxonomy', () => {
      it('a unique violation is already_exists with the database code', async () => {
        const c = await table();
        await c.create(user('dup'), signal());
        const error = await code(() => c.create(user('dup'), signal()));
        expect(error.code).toBe('already_exists');
        expect(error.targetCode).toBe(
          { postgres: '23505', mysql: 'ER_DUP_ENTRY', sqlite: 'SQLITE_CONSTRAINT_UNIQUE' }[backend.name],
        );
      });

      it('a missing required value and an unmapped attribute are schema_violation', async () => {
        const c = await table();
        const missing = await code(() =>
          c.create({ objectType: 'User', attributes: { displayName: 'No name' } }, signal()),
        );
        expect(missing.code).toBe('schema_violation');
        const unmapped = await code(() => c.create(user('u', { shoeSize: 42 }), signal()));
        expect(unmapped.code).toBe('schema_violation');
        expect(unmapped.message).toContain("'shoeSize' is not a mapped column of table 'b_users'");
      });

      it('a table dropped after the check is schema_violation', async () => {
        await db.exec(
          `create table ${db.q('b_dropped')} (id ${db.generatedId}, ${db.q('userName')} varchar(255))`,
        );
        const c = await connect({
          ...backend.connection,
          mode: 'table',
          users: { table: 'b_dropped', anchor: { column: 'id', generated: true }, columns: ['userName'] },
        });
        await c.testConnection(signal());
        await db.exec(`drop table ${db.q('b_dropped')}`);
        expect(
          (await code(() => c.create({ objectType: 'User', attributes: { userName: 'x' } }, signal()))).code,
        ).toBe('schema_violation');
      });

      it('an unreachable database is unavailable', async () => {
        const url =
          backend.name === 'sqlite'
            ? `${backend.connection.url}.missing`
            : backend.connection.url.replace(/:\d+\//, ':1/').replace(/@([^:/]+)\//, '@$1:1/');
        const c = await connect({
          ...tableSettings({ ...backend.connection, url }, 'b_'),
          connectTimeoutMs: 2000,
        });
        expect((await code(() => c.testConnection(signal()))).code).toBe('unavailable');
      });

      it('a refused login is invalid_credentials', async () => {
        if (backend.name === 'sqlite') return; // SQLite has no logins.
        const refused = await registry.open(
          { kind: 'sql', settings: tableSettings(backend.connection, 'b_') },
          { credentials: { username: 'provisio_no_such_user', password: 'wrong-password' } },
        );
        open.push(refused);
        const error = await code(() => refused.testConnection(signal()));
        expect(error.code).toBe('invalid_credentials');
        expect(error.message).not.toContain('wrong-password');
      });

      it('a row lock held past the lock timeout is timeout, and the change is not made', async () => {
        const c = await table({ lockTimeoutMs: 1000 });
        const created = await c.create(user('locked'), signal());
        const release = await holdLock(db, Number(created.id));
        try {
          const error = await code(() =>
            c.update!(
              {
                objectType: 'User',
                ref: created,
                changes: [{ attribute: 'displayName', oldValue: 'User locked', newValue: 'changed' }],
              },
              signal(),
            ),
          );
          expect(error.code).toBe('timeout');
          expect(error.retryable).toBe(true);
        } finally {
          await release();
        }
        expect((await c.get!({ objectType: 'User', ref: created }, signal())).attributes.displayName).toBe(
          'User locked',
        );
      });
    });

    it('refuses a statement with positional placeholders when the connector is built', async () => {
      const settings = statementSettings({ backend: backend.name }, backend.connection, 'b_');
      const broken = {
        ...settings,
        users: {
          ...settings.users,
          get: `select * from b_users where id = ${backend.name === 'postgres' ? '$1' : '?'}`,
        },
      };
      await expect(openSql(broken)).rejects.toThrow(/positional parameter/);
    });
  });
}

/** Holds a write lock on a user row (or, on SQLite, the database) until the returned function runs. */
async function holdLock(db: TestDatabase, id: number): Promise<() => Promise<void>> {
  if (db.backend === 'sqlite') {
    const Database = (await import('better-sqlite3')).default;
    const other = new Database(db.connection.url);
    other.exec('begin immediate');
    return async () => {
      other.exec('rollback');
      other.close();
    };
  }
  if (db.backend === 'postgres') {
    const pg = (await import('pg')).default;
    const other = new pg.Client({
      connectionString: db.connection.url,
      options: `-c search_path=${db.connection.schema}`,
    });
    await other.connect();
    await other.query('begin');
    await other.query('select * from b_users where id = $1 for update', [id]);
    return async () => {
      await other.query('rollback');
      await other.end();
    };
  }
  const mysql = (await import('mysql2/promise')).default;
  const other = await mysql.createConnection(db.connection.url);
  await other.query('begin');
  await other.query('select * from b_users where id = ? for update', [id]);
  return async () => {
    await other.query('rollback');
    await other.end();
  };
}
