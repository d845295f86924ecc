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
import { sortedValues } from '../support/slapd/ldap-test-connector.js';
import { provisioningApp } from '../support/provisioning-app.js';

const slapd = useSlapd();

/** What a test changes of the app: the connector's settings and mappings it replaces. */
interface AppVariant {
  readonly settings?: JsonObject;
  readonly user?: AppDefinition['objects']['User']['mappings'];
  readonly group?: AppDefinition['objects']['Group']['mappings'];
}

function definition(
  server: SlapdServer,
  deprovisionAction: 'disable' | 'delete',
  variant: AppVariant = {},
): AppDefinition {
  const app = provisioningApp({
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
  const connector = { ...app.connector, settings: { ...app.connector.settings, ...variant.settings } };
  const objects = {
    User: { ...app.objects.User, mappings: variant.user ?? app.objects.User.mappings },
    Group: { ...app.objects.Group, mappings: variant.group ?? app.objects.Group.mappings },
  };
  return { ...app, connector, objects };
}

let setup: ConnectorEngine | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

async function open(
  deprovisionAction: 'disable' | 'delete',
  variant: AppVariant = {},
): Promise<ConnectorEngine> {
  const server = slapd.current();
  const app = definition(server, deprovisionAction, variant);
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

describe.skipIf(slapdSkip !== undefined)(slapdTitle('directory -> engine -> slapd'), () => {
  beforeAll(async () => {
    const admin = await slapd.current().admin();
    await admin.add(`ou=sales,${slapd.current().peopleDn}`, {
      objectClass: 'organizationalUnit',
      ou: 'sales',
    });
    await admin.add(`ou=disabled,${slapd.current().baseDn}`, {
      objectClass: 'organizationalUnit',
      ou: 'disabled',
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
    expect(sortedValues((await rawEntry(server, teamDn))?.member)).toEqual([annDn]);
    const annLink = await state.getLink(appId, 'User', ann);
    expect(annLink?.targetId).toBe((await rawEntry(server, annDn))?.entryUUID);

    // Membership: Bob joins, Ann leaves.
    await addMember(directory, team, bob);
    await removeMember(directory, team, ann);
    const second = await engine.sync('ldap');
    expect(second.failures).toEqual([]);
    expect(sortedValues((await rawEntry(server, teamDn))?.member)).toEqual([bobDn]);

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
    expect(sortedValues((await rawEntry(server, teamDn))?.member)).toEqual([renamed!.dn]);
    // The link follows the entry's DN (the update answered the new one), so what the engine later
    // writes into groups names Bob as he is now: leaving the group takes him out of it.
    expect((await state.getLink(appId, 'User', bob))?.targetName).toBe(renamed!.dn);
    await addMember(directory, team, ann);
    expect((await engine.sync('ldap')).failures).toEqual([]);
    expect(sortedValues((await rawEntry(server, teamDn))?.member)).toEqual([annDn, renamed!.dn].sort());
    await removeMember(directory, team, bob);
    expect((await engine.sync('ldap')).failures).toEqual([]);
    expect(sortedValues((await rawEntry(server, teamDn))?.member)).toEqual([annDn]);
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
    expect(sortedValues((await rawEntry(server, `cn=Crew,${server.groupsDn}`))?.member)).toEqual(
      [fayDn, newDn].sort(),
    );
  });

  it('a renamed group is listed by its new DN in the groups holding it, and leaves them by that DN', async () => {
    const server = slapd.current();
    setup = await open('disable');
    const { directory, engine, state, appId } = setup;
    const gil = await createUser(directory, { userName: 'gil@example.com', displayName: 'Gil Gray' });
    const inner = await createGroup(directory, 'Inner', [{ id: gil }]);
    const outer = await createGroup(directory, 'Outer', [{ id: inner, type: 'Group' }]);
    for (const [type, id] of [
      ['User', gil],
      ['Group', inner],
      ['Group', outer],
    ] as const)
      await directory.assign(appId, type, id);
    expect((await engine.sync('ldap')).failures).toEqual([]);
    const innerDn = `cn=Inner,${server.groupsDn}`;
    const outerDn = `cn=Outer,${server.groupsDn}`;
    expect(sortedValues((await rawEntry(server, outerDn))?.member)).toEqual([innerDn]);
    // A group Provisio does not provision lists Inner as well.
    const bystanderDn = `cn=Bystander,${server.groupsDn}`;
    const admin = await server.admin();
    await admin.add(bystanderDn, { objectClass: 'groupOfNames', cn: 'Bystander', member: innerDn });
    await admin.unbind();

    // Inner's cn follows its displayName: the entry is renamed.
    await directory.patch('Group', inner, [{ op: 'replace', path: 'displayName', value: 'Inner Renamed' }]);
    expect((await engine.sync('ldap')).failures).toEqual([]);
    const renamedDn = `cn=Inner Renamed,${server.groupsDn}`;
    expect(await rawEntry(server, innerDn)).toBeUndefined();
    expect((await state.getLink(appId, 'Group', inner))?.targetName).toBe(renamedDn);
    expect(sortedValues((await rawEntry(server, outerDn))?.member)).toEqual([renamedDn]);
    expect(sortedValues((await rawEntry(server, bystanderDn))?.member)).toEqual([renamedDn]);

    // Leaving Outer removes the DN Inner has now: Outer is left with the placeholder only.
    await removeMember(directory, outer, inner);
    expect((await engine.sync('ldap')).failures).toEqual([]);
    expect(sortedValues((await rawEntry(server, outerDn))?.member)).toEqual([
      `cn=empty-group-placeholder,${server.baseDn}`,
    ]);
  });

  it('a renamed user leaves a group by its new DN, though the group did not change in between', async () => {
    const server = slapd.current();
    setup = await open('disable');
    const { directory, engine, appId } = setup;
    const hal = await createUser(directory, { userName: 'hal@example.com', displayName: 'Hal Hunt' });
    const ida = await createUser(directory, { userName: 'ida@example.com', displayName: 'Ida Ives' });
    const squad = await createGroup(directory, 'Squad', [{ id: hal }, { id: ida }]);
    for (const [type, id] of [
      ['User', hal],
      ['User', ida],
      ['Group', squad],
    ] as const)
      await directory.assign(appId, type, id);
    expect((await engine.sync('ldap')).failures).toEqual([]);
    await patchUser(directory, hal, [{ op: 'replace', path: 'userName', value: 'harold@example.com' }]);
    expect((await engine.sync('ldap')).failures).toEqual([]);
    const squadDn = `cn=Squad,${server.groupsDn}`;
    const idaDn = `uid=ida,${server.peopleDn}`;
    expect(sortedValues((await rawEntry(server, squadDn))?.member)).toEqual(
      [`uid=harold,${server.peopleDn}`, idaDn].sort(),
    );
    await removeMember(directory, squad, hal);
    expect((await engine.sync('ldap')).failures).toEqual([]);
    expect(sortedValues((await rawEntry(server, squadDn))?.member)).toEqual([idaDn]);
  });

  it('posixGroup: a user renamed without a new uid stays listed; a new uid replaces the old; leaving removes it', async () => {
    const server = slapd.current();
    setup = await open('disable', {
      settings: {
        users: { container: server.peopleDn, rdnAttribute: 'cn', unique: ['uid'] },
        groups: { container: server.groupsDn, type: 'posixGroup' },
      },
      group: [
        { target: 'cn', source: 'displayName', matchingPrecedence: 1 },
        { target: 'gidNumber', expression: '"7000"' },
        { target: 'memberUid', source: 'members' },
      ],
    });
    const { directory, engine, state, appId } = setup;
    const jo = await createUser(directory, { userName: 'jo@example.com', displayName: 'Jo Jones' });
    const kim = await createUser(directory, { userName: 'kim@example.com', displayName: 'Kim Kent' });
    const posse = await createGroup(directory, 'Posse', [{ id: jo }, { id: kim }]);
    for (const [type, id] of [
      ['User', jo],
      ['User', kim],
      ['Group', posse],
    ] as const)
      await directory.assign(appId, type, id);
    expect((await engine.sync('ldap')).failures).toEqual([]);
    const posseDn = `cn=Posse,${server.groupsDn}`;
    expect(sortedValues((await rawEntry(server, posseDn))?.memberUid)).toEqual(['jo', 'kim']);

    // A new displayName renames the entry (cn names it); the uid, and so memberUid, stay.
    await patchUser(directory, jo, [{ op: 'replace', path: 'displayName', value: 'Jo Jordan' }]);
    expect((await engine.sync('ldap')).failures).toEqual([]);
    const joDn = `cn=Jo Jordan,${server.peopleDn}`;
    expect(await rawEntry(server, joDn)).toBeDefined();
    expect(sortedValues((await rawEntry(server, posseDn))?.memberUid)).toEqual(['jo', 'kim']);
    // What the engine records of the group names Jo as the entry is named now.
    const posseLink = await state.getLink(appId, 'Group', posse);
    expect(sortedValues(posseLink?.exported.memberUid)).toEqual([joDn, `cn=Kim Kent,${server.peopleDn}`]);

    // A new userName is a new uid: the group lists it instead of the old one.
    await patchUser(directory, jo, [{ op: 'replace', path: 'userName', value: 'joanna@example.com' }]);
    expect((await engine.sync('ldap')).failures).toEqual([]);
    expect(sortedValues((await rawEntry(server, posseDn))?.memberUid)).toEqual(['joanna', 'kim']);

    // Leaving the group takes the uid out.
    await removeMember(directory, posse, jo);
    expect((await engine.sync('ldap')).failures).toEqual([]);
    expect(sortedValues((await rawEntry(server, posseDn))?.memberUid)).toEqual(['kim']);
  });

  it('a user disabled by a move to the disabled container leaves its groups, and is back in them once enabled', async () => {
    const server = slapd.current();
    setup = await open('disable', {
      settings: {
        users: {
          container: server.peopleDn,
          rdnAttribute: 'uid',
          disable: { strategy: 'container', container: `ou=disabled,${server.baseDn}` },
        },
      },
    });
    const { directory, engine, appId } = setup;
    const lou = await createUser(directory, { userName: 'lou@example.com', displayName: 'Lou Lane' });
    const mia = await createUser(directory, { userName: 'mia@example.com', displayName: 'Mia Moss' });
    const gang = await createGroup(directory, 'Gang', [{ id: lou }, { id: mia }]);
    await directory.assign(appId, 'Group', gang);
    expect((await engine.sync('ldap')).failures).toEqual([]);
    const gangDn = `cn=Gang,${server.groupsDn}`;
    const louDn = `uid=lou,${server.peopleDn}`;
    const miaDn = `uid=mia,${server.peopleDn}`;
    expect(sortedValues((await rawEntry(server, gangDn))?.member)).toEqual([louDn, miaDn]);

    await patchUser(directory, lou, [{ op: 'replace', path: 'active', value: false }]);
    expect((await engine.sync('ldap')).failures).toEqual([]);
    expect(await rawEntry(server, `uid=lou,ou=disabled,${server.baseDn}`)).toBeDefined();
    expect(sortedValues((await rawEntry(server, gangDn))?.member)).toEqual([miaDn]);

    await patchUser(directory, lou, [{ op: 'replace', path: 'active', value: true }]);
    expect((await engine.sync('ldap')).failures).toEqual([]);
    expect(await rawEntry(server, louDn)).toBeDefined();
    expect(sortedValues((await rawEntry(server, gangDn))?.member)).toEqual([louDn, miaDn]);
  });

  // Groups have no disable strategy here (users do): with either action a group is deleted.
  it.each(['delete', 'disable'] as const)(
    'deprovisionAction %s: an unassigned nested group is deleted and leaves the groups holding it',
    async (action) => {
      const server = slapd.current();
      setup = await open(action);
      const { directory, engine, appId } = setup;
      const ned = await createUser(directory, {
        userName: `ned-${action}@example.com`,
        displayName: 'Ned Nash',
      });
      const cell = await createGroup(directory, `Cell ${action}`, [{ id: ned }]);
      const hive = await createGroup(directory, `Hive ${action}`, [{ id: cell, type: 'Group' }]);
      for (const [type, id] of [
        ['User', ned],
        ['Group', cell],
        ['Group', hive],
      ] as const)
        await directory.assign(appId, type, id);
      expect((await engine.sync('ldap')).failures).toEqual([]);
      const cellDn = `cn=Cell ${action},${server.groupsDn}`;
      const hiveDn = `cn=Hive ${action},${server.groupsDn}`;
      expect(sortedValues((await rawEntry(server, hiveDn))?.member)).toEqual([cellDn]);
      await directory.unassign(appId, 'Group', cell);
      expect((await engine.sync('ldap')).failures).toEqual([]);
      expect(await rawEntry(server, cellDn)).toBeUndefined();
      expect(sortedValues((await rawEntry(server, hiveDn))?.member)).toEqual([
        `cn=empty-group-placeholder,${server.baseDn}`,
      ]);
    },
  );

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

  it('with deprovisionAction delete, a deleted user leaves the groups Provisio does not write as well as its own', async () => {
    const server = slapd.current();
    setup = await open('delete');
    const { directory, engine, appId } = setup;
    const pia = await createUser(directory, { userName: 'pia@example.com', displayName: 'Pia Park' });
    const quinn = await createUser(directory, { userName: 'quinn@example.com', displayName: 'Quinn Quay' });
    const band = await createGroup(directory, 'Band', [{ id: pia }, { id: quinn }]);
    for (const [type, id] of [
      ['User', pia],
      ['User', quinn],
      ['Group', band],
    ] as const)
      await directory.assign(appId, type, id);
    expect((await engine.sync('ldap')).failures).toEqual([]);
    const [piaDn, quinnDn] = [`uid=pia,${server.peopleDn}`, `uid=quinn,${server.peopleDn}`];
    const bandDn = `cn=Band,${server.groupsDn}`;
    // Groups someone else keeps in the same directory.
    const outsideDn = `cn=outside-band,${server.groupsDn}`;
    const uniqueDn = `cn=outside-unique,${server.groupsDn}`;
    const admin = await server.admin();
    await admin.add(outsideDn, { objectClass: 'groupOfNames', cn: 'outside-band', member: [piaDn, quinnDn] });
    await admin.add(uniqueDn, {
      objectClass: 'groupOfUniqueNames',
      cn: 'outside-unique',
      uniqueMember: piaDn,
    });
    await admin.unbind();
    expect(sortedValues((await rawEntry(server, bandDn))?.member)).toEqual([piaDn, quinnDn]);

    // Pia leaves Band and the app: she is deleted, and Provisio takes her out of Band itself.
    await removeMember(directory, band, pia);
    await directory.unassign(appId, 'User', pia);
    expect((await engine.sync('ldap')).failures).toEqual([]);
    expect(await rawEntry(server, piaDn)).toBeUndefined();
    expect(sortedValues((await rawEntry(server, bandDn))?.member)).toEqual([quinnDn]);
    expect(sortedValues((await rawEntry(server, outsideDn))?.member)).toEqual([quinnDn]);
    expect(sortedValues((await rawEntry(server, uniqueDn))?.uniqueMember)).toEqual([
      `cn=empty-group-placeholder,${server.baseDn}`,
    ]);
    // The next cycle finds nothing left to do.
    expect((await engine.sync('ldap')).failures).toEqual([]);
    expect(sortedValues((await rawEntry(server, bandDn))?.member)).toEqual([quinnDn]);
  });
});
