/**
 * The `scim` kind for the registry: `connector: { kind: scim, settings: { baseUrl, ... } }` in an
 * app file, with the token, OAuth client or basic password in the app's credentials.
 */
import { defineConnector, type ConnectorDefinition } from '../spi/index.js';
import { createScimConnector } from './scim-connector.js';
import {
  scimCredentialsSchema,
  scimSettingsSchema,
  type ScimCredentials,
  type ScimSettings,
} from './scim-settings.js';

export const scimConnector: ConnectorDefinition<ScimSettings, ScimCredentials> & { kind: string } = {
  ...defineConnector<ScimSettings, ScimCredentials>({
    kind: 'scim',
    settings: scimSettingsSchema,
    credentials: scimCredentialsSchema,
    create: ({ settings, credentials, baseDirectory }) =>
      createScimConnector(settings, credentials, baseDirectory),
  }),
  kind: 'scim',
};
