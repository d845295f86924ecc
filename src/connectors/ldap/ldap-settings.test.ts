import { describe, expect, it } from 'vitest';
import { ldapCredentialsSchema, ldapSettingsSchema, resolveLdapConfig } from './ldap-settings.js';

const base = {
  url: 'ldap://127.0.0.1:389',
  baseDn: 'dc=example,dc=test',
  users: { container: 'ou=people,dc=example,dc=test' },
};
const issues = (input: unknown) => {
  const parsed = ldapSettingsSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('ldap settings', () => {
  it('accepts the minimal settings and fills in the OpenLDAP defaults', () => {
    const config = resolveLdapConfig(ldapSettingsSchema.parse(base), ldapCredentialsSchema.parse(undefined));
    expect(config).toMatchObject({
      secure: false,
      startTls: false,
      profile: 'openldap',
      anchorAttribute: 'entryUUID',
      poolSize: 2,
      maxPageSize: 500,
      bindDn: undefined,
      bindPassword: undefined,
    });
    expect(config.users).toMatchObject({
      rdnAttribute: 'uid',
      objectClasses: ['inetOrgPerson'],
      disable: { strategy: 'none' },
      passwordAttribute: 'userPassword',
    });
    expect(config.groups).toBeUndefined();
  });

  it('gives groupOfNames a placeholder member and posixGroup memberUid', () => {
    const names = resolveLdapConfig(
      ldapSettingsSchema.parse({ ...base, groups: { container: 'ou=groups,dc=example,dc=test' } }),
      {},
    );
    expect(names.groups).toMatchObject({
      type: 'groupOfNames',
      memberAttribute: 'member',
      emptyMember: 'cn=empty-group-placeholder,dc=example,dc=test',
    });
    const posix = resolveLdapConfig(
      ldapSettingsSchema.parse({
        ...base,
        groups: { container: 'ou=groups,dc=example,dc=test', type: 'posixGroup' },
      }),
      {},
    );
    expect(posix.groups).toMatchObject({
      memberAttribute: 'memberUid',
      emptyMember: undefined,
      memberUidAttribute: 'uid',
    });
  });

  it('names each bad value by its path', () => {
    expect(issues({ ...base, url: 'http://x' })).toEqual([expect.stringMatching(/^url: must be ldap/)]);
    expect(issues({ ...base, url: 'ldaps://x', startTls: true })).toEqual([
      'startTls: ldaps:// is already TLS; drop startTls',
    ]);
    expect(issues({ ...base, baseDn: 'not a dn' })).toEqual([
      expect.stringMatching(/^baseDn: 'not a dn' is not a valid DN/),
    ]);
    expect(issues({ ...base, users: { container: 'ou=p,dc=x', rdnAttribute: 'uid)(x' } })).toEqual([
      'users.rdnAttribute: must be an LDAP attribute name',
    ]);
    expect(issues({ ...base, users: undefined })).toEqual([': needs users, groups or both']);
    expect(
      issues({
        ...base,
        users: { container: 'ou=p,dc=x', disable: { strategy: 'attribute', attribute: 'x' } },
      }),
    ).toEqual(['users.disable.disabledValue: Invalid input: expected string, received undefined']);
    expect(issues({ ...base, tls: { ca: 'x', caFile: 'y' } })).toEqual(['tls: give ca or caFile, not both']);
    expect(issues({ ...base, surprise: 1 })).toHaveLength(1);
  });

  it('keeps the bind password in credentials only', () => {
    expect(ldapSettingsSchema.safeParse({ ...base, bindPassword: 'x' }).success).toBe(false);
    expect(ldapCredentialsSchema.parse({ bindPassword: 'secret' })).toEqual({ bindPassword: 'secret' });
    expect(ldapCredentialsSchema.safeParse({ bindPassword: 'secret', other: 1 }).success).toBe(false);
  });
});
