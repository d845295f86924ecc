/**
 * examples/sql: schema.sql creates the tables on each database, and both app files' connectors
 * (table mode and statement mode) work on them as written, with SQL_URL pointing at the database.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Connector } from '../../src/connectors/spi/index.js';
import { openSql } from '../support/sql/contract-suite.js';
import { SQL_EXAMPLES, createExampleTables } from '../support/sql/sql-examples.js';
import {
  mysqlBackend,
  postgresBackend,
  sqliteBackend,
  type Backend,
  type TestDatabase,
} from '../support/sql/test-databases.js';

const signal = () => AbortSignal.timeout(30_000);

/** The app file's connector settings with `${SQL_URL}` resolved (and the test's PostgreSQL schema). */
function exampleSettings(file: string, connection: { url: string; schema?: string }) {
  const text = readFileSync(join(SQL_EXAMPLES, file), 'utf8').replaceAll(
    '${SQL_URL}',
    JSON.stringify(connection.url).slice(1, -1),
  );
  const app = parse(text) as { connector: { kind: string; settings: Record<string, unknown> } };
  expect(app.connector.kind).toBe('sql');
  return {
    ...app.connector.settings,
    ...(connection.schema !== undefined ? { schema: connection.schema } : {}),
  };
}

for (const backend of [postgresBackend(), mysqlBackend(), sqliteBackend()] as Backend[]) {
  if (backend.skip !== undefined) {
    describe.skip(`examples/sql on ${backend.label} (${backend.skip})`, () => {});
    continue;
  }
  describe(`examples/sql on ${backend.label}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await backend.open();
    });
    afterAll(async () => db?.dispose());

    for (const file of ['app.yaml', 'app-statements.yaml']) {
      it(`${file} provisions users, groups, members, disable and delete on schema.sql`, async () => {
        await db.exec('drop table if exists group_members');
        await db.exec('drop table if exists groups');
        await db.exec('drop table if exists users');
        await createExampleTables(db);
        const c: Connector = await openSql(exampleSettings(file, db.connection));
        try {
          await c.testConnection(signal());
          const attributes = {
            id: 'a1b2c3d4-0000-4000-8000-000000000001',
            user_name: "o'brien@example.test",
            given_name: 'Siobhán',
            family_name: "O'Brien",
            email: 'obrien@example.test',
            title: 'Engineer',
            department: 'R&D',
          };
          const user = await c.create({ objectType: 'User', attributes }, signal());
          expect(user.id).toBe(attributes.id);
          const found = await c.find!(
            { objectType: 'User', attribute: 'user_name', value: attributes.user_name },
            signal(),
          );
          const { id: _id, ...rest } = attributes;
          expect(found.map((o) => o.id)).toEqual([user.id]);
          expect(found[0]!.attributes).toMatchObject(rest);
          expect(found[0]!.enabled).toBe(true);
          const group = await c.create(
            { objectType: 'Group', attributes: { id: 'g-0001', display_name: 'Engineering' } },
            signal(),
          );
          await c.addMembers!({ group, members: [user] }, signal());
          expect((await c.get!({ objectType: 'Group', ref: group }, signal())).members).toEqual([user.id]);
          await c.update!(
            {
              objectType: 'User',
              ref: user,
              changes: [{ attribute: 'title', oldValue: 'Engineer', newValue: 'Lead' }],
            },
            signal(),
          );
          await c.setEnabled!({ objectType: 'User', ref: user, enabled: false }, signal());
          const read = await c.get!({ objectType: 'User', ref: user }, signal());
          expect(read.enabled).toBe(false);
          expect(read.attributes.title).toBe('Lead');
          expect(read.attributes.family_name).toBe("O'Brien");
          const rows = await db.query(`select active from users where id = '${user.id}'`);
          expect([false, 0]).toContain(rows[0]!.active);
          expect(
            (await c.list!({ objectType: 'User', pageSize: 10 }, signal())).objects.map((o) => o.id),
          ).toEqual([user.id]);
          await c.delete!({ objectType: 'User', ref: user }, signal());
          expect((await c.get!({ objectType: 'Group', ref: group }, signal())).members).toEqual([]);
        } finally {
          await c.close?.();
        }
      });
    }
  });
}
