/**
 * Builds `ldap` connectors for the tests exactly as an app does (through the registry, so settings
 * are validated and the connector is guarded), against a `SlapdServer`.
 */
import { ldapConnector } from '../../../src/connectors/ldap/index.js';
import type { LdapSettings } from '../../../src/connectors/ldap/index.js';
import { ConnectorRegistry, type Connector } from '../../../src/connectors/spi/index.js';
import type { SlapdServer } from './slapd-server.js';

const registry = new ConnectorRegistry().register(ldapConnector);

/** Settings for users under ou=people (uid) and groupOfNames under ou=groups, bound as the admin. */
export function slapdSettings(server: SlapdServer, overrides: Partial<LdapSettings> = {}): LdapSettings {
  return {
    url: server.url,
    bindDn: server.adminDn,
    baseDn: server.baseDn,
    users: { container: server.peopleDn, rdnAttribute: 'uid' },
    groups: { container: server.groupsDn, type: 'groupOfNames' },
    ...overrides,
  };
}

/** Opens a guarded `ldap` connector with these settings and the admin's password (or `password`). */
export function openLdap(
  server: SlapdServer,
  settings: LdapSettings,
  password = server.adminPassword,
): Promise<Connector> {
  return registry.open({ kind: 'ldap', settings }, { credentials: { bindPassword: password } });
}

/** Runs `run` with a connector opened as `openLdap` does, closed afterwards whatever happens. */
export async function withLdapConnector<T>(
  server: SlapdServer,
  settings: LdapSettings,
  run: (c: Connector) => Promise<T>,
  password?: string,
): Promise<T> {
  const connector = await openLdap(server, settings, password);
  try {
    return await run(connector);
  } finally {
    await connector.close!();
  }
}

/** An attribute's values as sorted strings, whether the entry holds none, one or several. */
export const sortedValues = (value: unknown): string[] =>
  value === undefined ? [] : (Array.isArray(value) ? value : [value]).map(String).sort();

/** A fresh abort signal for one call. */
export function signal(): AbortSignal {
  return AbortSignal.timeout(20_000);
}
