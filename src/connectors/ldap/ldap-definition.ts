/**
 * The `ldap` kind for the registry: `connector: { kind: ldap, settings: { url, baseDn, users,
 * groups, ... } }` with the bind password in the app's credentials (`bindPassword`).
 */
import { defineConnector, type ConnectorDefinition } from '../spi/index.js';
import { createLdapConnector } from './ldap-connector.js';
import {
  ldapCredentialsSchema,
  ldapSettingsSchema,
  resolveLdapConfig,
  type LdapCredentials,
  type LdapSettings,
} from './ldap-settings.js';

/** The `ldap` connector kind. */
export const ldapConnector: ConnectorDefinition<LdapSettings, LdapCredentials> & { kind: string } = {
  ...defineConnector<LdapSettings, LdapCredentials>({
    kind: 'ldap',
    settings: ldapSettingsSchema,
    credentials: ldapCredentialsSchema,
    create: ({ settings, credentials, baseDirectory }) =>
      createLdapConnector(resolveLdapConfig(settings, credentials), baseDirectory),
  }),
  kind: 'ldap',
};
