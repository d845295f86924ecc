/**
 * The LDAP connector passes the connector contract kit against a real slapd: users as
 * inetOrgPerson (disabled with ppolicy's pwdAccountLockedTime), groups as groupOfNames (disabled
 * by moving them to a container), members as DNs in `member`.
 */
import { afterAll, describe, it } from 'vitest';
import { describeConnectorContract } from '../../src/connectors/spi/contract-kit.js';
import { openLdap, slapdSettings } from '../support/slapd/ldap-test-connector.js';
import { slapdSkipReason, startSlapd } from '../support/slapd/slapd-server.js';

const skip = slapdSkipReason();

if (skip !== undefined) {
  describe('LDAP connector contract', () => {
    it.skip(`skipped: ${skip}`, () => {});
  });
} else {
  const server = await startSlapd();
  afterAll(() => server.stop());
  const admin = await server.admin();
  const disabledGroups = `ou=disabled-groups,${server.baseDn}`;
  await admin.add(disabledGroups, { objectClass: 'organizationalUnit', ou: 'disabled-groups' });
  await admin.unbind();

  const settings = slapdSettings(server, {
    users: {
      container: server.peopleDn,
      rdnAttribute: 'uid',
      unique: ['uid'],
      disable: { strategy: 'attribute', attribute: 'pwdAccountLockedTime', disabledValue: '000001010000Z' },
    },
    groups: {
      container: server.groupsDn,
      type: 'groupOfNames',
      unique: ['cn'],
      disable: { strategy: 'container', container: disabledGroups },
    },
  });
  const run = `k${Date.now().toString(36)}`;
  // The kit asks for a request's attributes (n) and then its name (n + 1): the name's RDN is the
  // value of the attributes just made, so that the DN and the entry's naming attribute agree.
  describeConnectorContract('ldap (OpenLDAP slapd)', () => openLdap(server, settings), {
    user: (n) => ({ uid: `${run}-u${n}`, cn: `Kit User ${n}`, sn: 'Kit', displayName: `Kit User ${n}` }),
    group: (n) => ({ cn: `${run}-g${n}`, description: `Kit group ${n}` }),
    name: (type, n) =>
      type === 'User' ? `uid=${run}-u${n - 1},${server.peopleDn}` : `cn=${run}-g${n - 1},${server.groupsDn}`,
    matchAttribute: { User: 'uid', Group: 'cn' },
    updatableAttribute: { User: 'displayName', Group: 'description' },
  });
}
