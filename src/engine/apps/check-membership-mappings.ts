/**
 * A Group mapping must not write the connector's own member attribute (LDAP `member`, a REST
 * group's member array): that attribute is where the engine keeps the group's membership in step
 * with the directory, so a value mapped into it would be overwritten by the members the engine
 * works out, or, without a members mapping, would write accounts into groups behind membership
 * provisioning's back. The one mapping allowed there is membership provisioning itself,
 * `{ target: <member attribute>, source: members }`, as for SCIM's `members`.
 *
 * The member attribute is known only from the connector's capabilities, so this runs where a
 * connector is built: `apps apply` (load-app-file.ts) and the engine loading a stored app.
 */
import type { ConnectorCapabilities, ConnectorRegistry } from '../../connectors/spi/index.js';
import type { JsonObject } from '../../shared/json.js';
import { compileTargetPath } from '../mapping/target-path.js';
import type { ConfigIssue } from '../source/config-issue.js';
import type { AppDefinition } from './app-definition.js';

/** Every Group mapping that writes the connector's member attribute other than from `members`. */
export function membershipMappingIssues(
  definition: AppDefinition,
  capabilities: ConnectorCapabilities,
): ConfigIssue[] {
  const membership = capabilities.membership;
  const group = definition.objects.Group;
  if (membership.kind !== 'attribute' || !group.enabled) return [];
  const attribute = membership.attribute.toLowerCase();
  const issues: ConfigIssue[] = [];
  group.mappings.forEach((mapping, index) => {
    let target;
    try {
      target = compileTargetPath(mapping.target);
    } catch {
      return; // compileApp reports a path that does not parse
    }
    if (target.urn !== undefined || target.attribute.toLowerCase() !== attribute) return;
    const fromMembers =
      typeof mapping.source === 'string' &&
      mapping.source.toLowerCase() === 'members' &&
      target.sub === undefined &&
      target.entry === undefined;
    if (fromMembers) return;
    const kind = definition.connector.kind ?? 'module';
    issues.push({
      path: `objects.Group.mappings[${index}].target`,
      message:
        `'${mapping.target}' is the ${kind} connector's member attribute, which the engine writes ` +
        `from the group's members; a mapping may not write it directly: use group membership ` +
        `provisioning instead, { target: ${membership.attribute}, source: members }`,
    });
  });
  return issues;
}

/**
 * The same check at apply time: builds the connector (which contacts nothing) to read its
 * capabilities and closes it. A connector that cannot be built here is left to the engine's load,
 * which builds it again and runs the same check.
 */
export async function checkMembershipMappings(
  registry: ConnectorRegistry,
  definition: AppDefinition,
  credentials: JsonObject,
  appFile: string,
): Promise<ConfigIssue[]> {
  const { connector } = definition;
  if (!definition.objects.Group.enabled) return [];
  const config =
    connector.kind !== undefined
      ? { kind: connector.kind, settings: connector.settings }
      : { module: connector.module, settings: connector.settings };
  let capabilities: ConnectorCapabilities;
  try {
    const opened = await registry.open(config, { appFile, credentials });
    capabilities = opened.capabilities;
    await opened.close?.().catch(() => undefined);
  } catch {
    return [];
  }
  return membershipMappingIssues(definition, capabilities);
}
