/**
 * The app definition the engine benchmarks and the LDAP engine test start from: User and Group
 * provisioned with create, update and delete, one default app role, and the settings every one of
 * them uses unless it says otherwise. Only the connector, the mappings and the differing settings
 * are the caller's.
 */
import type {
  AppDefinition,
  AppSettings,
  ConnectorDefinitionConfig,
} from '../../src/engine/apps/app-definition.js';
import type { AttributeMappingConfig } from '../../src/engine/mapping/object-mapping.js';

export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** The SCIM user mappings the memory and SCIM benchmarks provision with. */
export const SCIM_USER_MAPPINGS: readonly AttributeMappingConfig[] = [
  { target: 'userName', source: 'userPrincipalName', matchingPrecedence: 1 },
  { target: 'active', expression: 'Switch([IsSoftDeleted], , "False", "True", "True", "False")' },
  { target: 'displayName', source: 'displayName' },
  { target: 'name.givenName', source: 'givenName' },
  { target: 'name.familyName', source: 'surname' },
  { target: 'emails[type eq "work"].value', source: 'mail' },
  { target: 'title', source: 'jobTitle' },
  { target: `${ENTERPRISE}:department`, source: 'department' },
];

export const SCIM_GROUP_MAPPINGS: readonly AttributeMappingConfig[] = [
  { target: 'displayName', source: 'displayName', matchingPrecedence: 1 },
  { target: 'members', source: 'members' },
];

export function provisioningApp(o: {
  name: string;
  connector: ConnectorDefinitionConfig;
  user: readonly AttributeMappingConfig[];
  group: readonly AttributeMappingConfig[];
  settings?: Partial<AppSettings>;
}): AppDefinition {
  return {
    name: o.name,
    enabled: true,
    connector: o.connector,
    appRoles: [{ value: 'User', displayName: 'User', default: true }],
    objects: {
      User: { enabled: true, actions: ['create', 'update', 'delete'], mappings: o.user },
      Group: { enabled: true, actions: ['create', 'update', 'delete'], mappings: o.group },
    },
    settings: {
      scope: 'all',
      nestedGroupMembers: false,
      deprovisionAction: 'disable',
      skipOutOfScopeDeletions: false,
      deletionThreshold: { count: 500 },
      concurrency: 8,
      cycleIntervalMs: 40 * 60_000,
      nearRealTime: true,
      ...o.settings,
    },
  };
}
