/**
 * Directory -> engine -> database tables with examples/sql/app.yaml as written: users, groups and
 * memberships land in schema.sql's tables, an existing row is adopted by its user name instead of
 * duplicated, and deprovisioning disables, then deletes, rows. Groups have no disable column or
 * statement there, so a group out of scope is deleted while its users are disabled, in both modes.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBuiltinRegistry } from '../../src/connectors/builtin-kinds.js';
import type { Connector } from '../../src/connectors/spi/index.js';
import type { AppDefinition } from '../../src/engine/apps/app-definition.js';
import { loadAppFile } from '../../src/engine/apps/load-app-file.js';
import { createGroup, createUser } from '../engine/support/engine-harness.js';
import { connectorEngine } from '../support/connector-engine.js';
import { SQL_EXAMPLES, createExampleTables } from '../support/sql/sql-examples.js';
import {
  mysqlBackend,
  postgresBackend,
  sqliteBackend,
  type Backend,
  type TestDatabase,
} from '../support/sql/test-databases.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function openEngine(backend: Backend, file = 'app.yaml') {
  const db: TestDatabase = await backend.open();
  cleanups.push(() => db.dispose());
  await createExampleTables(db);
  const registry = createBuiltinRegistry();
  const loaded = await loadAppFile(join(SQL_EXAMPLES, file), {
    registry,
    env: { SQL_URL: db.connection.url },
  });
  if (!loaded.ok) throw new Error(loaded.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  let definition: AppDefinition = loaded.app.definition;
  if (db.connection.schema !== undefined) {
    definition = {
      ...definition,
      connector: {
        ...definition.connector,
        settings: { ...definition.connector.settings, schema: db.connection.schema },
      },
    };
  }
  const connector: Connector = await registry.open({ kind: 'sql', settings: definition.connector.settings });
  const h = await connectorEngine({ definition, connector, seed: 3 });
  cleanups.push(() => h.close());
  return { ...h, db };
}

for (const backend of [sqliteBackend(), postgresBackend(), mysqlBackend()]) {
  const run = backend.skip === undefined ? describe : describe.skip;
  run(
    `examples/sql/app.yaml through the engine on ${backend.label}${backend.skip ? ` (${backend.skip})` : ''}`,
    () => {
      it('provisions users, groups and members, adopts an existing row, disables and deletes', async () => {
        const h = await openEngine(backend);
        const q = (text: string) => h.db.query(text);
        // A row the application already holds for carol, under its own id.
        await h.db.exec(
          "insert into users (id, user_name, title, active) values ('legacy-7', 'carol@example.com', 'Old title', true)",
        );
        const alice = await createUser(h.directory, {
          userName: 'alice@example.com',
          title: 'Engineer',
          department: 'R&D',
        });
        const carol = await createUser(h.directory, { userName: 'carol@example.com', title: 'Manager' });
        await createUser(h.directory, { userName: 'bob@example.com' });
        const dave = await createUser(h.directory, { userName: 'dave@example.com' });
        const group = await createGroup(h.directory, 'Engineering', [{ id: alice }, { id: carol }]);
        await h.directory.assign(h.appId, 'User', alice);
        await h.directory.assign(h.appId, 'User', carol);
        await h.directory.assign(h.appId, 'User', dave);
        await h.directory.assign(h.appId, 'Group', group);

        const first = await h.engine.sync(h.app);
        expect(first.status).toBe('completed');
        const users = await q(
          'select id, user_name, title, department, active from users order by user_name',
        );
        expect(users.map((u) => [u.id, u.user_name, u.title, u.department, Boolean(u.active)])).toEqual([
          [alice, 'alice@example.com', 'Engineer', 'R&D', true],
          ['legacy-7', 'carol@example.com', 'Manager', null, true],
          [dave, 'dave@example.com', null, null, true],
        ]);
        expect((await q('select id, display_name from groups')).map((g) => [g.id, g.display_name])).toEqual([
          [group, 'Engineering'],
        ]);
        const members = async () =>
          (await q('select group_id, user_id from group_members order by user_id')).map((m) => [
            m.group_id,
            m.user_id,
          ]);
        expect(await members()).toEqual([
          [group, alice],
          [group, 'legacy-7'],
        ]);

        // Unassigned (and in no assigned group): deprovisionAction disable sets the active column.
        await h.directory.unassign(h.appId, 'User', dave);
        await h.engine.sync(h.app);
        const [disabled] = await q(`select active from users where id = '${dave}'`);
        expect(Boolean(disabled!.active)).toBe(false);

        // With deprovisionAction delete, a user deleted in the directory loses its row and memberships.
        await h.redefine((d) => ({ ...d, settings: { ...d.settings, deprovisionAction: 'delete' } }));
        await h.directory.delete('User', carol);
        await h.engine.sync(h.app);
        expect((await q('select user_name from users order by user_name')).map((u) => u.user_name)).toEqual([
          'alice@example.com',
          'dave@example.com',
        ]);
        expect((await members()).map(([, user]) => user)).not.toContain('legacy-7');
      });

      // Users have a disable column (or setEnabled statement), groups none: a group is deleted.
      for (const file of ['app.yaml', 'app-statements.yaml']) {
        it(`${file}: out of scope, a user is disabled and a group, which cannot be, is deleted`, async () => {
          const h = await openEngine(backend, file);
          const alice = await createUser(h.directory, { userName: 'alice@example.com' });
          const group = await createGroup(h.directory, 'Engineering', [{ id: alice }]);
          await h.directory.assign(h.appId, 'User', alice);
          await h.directory.assign(h.appId, 'Group', group);
          expect((await h.engine.sync(h.app)).status).toBe('completed');
          expect(await h.db.query('select id from groups')).toHaveLength(1);

          await h.directory.unassign(h.appId, 'User', alice);
          await h.directory.unassign(h.appId, 'Group', group);
          const cycle = await h.engine.sync(h.app);
          expect(cycle.status).toBe('completed');
          expect(cycle.summary).toMatchObject({ disable: 1, delete: 1, failure: 0 });
          const [user] = await h.db.query(`select active from users where id = '${alice}'`);
          expect(Boolean(user!.active)).toBe(false);
          expect(await h.db.query('select id from groups')).toEqual([]);
          expect(await h.db.query('select group_id from group_members')).toEqual([]);
          expect(await h.state.getLink(h.appId, 'Group', group)).toBeUndefined();
        });
      }
    },
  );
}
