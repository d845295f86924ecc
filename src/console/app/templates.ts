/**
 * The templates an application is created from: the examples/ YAML files themselves, so the
 * console and the documentation never drift apart. Each `${VAR}` placeholder becomes a labelled
 * field; `path` is where the API reports an error about it.
 */
import ldapYaml from '../../../examples/ldap/app.yaml?raw';
import scimYaml from '../../../examples/scim/app.yaml?raw';
import sqlYaml from '../../../examples/sql/app.yaml?raw';

export interface TemplateField {
  readonly variable: string;
  readonly label: string;
  readonly path: string;
  readonly secret?: boolean;
}

export interface AppTemplate {
  readonly id: 'scim' | 'ldap' | 'sql';
  readonly label: string;
  readonly yaml: string;
  readonly fields: readonly TemplateField[];
}

export const TEMPLATES: readonly AppTemplate[] = [
  {
    id: 'scim',
    label: 'SCIM',
    yaml: scimYaml,
    fields: [
      { variable: 'SCIM_TARGET_URL', label: 'Base URL', path: 'connector.settings.baseUrl' },
      { variable: 'SCIM_TARGET_TOKEN', label: 'Token', path: 'connector.credentials.token', secret: true },
    ],
  },
  {
    id: 'ldap',
    label: 'LDAP',
    yaml: ldapYaml,
    fields: [
      { variable: 'LDAP_URL', label: 'Server URL', path: 'connector.settings.url' },
      { variable: 'LDAP_BIND_DN', label: 'Bind DN', path: 'connector.settings.bindDn' },
      { variable: 'LDAP_BASE_DN', label: 'Base DN', path: 'connector.settings.baseDn' },
      {
        variable: 'LDAP_BIND_PASSWORD',
        label: 'Bind password',
        path: 'connector.credentials.bindPassword',
        secret: true,
      },
    ],
  },
  {
    id: 'sql',
    label: 'SQL',
    yaml: sqlYaml,
    fields: [{ variable: 'SQL_URL', label: 'Database URL', path: 'connector.settings.url' }],
  },
];

/**
 * The template's YAML with the app's name and the field values in place. A value that is a whole
 * YAML scalar is written as a double-quoted string (JSON's escaping is valid YAML), so a token
 * with `#` or `: ` in it stays one value.
 */
export function fillTemplate(template: AppTemplate, name: string, values: Record<string, string>): string {
  let yaml = template.yaml.replace(/^name: .*$/m, `name: ${JSON.stringify(name)}`);
  for (const field of template.fields) {
    const value = values[field.variable] ?? '';
    yaml = yaml
      .replace(
        new RegExp(`(:\\s*)\\$\\{${field.variable}\\}\\s*$`, 'gm'),
        (_m, lead: string) => `${lead}${JSON.stringify(value)}`,
      )
      .replaceAll(`\${${field.variable}}`, value);
  }
  return yaml;
}
