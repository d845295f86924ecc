/**
 * The `rest` kind for the registry: `connector: { kind: rest, settings: { baseUrl, objects } }` in
 * an app file, with the token, OAuth client, basic password or API key in the app's credentials.
 */
import { defineConnector, type ConnectorDefinition } from '../spi/index.js';
import { createRestConnector } from './rest-connector.js';
import {
  restCredentialsSchema,
  restSettingsSchema,
  type RestCredentials,
  type RestSettings,
} from './rest-settings.js';

export const restConnector: ConnectorDefinition<RestSettings, RestCredentials> & { kind: string } = {
  ...defineConnector<RestSettings, RestCredentials>({
    kind: 'rest',
    settings: restSettingsSchema,
    credentials: restCredentialsSchema,
    create: ({ settings, credentials, baseDirectory }) =>
      createRestConnector(settings, credentials, baseDirectory),
  }),
  kind: 'rest',
};
