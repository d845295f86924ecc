/** The SCIM 2.0 connector (kind `scim`): docs/connectors/scim.md. */
export { scimConnector } from './scim-definition.js';
export { createScimConnector, type ScimConnector } from './scim-connector.js';
export { scimSettingsSchema, scimCredentialsSchema, scimDeviationsSchema } from './scim-settings.js';
export type { ScimSettings, ScimCredentials, ScimDeviations } from './scim-settings.js';
export {
  SCIM_PROFILE_NAMES,
  resolveBehaviour,
  type ScimBehaviour,
  type ScimProfileName,
} from './scim-profiles.js';
