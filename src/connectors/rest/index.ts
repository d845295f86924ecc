/** The REST connector (kind `rest`): docs/connectors/rest.md. */
export { restConnector } from './rest-definition.js';
export { createRestConnector, type RestConnector } from './rest-connector.js';
export { restSettingsSchema, restCredentialsSchema, paginationSchema } from './rest-settings.js';
export type { RestSettings, RestCredentials, PaginationSettings } from './rest-settings.js';
