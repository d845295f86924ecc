/**
 * The `sql` kind: `connector: { kind: sql, settings: { url, mode, ... } }` in an app file. Building
 * the connector opens no connection; the first operation (or testConnection) does, and in table
 * mode checks the tables against the catalogue first.
 */
import { defineConnector, type ConnectorDefinition } from '../spi/index.js';
import { openEngine } from './open-engine.js';
import { createStatementConnector } from './statement-connector.js';
import {
  sqlCredentialsSchema,
  sqlSettingsSchema,
  type SqlCredentials,
  type SqlSettings,
} from './sql-settings.js';
import { createTableConnector } from './table-connector.js';

export const sqlConnector: ConnectorDefinition<SqlSettings, SqlCredentials> & { kind: string } = {
  ...defineConnector<SqlSettings, SqlCredentials>({
    kind: 'sql',
    settings: sqlSettingsSchema,
    credentials: sqlCredentialsSchema,
    create({ settings, credentials, baseDirectory }) {
      const engine = openEngine(settings, credentials, baseDirectory);
      return settings.mode === 'table'
        ? createTableConnector(engine, settings)
        : createStatementConnector(engine, settings);
    },
  }),
  kind: 'sql',
};
