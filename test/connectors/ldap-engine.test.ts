/**
 * Directory -> engine -> slapd: the engine's cycles provision a real directory's users and groups
 * into a real OpenLDAP through the `ldap` connector, and the entries are checked on the server
 * after creates, group membership changes, a rename, a move, disable (ppolicy) and delete.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ldapConnector } from '../../src/connectors/ldap/index.js';
import { ConnectorRegistry } from '../../src/connectors/spi/index.js';
import type { AppDefinition } from '../../src/engine/apps/app-definition.js';
import type { JsonObject } from '../../src/shared/json.js';
import {
  addMember,
  createGroup,
  createUser,
  patchUser,
  removeMember,
} from '../engine/support/engine-harness.js';
import { connectorEngine, type ConnectorEngine } from '../support/connector-engine.js';
import { rawEntry, rawSearch, slapdSkip, slapdTitle, useSlapd } from '../support/slapd/slapd-suite.js';
import type { SlapdServer } from '../support/slapd/slapd-server.js';
import { provisioningApp } from '../support/provisioning-app.js';

const slapd = useSlapd();

function definition(server: SlapdServer, deprovisionAction: 'disable' | 'delete'): AppDefinition {
  return provisioningApp({
    name: 'ldap',
    connector: {
      kind: 'ldap',
      settings: {
        url: server.url,
        bindDn: server.adminDn,
        baseDn: server.baseDn,
        users: {
          container: {
            attribute: 'departmentNumber',
            containers: { Sales: `ou=sales,${server.peopleDn}` },
            default: server.peopleDn,
          },
          rdnAttribute: 'uid',
          unique: ['uid'],
          disable: {
            strategy: 'attribute',
            attribute: 'pwdAccountLockedTime',
            disabledValue: '000001010000Z',
          },
        },
        groups: { container: server.groupsDn, type: 'groupOfNames', unique: ['cn'] },
      } as unknown as JsonObject,
      credentials: {},
    },
    user: [
      { target: 'uid', expression: 'Word([userPrincipalName], 1, "@")', matchingPrecedence: 1 },
      { target: 'cn', source: 'displayName' },
      { target: 'sn', expression: 'Word([displayName], 2, " ")' },
      { target: 'mail', source: 'mail' },
      { target: 'title', source: 'jobTitle' },
      { target: 'departmentNumber', source: 'department' },
    ],
    group: [
      { target: 'cn', source: 'displayName', matchingPrecedence: 1 },
      { target: 'member', source: 'members' },
    ],
    settings: { scope: 'assigned', deprovisionAction, concurrency: 4 },
  });
}

let setup: ConnectorEngine | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

async function open(deprovisionAction: 'disable' | 'delete'): Promise<ConnectorEngine> {
  const server = slapd.current();
  const app = definition(server, deprovisionAction);
  const registry = new ConnectorRegistry().register(ldapConnector);
  const connector = await registry.open(
    { kind: 'ldap', settings: app.connector.settings },
    { credentials: { bindPassword: server.adminPassword } },
  );
  return connectorEngine({
    definition: app,
    connector,
    seed: 3,
    holder: 'ldap-test',
    retry: { baseDelayMs: 1, maxDelayMs: 1_000, escrowBaseMs: 1_000, escrowMaxMs: 10_000 },
  });
}

const values = (value: unknown) =>
  value === undefined ? [] : (Array.isArray(value) ? value : [value]).map(String).sort();

describe.skipIf(slapdSkip !== undefined)(slapdTitle('directory -> engine -> slapd'), () => {
  beforeAll(async () => {
    const admin = await slapd.current().admin();
    await admin.add(`ou=sales,${slapd.current().peopleDn}`, {
      objectClass: 'organizationalUnit',
      ou: 'sales',
    });
    await admin.unbind();
  });

  it('provisions assigned users and groups, follows membership, renames, moves, disables with ppolicy', async () => {
    const server = slapd.current();
    setup = await open('disable');
    const { directory, engine, state, appId } = setup;
    const ann = await createUser(directory, {
      userName: 'ann@example.com',
      displayName: 'Ann Archer',
      title: 'Engineer',
      department: 'Sales',
    });
    const bob = await createUser(directory, { userName: 'bob@example.com', displayName: 'Bob Baker' });
    await createUser(directory, { userName: 'carl@example.com', displayName: 'Carl Cole' });
    const team = await createGroup(directory, 'Team', [{ id: ann }]);
    await directory.assign(appId, 'User', ann);
    await directory.assign(appId, 'User', bob);
    await directory.assign(appId, 'Group', team);

    const first = await engine.sync('ldap');
    expect(first.failures).toEqual([]);
    expect(first.summary.create).toBe(3);
    const annDn = `uid=ann,ou=sales,${server.peopleDn}`;
    const bobDn = `uid=bob,${server.peopleDn}`;
    expect(await rawEntry(server, annDn)).toMatchObject({
      uid: 'ann',
      cn: 'Ann Archer',
      sn: 'Archer',
      title: 'Engineer',
      mail: 'ann@example.com',
      departmentNumber: 'Sales',
    });
    expect(await rawEntry(server, bobDn)).toMatchObject({ uid: 'bob', cn: 'Bob Baker', sn: 'Baker' });
    // Carl is not assigned: not provisioned.
    expect(await rawSearch(server, server.peopleDn, '(uid=carl)')).toEqual([]);
    const teamDn = `cn=Team,${server.groupsDn}`;
    expect(values((await rawEntry(server, teamDn))?.member)).toEqual([annDn]);
    const annLink = await state.getLink(appId, 'User', ann);
    expect(annLink?.targetId).toBe((await rawEntry(server, annDn))?.entryUUID);

    // Membership: Bob joins, Ann leaves.
    await addMember(directory, team, bob);
    await removeMember(directory, team, ann);
    const second = await engine.sync('ldap');
    expect(second.failures).toEqual([]);
    expect(values((await rawEntry(server, teamDn))?.member)).toEqual([bobDn]);

    // Bob changes department (a move) and userName (a rename): the same entry, a new DN.
    await patchUser(directory, bob, [
      {
        op: 'replace',
        path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
        value: 'Sales',
      },
    ]);
    expect((await engine.sync('ldap')).failures).toEqual([]);
    const movedDn = `uid=bob,ou=sales,${server.peopleDn}`;
    const moved = await rawEntry(server, movedDn);
    expect(moved?.entryUUID).toBe((await state.getLink(appId, 'User', bob))?.targetId);
    expect(await rawEntry(server, bobDn)).toBeUndefined();
    await patchUser(directory, bob, [{ op: 'replace', path: 'userName', value: 'robert@example.com' }]);
    expect((await engine.sync('ldap')).failures).toEqual([]);
    const renamed = await rawEntry(server, `uid=robert,ou=sales,${server.peopleDn}`);
    expect(renamed?.entryUUID).toBe(moved?.entryUUID);
    // The group lists Bob by his new DN (the connector follows renames into groups).
    expect(values((await rawEntry(server, teamDn))?.member)).toEqual([renamed!.dn]);
    // The link follows the entry's DN (the update answered the new one), so what the engine later
    // writes into groups names Bob as he is now: leaving the group takes him out of it.
    expect((await state.getLink(appId, 'User', bob))?.targetName).toBe(renamed!.dn);
    await addMember(directory, team, ann);
    expect((await engine.sync('ldap')).failures).toEqual([]);
    expect(values((await rawEntry(server, teamDn))?.member)).toEqual([annDn, renamed!.dn].sort());
    await removeMember(directory, team, bob);
    expect((await engine.sync('ldap')).failures).toEqual([]);
    expect(values((await rawEntry(server, teamDn))?.member)).toEqual([annDn]);
    // Ann leaves Team again: only her own assignment is left, for the deprovisioning below.
    await removeMember(directory, team, ann);

    // Unassigning Ann deprovisions her: disabled with ppolicy, not deleted.
    await directory.unassign(appId, 'User', ann);
    const fourth = await engine.sync('ldap');
    expect(fourth.failures).toEqual([]);
    expect((await rawEntry(server, annDn))?.pwdAccountLockedTime).toBe('000001010000Z');
  });

  it('keeps the new DN in the link when the update fails after the rename', async () => {
    const server = slapd.current();
    setup = await open('disable');
    const { directory, engine, state, appId } = setup;
    const eve = await createUser(directory, { userName: 'eve@example.com', displayName: 'Eve Ede' });
    const fay = await createUser(directory, { userName: 'fay@example.com', displayName: 'Fay Fox' });
    const crew = await createGroup(directory, 'Crew', [{ id: fay }]);
    for (const [type, id] of [
      ['User', eve],
      ['User', fay],
      ['Group', crew],
    ] as const)
      await directory.assign(appId, type, id);
    expect((await engine.sync('ldap')).failures).toEqual([]);
    // A new userName (a new DN) and a mail slapd refuses (mail is IA5String: ASCII only): the
    // modify DN succeeds, the modify after it fails.
    await patchUser(directory, eve, [
      { op: 'replace', path: 'userName', value: 'evelyn@example.com' },
      {
        op: 'replace',
        path: 'emails',
        value: [{ value: 'évelyn@example.com', type: 'work', primary: true }],
      },
    ]);
    const failed = await engine.sync('ldap');
    expect(failed.failures.map((f) => f.error?.code)).toEqual(['schema_violation']);
    const newDn = `uid=evelyn,${server.peopleDn}`;
    expect(await rawEntry(server, `uid=eve,${server.peopleDn}`)).toBeUndefined();
    expect(await rawEntry(server, newDn)).toBeDefined();
    expect((await state.getLink(appId, 'User', eve))?.targetName).toBe(newDn);
    // While Eve's update keeps failing, she joins Crew: the group names her by the DN she has.
    await addMember(directory, crew, eve);
    await engine.sync('ldap');
    const fayDn = `uid=fay,${server.peopleDn}`;
    expect(values((await rawEntry(server, `cn=Crew,${server.groupsDn}`))?.member)).toEqual(
      [fayDn, newDn].sort(),
    );
  });

  it('with deprovisionAction delete, an unassigned user is deleted from the directory', async () => {
    const server = slapd.current();
    setup = await open('delete');
    const { directory, engine, appId } = setup;
    const dee = await createUser(directory, { userName: 'dee@example.com', displayName: 'Dee Dunn' });
    await directory.assign(appId, 'User', dee);
    expect((await engine.sync('ldap')).failures).toEqual([]);
    const dn = `uid=dee,${server.peopleDn}`;
    expect(await rawEntry(server, dn)).toBeDefined();
    await directory.unassign(appId, 'User', dee);
    expect((await engine.sync('ldap')).failures).toEqual([]);
    expect(await rawEntry(server, dn)).toBeUndefined();
  });
});
