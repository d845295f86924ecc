/**
 * The connector kinds Provisio ships, in one list: what `connector: { kind: ... }` may name in an
 * app file. A new built-in connector adds its definition here and nowhere else; the CLI and the
 * server build their registry from this list.
 */
import { fileConnectorDefinition } from './file/index.js';
import { ldapConnector } from './ldap/index.js';
import { memoryConnectorDefinition } from './memory/index.js';
import { restConnector } from './rest/index.js';
import { scimConnector } from './scim/index.js';
import { scriptConnectorDefinition } from './script/index.js';
import { soapConnectorDefinition } from './soap/index.js';
import { sqlConnector } from './sql/index.js';
import type { ConnectorDefinition } from './spi/index.js';
import { ConnectorRegistry } from './spi/index.js';

/** Every built-in kind, by its `kind` name. */
export const BUILTIN_CONNECTOR_KINDS: ReadonlyArray<ConnectorDefinition & { kind: string }> = [
  memoryConnectorDefinition,
  scimConnector as ConnectorDefinition & { kind: string },
  sqlConnector,
  ldapConnector,
  fileConnectorDefinition,
  scriptConnectorDefinition,
  restConnector as ConnectorDefinition & { kind: string },
  soapConnectorDefinition,
];

/** A registry holding the built-in kinds (and any extra ones, such as a test's own `memory`). */
export function createBuiltinRegistry(
  extra: ReadonlyArray<ConnectorDefinition & { kind: string }> = [],
): ConnectorRegistry {
  const registry = new ConnectorRegistry();
  const extraKinds = new Set(extra.map((definition) => definition.kind));
  for (const definition of BUILTIN_CONNECTOR_KINDS) {
    if (!extraKinds.has(definition.kind)) registry.register(definition);
  }
  for (const definition of extra) registry.register(definition);
  return registry;
}
