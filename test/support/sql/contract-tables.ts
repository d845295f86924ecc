/**
 * The tables the connector contract kit runs against, and the connector settings over them in table
 * mode and in statement mode. Column names follow the kit's attributes (`userName`, `displayName`,
 * `description`), so they need quoting on every database.
 */
import type { TestDatabase } from './test-databases.js';

/** Creates the kit's users, groups and members tables (prefix keeps several sets apart in one database). */
export async function createContractTables(db: TestDatabase, prefix: string): Promise<void> {
  const q = db.q;
  const text = db.backend === 'mysql' ? 'varchar(255)' : 'varchar(255)';
  const long = db.backend === 'mysql' ? 'longtext' : 'text';
  const users = q(`${prefix}users`);
  const groups = q(`${prefix}groups`);
  for (const statement of [
    `create table ${users} (id ${db.generatedId}, ${q('userName')} ${text} not null unique, ${q('displayName')} ${long}, ${q('title')} ${text}, active boolean not null default true)`,
    `create table ${groups} (id ${db.generatedId}, ${q('displayName')} ${text} not null unique, ${q('description')} ${long}, active boolean not null default true)`,
    `create table ${q(`${prefix}members`)} (group_id integer not null, user_id integer not null, primary key (group_id, user_id),
       foreign key (group_id) references ${groups} (id) on delete cascade,
       foreign key (user_id) references ${users} (id) on delete cascade)`,
    `create table ${q(`${prefix}accounts`)} (${q('userName')} ${text} primary key, ${q('displayName')} ${long}, status ${text} not null default 'active')`,
  ]) {
    await db.exec(statement);
  }
}

/** Table mode over the kit's tables: generated ids, a boolean disable column, groups and members. */
export function tableSettings(
  connection: { url: string; schema?: string },
  prefix: string,
  extra: Record<string, unknown> = {},
) {
  return {
    ...connection,
    mode: 'table',
    users: {
      table: `${prefix}users`,
      anchor: { column: 'id', generated: true },
      columns: ['userName', 'displayName', 'title'],
      disable: { column: 'active', enabledValue: true, disabledValue: false },
    },
    groups: {
      table: `${prefix}groups`,
      anchor: { column: 'id', generated: true },
      columns: ['displayName', 'description'],
      disable: { column: 'active', enabledValue: true, disabledValue: false },
    },
    membership: { table: `${prefix}members`, groupColumn: 'group_id', memberColumn: 'user_id' },
    ...extra,
  };
}

/** Table mode over accounts keyed by a mapped userName, disabled by a string status column. */
export function mappedAnchorSettings(
  connection: { url: string; schema?: string },
  prefix: string,
  extra: Record<string, unknown> = {},
) {
  return {
    ...connection,
    mode: 'table',
    users: {
      table: `${prefix}accounts`,
      anchor: { column: 'userName' },
      columns: ['userName', 'displayName'],
      disable: { column: 'status', enabledValue: 'active', disabledValue: 'suspended' },
    },
    batchSize: 3,
    ...extra,
  };
}

/** Statement mode over the same tables, written as an admin would for each database. */
export function statementSettings(
  db: { backend: TestDatabase['backend'] },
  connection: { url: string; schema?: string },
  prefix: string,
) {
  const mysql = db.backend === 'mysql';
  const q = (name: string) => (mysql ? `\`${name}\`` : `"${name}"`);
  const users = q(`${prefix}users`);
  const groups = q(`${prefix}groups`);
  const members = q(`${prefix}members`);
  const returning = mysql ? '' : ' returning id';
  const int = mysql ? 'signed' : 'integer';
  const userColumns = `id, ${q('userName')}, ${q('displayName')}, ${q('title')}, active`;
  const groupColumns = `id, ${q('displayName')}, ${q('description')}, active`;
  return {
    ...connection,
    mode: 'statements',
    users: {
      create: `insert into ${users} (${q('userName')}, ${q('displayName')}, ${q('title')}, active) values (:userName, :displayName, :title, :enabled)${returning}`,
      get: `select ${userColumns} from ${users} where id = :id`,
      find: { userName: `select ${userColumns} from ${users} where ${q('userName')} = :value` },
      list: {
        first: `select ${userColumns} from ${users} order by id limit :limit`,
        next: `select ${userColumns} from ${users} where id > :after order by id limit :limit`,
      },
      update: `update ${users} set ${q('userName')} = :userName, ${q('displayName')} = :displayName, ${q('title')} = :title where id = :id`,
      delete: `delete from ${users} where id = :id`,
      setEnabled: `update ${users} set active = :enabled where id = :id`,
      enabled: { column: 'active', enabledValue: true, disabledValue: false },
    },
    groups: {
      create: `insert into ${groups} (${q('displayName')}, ${q('description')}, active) values (:displayName, :description, :enabled)${returning}`,
      get: `select ${groupColumns} from ${groups} where id = :id`,
      find: { displayName: `select ${groupColumns} from ${groups} where ${q('displayName')} = :value` },
      list: {
        first: `select ${groupColumns} from ${groups} order by id limit :limit`,
        next: `select ${groupColumns} from ${groups} where id > :after order by id limit :limit`,
      },
      update: `update ${groups} set ${q('displayName')} = :displayName, ${q('description')} = :description where id = :id`,
      delete: `delete from ${groups} where id = :id`,
      setEnabled: `update ${groups} set active = :enabled where id = :id`,
      enabled: { column: 'active', enabledValue: true, disabledValue: false },
    },
    membership: {
      // Inserts nothing for a user that does not exist, which the connector reports as not_found.
      add: `insert into ${members} (group_id, user_id) select cast(:groupId as ${int}), id from ${users} where id = :memberId`,
      remove: `delete from ${members} where group_id = :groupId and user_id = :memberId`,
      members: `select user_id as id from ${members} where group_id = :groupId order by user_id`,
    },
  };
}
