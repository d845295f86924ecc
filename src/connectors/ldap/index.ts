/** The LDAP connector (kind `ldap`): its definition for the registry, settings, and the pure helpers it is built on. */
export { ldapConnector } from './ldap-definition.js';
export { createLdapConnector, guidDn } from './ldap-connector.js';
export * from './ldap-settings.js';
export * from './ldap-dn.js';
export * from './ldap-filter.js';
export * from './ldap-values.js';
export { planAdd, planModify, dnFor, containerFor, stateChanges, isEnabled } from './ldap-entry-plan.js';
export { ldapError, LdapResultCode } from './ldap-errors.js';
