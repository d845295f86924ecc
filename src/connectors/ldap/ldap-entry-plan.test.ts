import type { Change } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { dnBeforeChanges, dnFor, planAdd, planModify, preciseMemberChanges } from './ldap-entry-plan.js';
import { ldapSettingsSchema, resolveLdapConfig } from './ldap-settings.js';

const config = resolveLdapConfig(
  ldapSettingsSchema.parse({
    url: 'ldap://127.0.0.1',
    baseDn: 'dc=example,dc=test',
    users: {
      container: {
        attribute: 'departmentNumber',
        containers: { Sales: 'ou=sales,ou=people,dc=example,dc=test' },
        default: 'ou=people,dc=example,dc=test',
      },
      rdnAttribute: 'uid',
    },
    groups: { container: 'ou=groups,dc=example,dc=test' },
  }),
  {},
);
const show = (changes: Change[]) =>
  changes.map((c) => [c.operation, c.modification.type, c.modification.values.map(String)]);
const placeholder = 'cn=empty-group-placeholder,dc=example,dc=test';

describe('what the LDAP connector sends', () => {
  it("the DN an entry had before an update is where the changes' old values place it", () => {
    const users = config.users!;
    const current = {
      dn: 'uid=b,ou=people,dc=example,dc=test',
      attributes: { uid: 'b', departmentNumber: 'Legal' },
    };
    const changes = [
      { attribute: 'uid', oldValue: 'a', newValue: 'b' },
      { attribute: 'departmentNumber', oldValue: 'Sales', newValue: 'Legal' },
    ];
    expect(dnBeforeChanges(users, changes, current)).toBe('uid=a,ou=sales,ou=people,dc=example,dc=test');
    // Nothing that names the entry changed, or the old values name none: no former DN.
    expect(dnBeforeChanges(users, [{ attribute: 'title', oldValue: 'x', newValue: 'y' }], current)).toBe(
      undefined,
    );
    expect(dnBeforeChanges(users, [{ attribute: 'uid', oldValue: null, newValue: 'b' }], current)).toBe(
      undefined,
    );
  });

  it('an update modifies exactly the changed attributes: replace with the new values, none to remove', () => {
    const plan = planModify(
      config,
      'User',
      [
        { attribute: 'title', oldValue: 'Intern', newValue: 'Engineer' },
        { attribute: 'mail', oldValue: 'a@x', newValue: ['a@x', 'b@x'] },
        { attribute: 'telephoneNumber', oldValue: '1', newValue: null },
        { attribute: 'employeeNumber', oldValue: null, newValue: 42 },
      ],
      { encrypted: false },
    );
    expect(plan.newDn).toBeUndefined();
    expect(show(plan.changes)).toEqual([
      ['replace', 'title', ['Engineer']],
      ['replace', 'mail', ['a@x', 'b@x']],
      ['replace', 'telephoneNumber', []],
      ['replace', 'employeeNumber', ['42']],
    ]);
    expect(plan.memberChanges).toEqual([]);
  });

  it('a change of the RDN attribute or of the container attribute becomes a modify DN', () => {
    const current = {
      dn: 'uid=ann,ou=sales,ou=people,dc=example,dc=test',
      attributes: { uid: 'ann', departmentNumber: 'Sales' },
    };
    const renamed = planModify(config, 'User', [{ attribute: 'uid', oldValue: 'ann', newValue: 'ann.a' }], {
      encrypted: false,
      current,
    });
    expect(renamed.newDn).toBe('uid=ann.a,ou=sales,ou=people,dc=example,dc=test');
    expect(renamed.changes).toEqual([]);
    const moved = planModify(
      config,
      'User',
      [{ attribute: 'departmentNumber', oldValue: 'Sales', newValue: 'Legal' }],
      { encrypted: false, current },
    );
    expect(moved.newDn).toBe('uid=ann,ou=people,dc=example,dc=test');
    expect(show(moved.changes)).toEqual([['replace', 'departmentNumber', ['Legal']]]);
  });

  it('names new entries from the request, the RDN attribute and the container its attributes choose', () => {
    const users = config.users!;
    expect(dnFor(users, { uid: 'a,b', departmentNumber: 'sales' })).toBe(
      'uid=a\\2Cb,ou=sales,ou=people,dc=example,dc=test',
    );
    expect(dnFor(users, { uid: 'c' })).toBe('uid=c,ou=people,dc=example,dc=test');
    expect(dnFor(users, { uid: 'c' }, { name: 'UID=x , ou=people,dc=example,dc=test' })).toBe(
      'UID=x,ou=people,dc=example,dc=test',
    );
    expect(() => dnFor(users, { cn: 'no uid' })).toThrow(
      expect.objectContaining({ code: 'schema_violation' }),
    );
    const add = planAdd(
      config,
      'User',
      { cn: 'Named', sn: 'N' },
      { name: 'uid=named,ou=people,dc=example,dc=test', disabled: false, encrypted: false },
    );
    expect(add.attributes.map((a) => [a.type, a.values])).toEqual([
      ['objectClass', ['inetOrgPerson']],
      ['cn', ['Named']],
      ['sn', ['N']],
      ['uid', ['named']],
    ]);
  });

  it('member changes add and delete values, with the placeholder when a group empties or fills', () => {
    const emptied = planModify(
      config,
      'Group',
      [{ attribute: 'member', oldValue: ['uid=a,dc=x'], newValue: [] }],
      { encrypted: false },
    );
    expect(show(emptied.memberChanges)).toEqual([
      ['add', 'member', [placeholder]],
      ['delete', 'member', ['uid=a,dc=x']],
    ]);
    const filled = planModify(
      config,
      'Group',
      [{ attribute: 'member', oldValue: [], newValue: ['uid=a,dc=x'] }],
      { encrypted: false },
    );
    expect(show(filled.memberChanges)).toEqual([
      ['add', 'member', ['uid=a,dc=x']],
      ['delete', 'member', [placeholder]],
    ]);
    const group = config.groups!;
    const change = { attribute: 'member', oldValue: ['uid=b,dc=x'], newValue: ['uid=a,dc=x'] };
    // The server holds a (not b): nothing to add, nothing to delete.
    expect(show(preciseMemberChanges(group, change, ['UID=a, dc=x'], (dn) => dn))).toEqual([]);
    // The server holds only the placeholder: add a, drop the placeholder.
    expect(show(preciseMemberChanges(group, change, [placeholder], (dn) => dn))).toEqual([
      ['add', 'member', ['uid=a,dc=x']],
      ['delete', 'member', [placeholder]],
    ]);
  });
});
