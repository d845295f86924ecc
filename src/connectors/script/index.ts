/** The `script` kind: each operation runs an executable with JSON on stdin and stdout. */
import { defineConnector, type ConnectorDefinition } from '../spi/index.js';
import { ScriptConnector } from './script-connector.js';
import {
  scriptCredentialsSchema,
  scriptSettingsSchema,
  type ScriptCredentials,
  type ScriptSettings,
} from './script-settings.js';

export { ScriptConnector } from './script-connector.js';
export { redactSecrets } from './run-script.js';
export { scriptCredentialsSchema, scriptSettingsSchema, type ScriptSettings } from './script-settings.js';

export const scriptConnectorDefinition: ConnectorDefinition<ScriptSettings, ScriptCredentials> & {
  kind: string;
} = {
  ...defineConnector({
    kind: 'script',
    settings: scriptSettingsSchema,
    credentials: scriptCredentialsSchema,
    create: ({ settings, credentials, baseDirectory }) =>
      new ScriptConnector({ settings, credentials, baseDirectory }),
  }),
  kind: 'script',
};
