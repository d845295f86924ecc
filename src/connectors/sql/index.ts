/** The SQL connector (kind `sql`): PostgreSQL, MySQL / MariaDB and SQLite, in table or statement mode. */
export { sqlConnector } from './sql-definition.js';
export {
  sqlSettingsSchema,
  sqlCredentialsSchema,
  type SqlSettings,
  type SqlCredentials,
} from './sql-settings.js';
export { parseNamedParameters } from './named-parameters.js';
