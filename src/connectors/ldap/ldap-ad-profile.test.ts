/**
 * The Active Directory profile's operations, checked as the data the connector would send: no AD
 * server runs in the tests, so what reaches one is pinned down here byte for byte.
 */
import fc from 'fast-check';
import type { Attribute, Change } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../spi/index.js';
import { guidDn } from './ldap-connector.js';
import { isEnabled, planAdd, planModify, stateChanges } from './ldap-entry-plan.js';
import { resolveLdapConfig, ldapSettingsSchema } from './ldap-settings.js';
import { decodeObjectGuid, encodeObjectGuid, encodeUnicodePwd } from './ldap-values.js';

const settings = (url: string) =>
  ldapSettingsSchema.parse({
    url,
    profile: 'activeDirectory',
    bindDn: 'CN=svc-provisio,OU=Service Accounts,DC=corp,DC=example',
    baseDn: 'DC=corp,DC=example',
    users: { container: 'OU=Staff,DC=corp,DC=example' },
    groups: { container: 'OU=Groups,DC=corp,DC=example' },
  });
const ad = resolveLdapConfig(settings('ldaps://dc1.corp.example'), { bindPassword: 'x' });
const plain = resolveLdapConfig(settings('ldap://dc1.corp.example'), { bindPassword: 'x' });

const user = {
  cn: 'Ann Example',
  sAMAccountName: 'ann',
  userPrincipalName: 'ann@corp.example',
  givenName: 'Ann',
  sn: 'Example',
  unicodePwd: 'Initial-Pa55!',
};

const valuesOf = (attributes: Attribute[]) =>
  Object.fromEntries(
    attributes.map((a) => [a.type, a.values.map((v) => (Buffer.isBuffer(v) ? v.toString('hex') : v))]),
  );
const describeChange = (change: Change) => [
  change.operation,
  change.modification.type,
  change.modification.values.map(String),
];

describe('Active Directory profile', () => {
  it('defaults: objectGUID anchor, cn RDN, user classes, userAccountControl disabling, unicodePwd', () => {
    expect(ad.anchorAttribute).toBe('objectGUID');
    expect(ad.users!.rdnAttribute).toBe('cn');
    expect(ad.users!.objectClasses).toEqual(['top', 'person', 'organizationalPerson', 'user']);
    expect(ad.users!.disable).toEqual({ strategy: 'userAccountControl' });
    expect(ad.users!.passwordAttribute).toBe('unicodePwd');
    expect(ad.groups!.objectClasses).toEqual(['top', 'group']);
    expect(ad.groups!.memberAttribute).toBe('member');
    expect(ad.groups!.emptyMember).toBeUndefined();
  });

  it('creates an enabled user with NORMAL_ACCOUNT and the password as quoted UTF-16LE', () => {
    const plan = planAdd(ad, 'User', user, { disabled: false, encrypted: true });
    expect(plan.dn).toBe('cn=Ann Example,OU=Staff,DC=corp,DC=example');
    expect(valuesOf(plan.attributes)).toEqual({
      objectClass: ['top', 'person', 'organizationalPerson', 'user'],
      cn: ['Ann Example'],
      sAMAccountName: ['ann'],
      userPrincipalName: ['ann@corp.example'],
      givenName: ['Ann'],
      sn: ['Example'],
      unicodePwd: [Buffer.from('"Initial-Pa55!"', 'utf16le').toString('hex')],
      userAccountControl: ['512'],
    });
  });

  it('creates a disabled user with ACCOUNTDISABLE set (514)', () => {
    const plan = planAdd(ad, 'User', user, { disabled: true, encrypted: true });
    expect(valuesOf(plan.attributes).userAccountControl).toEqual(['514']);
  });

  it('refuses to send a password over an unencrypted connection, before anything is sent', () => {
    expect(plain.secure).toBe(false);
    const attempt = () => planAdd(plain, 'User', user, { disabled: false, encrypted: false });
    expect(attempt).toThrow(ConnectorError);
    expect(attempt).toThrow(/only over TLS/);
    expect(() =>
      planAdd(plain, 'User', { ...user, unicodePwd: null }, { disabled: false, encrypted: false }),
    ).not.toThrow();
    const reset = () =>
      planModify(plain, 'User', [{ attribute: 'unicodePwd', oldValue: null, newValue: 'New-Pa55!' }], {
        encrypted: false,
      });
    expect(reset).toThrow(/only over TLS/);
  });

  it('a password change replaces unicodePwd with the encoded value', () => {
    const plan = planModify(
      ad,
      'User',
      [{ attribute: 'unicodePwd', oldValue: null, newValue: 'New-Pa55!' }],
      { encrypted: true },
    );
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]!.operation).toBe('replace');
    expect(plan.changes[0]!.modification.values).toEqual([encodeUnicodePwd('New-Pa55!')]);
    expect(encodeUnicodePwd('pw')).toEqual(Buffer.from([0x22, 0, 0x70, 0, 0x77, 0, 0x22, 0]));
  });

  it('disabling and enabling flip bit 2 of userAccountControl and keep the other flags', () => {
    // 66048 = NORMAL_ACCOUNT | DONT_EXPIRE_PASSWORD
    const disable = stateChanges(ad, ad.users!, true, { userAccountControl: '66048' });
    expect(disable.map(describeChange)).toEqual([['replace', 'userAccountControl', ['66050']]]);
    const enable = stateChanges(ad, ad.users!, false, { userAccountControl: '66050' });
    expect(enable.map(describeChange)).toEqual([['replace', 'userAccountControl', ['66048']]]);
    expect(isEnabled(ad.users!, 'cn=a,dc=x', { userAccountControl: '66050' })).toBe(false);
    expect(isEnabled(ad.users!, 'cn=a,dc=x', { userAccountControl: '512' })).toBe(true);
    expect(() => stateChanges(ad, ad.users!, true, { userAccountControl: 'lots' })).toThrow(/not a number/);
  });

  it('decodes objectGUID with the first three groups little-endian, and encodes it back', () => {
    const bytes = Buffer.from('33221100554477668899aabbccddeeff', 'hex');
    expect(decodeObjectGuid(bytes)).toBe('00112233-4455-6677-8899-aabbccddeeff');
    expect(encodeObjectGuid('00112233-4455-6677-8899-aabbccddeeff')).toEqual(bytes);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (raw) => {
        const buffer = Buffer.from(raw);
        expect(encodeObjectGuid(decodeObjectGuid(buffer))).toEqual(buffer);
      }),
    );
    expect(() => decodeObjectGuid(Buffer.alloc(15))).toThrow(/16/);
  });

  it('addresses entries by <GUID=...>, so a moved entry is still found; anything else is not_found', () => {
    expect(guidDn('00112233-4455-6677-8899-aabbccddeeff')).toBe(
      '<GUID=00112233-4455-6677-8899-aabbccddeeff>',
    );
    expect(() => guidDn('cn=x')).toThrow(expect.objectContaining({ code: 'not_found' }));
  });

  it('groups need no placeholder member; members change value by value', () => {
    const plan = planAdd(
      ad,
      'Group',
      { cn: 'Staff', sAMAccountName: 'staff' },
      { disabled: false, encrypted: true, memberValues: [] },
    );
    expect(valuesOf(plan.attributes)).toEqual({
      objectClass: ['top', 'group'],
      cn: ['Staff'],
      sAMAccountName: ['staff'],
    });
    const update = planModify(ad, 'Group', [{ attribute: 'member', oldValue: ['CN=a,DC=x'], newValue: [] }], {
      encrypted: true,
    });
    expect(update.memberChanges.map(describeChange)).toEqual([['delete', 'member', ['CN=a,DC=x']]]);
  });
});
