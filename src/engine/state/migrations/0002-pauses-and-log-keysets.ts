import type { DialectName } from '../../../directory/dialect-adapter.js';
import type { Migration } from '../../../directory/migrations/migration.js';

/**
 * Paused apps, and the indexes the admin API's log pages read. A paused app is a row of its own
 * (not a flag in the definition): pausing is an operator's act on the running service, it must not
 * bump the app's version nor be undone by the next `apps apply`.
 *
 * The log is read newest first with a keyset (`id < cursor`), filtered by status, action or one
 * object. An index ending in `id` for each filter lets both engines walk it backwards from the
 * cursor and stop after one page, instead of collecting every row of the app and sorting.
 */
function statements(dialect: DialectName): string[] {
  const key = dialect === 'postgres' ? 'TEXT COLLATE "C"' : 'TEXT';
  const time = dialect === 'postgres' ? 'TIMESTAMPTZ' : 'TEXT';
  return [
    `CREATE TABLE engine_pauses (
      app_id ${key} PRIMARY KEY,
      since ${time} NOT NULL,
      actor TEXT NOT NULL
    )`,
    `CREATE INDEX engine_log_app_status_id ON engine_log (app_id, status, id)`,
    `CREATE INDEX engine_log_app_action_id ON engine_log (app_id, action, id)`,
    `CREATE INDEX engine_log_app_source_id ON engine_log (app_id, source_id, id)`,
    `CREATE INDEX engine_log_app_name_id ON engine_log (app_id, lower(source_name), id)`,
    // Superseded by the two above, which serve the same lookups and the keyset.
    `DROP INDEX engine_log_app_source`,
    `DROP INDEX engine_log_app_name`,
  ];
}

export const engineMigration0002: Migration = {
  id: 2,
  name: 'pauses and log keyset indexes',
  statements: { sqlite: statements('sqlite'), postgres: statements('postgres') },
};
