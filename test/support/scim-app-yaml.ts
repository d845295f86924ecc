/**
 * The YAML of an app that provisions directory users into the SCIM test target (groups off, no
 * near-real-time), as `apps apply` and `PUT /admin/v1/apps/{name}` take it: one builder for every
 * test that needs such an app, so they differ only in what they say.
 */

/** User attributes mapped besides the matching `userName`. */
export type ScimAppMapping = 'displayName' | 'active';

export interface ScimAppYamlOptions {
  readonly name: string;
  /** The SCIM test target's base URL. */
  readonly targetUrl: string;
  /** Default `all`. */
  readonly scope?: 'all' | 'assigned';
  /** Default both: displayName as is, active from the soft-delete flag. */
  readonly mappings?: readonly ScimAppMapping[];
  /** More `settings:` entries, e.g. `{ deletionThreshold: 3 }` (values written as YAML scalars). */
  readonly settings?: Readonly<Record<string, string | number | boolean>>;
  /** Top-level YAML placed before `objects:` (each line ending in a newline). */
  readonly extra?: string;
}

const MAPPING_LINES: Record<ScimAppMapping, string> = {
  displayName: '      - { target: displayName, source: displayName }',
  active: `      - { target: active, expression: 'Switch([IsSoftDeleted], , "False", "True", "True", "False")' }`,
};

export function scimAppYaml(options: ScimAppYamlOptions): string {
  const mappings = options.mappings ?? ['displayName', 'active'];
  const settings = Object.entries(options.settings ?? {}).map(([key, value]) => `  ${key}: ${value}\n`);
  return `name: ${options.name}
enabled: true
connector:
  kind: scim
  settings:
    baseUrl: ${options.targetUrl}
  credentials:
    token: target-token
settings:
  scope: ${options.scope ?? 'all'}
  nearRealTime: false
${settings.join('')}${options.extra ?? ''}objects:
  User:
    mappings:
      - { target: userName, source: userName, matchingPrecedence: 1 }
${mappings.map((m) => `${MAPPING_LINES[m]}\n`).join('')}  Group:
    enabled: false
`;
}
