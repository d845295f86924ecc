/**
 * Users through the LDAP connector against a real slapd, checked on the server itself: create,
 * update, rename and move (modify DN, the entryUUID anchor unchanged), every disable strategy,
 * delete, and the errors the server answers.
 */
import { Client } from 'ldapts';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LdapSettings } from '../../src/connectors/ldap/index.js';
import type { Connector } from '../../src/connectors/spi/index.js';
import {
  signal,
  slapdSettings,
  sortedValues,
  withLdapConnector,
} from '../support/slapd/ldap-test-connector.js';
import { ldapsearch, rawEntry, slapdSkip, slapdTitle, useSlapd } from '../support/slapd/slapd-suite.js';
import type { SlapdServer } from '../support/slapd/slapd-server.js';

const slapd = useSlapd();

const byDepartment = (server: SlapdServer): LdapSettings['users'] => ({
  container: {
    attribute: 'departmentNumber',
    containers: { Sales: `ou=sales,${server.peopleDn}`, Engineering: `ou=engineering,${server.peopleDn}` },
    default: server.peopleDn,
  },
  rdnAttribute: 'uid',
  disable: { strategy: 'attribute', attribute: 'pwdAccountLockedTime', disabledValue: '000001010000Z' },
});

function withConnector<T>(
  settings: LdapSettings,
  run: (c: Connector) => Promise<T>,
  password?: string,
): Promise<T> {
  return withLdapConnector(slapd.current(), settings, run, password);
}

/** Binds as a user with a password: true when the server accepts it. */
async function canBind(server: SlapdServer, dn: string, password: string): Promise<boolean> {
  const client = new Client({ url: server.url, timeout: 5000 });
  try {
    await client.bind(dn, password);
    return true;
  } catch {
    return false;
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/** The user attributes of an entry (no operational ones), values as arrays, names lower-cased. */
function userAttributes(entry: Record<string, unknown> | undefined) {
  if (entry === undefined) return undefined;
  return Object.fromEntries(
    Object.entries(entry)
      .filter(
        ([key]) =>
          key !== 'dn' &&
          key !== '*' &&
          key !== '+' &&
          !/^(entryUUID|entryCSN|creatorsName|createTimestamp|modifiersName|modifyTimestamp|structuralObjectClass|subschemaSubentry|hasSubordinates|entryDN|pwdChangedTime|pwdAccountLockedTime)$/i.test(
            key,
          ),
      )
      .map(([key, value]) => [
        key.toLowerCase(),
        (Array.isArray(value) ? value : [value]).map(String).sort(),
      ]),
  );
}

describe.skipIf(slapdSkip !== undefined)(slapdTitle('LDAP users end to end (real slapd)'), () => {
  beforeAll(async () => {
    const server = slapd.current();
    const admin = await server.admin();
    for (const ou of ['sales', 'engineering'])
      await admin.add(`ou=${ou},${server.peopleDn}`, { objectClass: 'organizationalUnit', ou });
    await admin.add(`ou=disabled,${server.baseDn}`, { objectClass: 'organizationalUnit', ou: 'disabled' });
    await admin.unbind();
  });

  it('creates an inetOrgPerson in its department OU with exactly the mapped attributes and a working password', async () => {
    const server = slapd.current();
    await withConnector(slapdSettings(server, { users: byDepartment(server) }), async (c) => {
      const created = await c.create(
        {
          objectType: 'User',
          attributes: {
            uid: 'ann',
            cn: 'Ann Example',
            sn: 'Example',
            givenName: 'Ann',
            mail: ['ann@example.test', 'a.example@example.test'],
            title: 'Engineer',
            departmentNumber: 'Sales',
            userPassword: 'Initial-Pa55',
          },
        },
        signal(),
      );
      expect(created.name).toBe(`uid=ann,ou=sales,${server.peopleDn}`);
      expect(created.enabled).toBe(true);
      expect(created.attributes).not.toHaveProperty('userPassword');
      const entry = await rawEntry(server, created.name!);
      expect(entry?.entryUUID).toBe(created.id);
      expect(userAttributes(entry)).toEqual({
        objectclass: ['inetOrgPerson'],
        uid: ['ann'],
        cn: ['Ann Example'],
        sn: ['Example'],
        givenname: ['Ann'],
        mail: ['a.example@example.test', 'ann@example.test'],
        title: ['Engineer'],
        departmentnumber: ['Sales'],
        userpassword: ['Initial-Pa55'],
      });
      expect(await canBind(server, created.name!, 'Initial-Pa55')).toBe(true);
      // ldapsearch (ldap-utils) sees the same entry.
      const ldif = ldapsearch(server, server.peopleDn, '(uid=ann)', 'uid', 'title', 'departmentNumber');
      expect(ldif).toContain(`dn: uid=ann,ou=sales,${server.peopleDn}`);
      expect(ldif).toContain('title: Engineer');
      expect(ldif).toContain('departmentNumber: Sales');
    });
  });

  it('updates only what changed, removes cleared attributes and handles multi-valued ones', async () => {
    const server = slapd.current();
    await withConnector(slapdSettings(server, { users: byDepartment(server) }), async (c) => {
      const created = await c.create(
        {
          objectType: 'User',
          attributes: {
            uid: 'ben',
            cn: 'Ben',
            sn: 'B',
            mail: 'ben@example.test',
            title: 'Intern',
            description: 'keep me',
          },
        },
        signal(),
      );
      await c.update!(
        {
          objectType: 'User',
          ref: created,
          changes: [
            { attribute: 'title', oldValue: 'Intern', newValue: 'Engineer' },
            {
              attribute: 'mail',
              oldValue: 'ben@example.test',
              newValue: ['ben@example.test', 'b@example.test'],
            },
            { attribute: 'telephoneNumber', oldValue: null, newValue: '+1 555 0100' },
          ],
        },
        signal(),
      );
      let entry = userAttributes(await rawEntry(server, created.name!));
      expect(entry).toMatchObject({
        title: ['Engineer'],
        mail: ['b@example.test', 'ben@example.test'],
        telephonenumber: ['+1 555 0100'],
        description: ['keep me'],
      });
      await c.update!(
        {
          objectType: 'User',
          ref: created,
          changes: [
            {
              attribute: 'mail',
              oldValue: ['ben@example.test', 'b@example.test'],
              newValue: 'b@example.test',
            },
            { attribute: 'telephoneNumber', oldValue: '+1 555 0100', newValue: null },
            // Clearing what the server never held is not an error (the engine's view may lag).
            { attribute: 'roomNumber', oldValue: '12', newValue: null },
          ],
        },
        signal(),
      );
      entry = userAttributes(await rawEntry(server, created.name!));
      expect(entry?.mail).toEqual(['b@example.test']);
      expect(entry).not.toHaveProperty('telephonenumber');
      expect(entry).not.toHaveProperty('roomnumber');
      expect(entry?.description).toEqual(['keep me']);
    });
  });

  it('renames when the RDN attribute changes and moves when the department changes; the id stays', async () => {
    const server = slapd.current();
    await withConnector(slapdSettings(server, { users: byDepartment(server) }), async (c) => {
      const created = await c.create(
        { objectType: 'User', attributes: { uid: 'cara', cn: 'Cara', sn: 'C', departmentNumber: 'Sales' } },
        signal(),
      );
      await c.update!(
        {
          objectType: 'User',
          ref: created,
          changes: [{ attribute: 'uid', oldValue: 'cara', newValue: 'cara.c' }],
        },
        signal(),
      );
      const renamed = await c.get!({ objectType: 'User', ref: created }, signal());
      expect(renamed.id).toBe(created.id);
      expect(renamed.name).toBe(`uid=cara.c,ou=sales,${server.peopleDn}`);
      expect(renamed.attributes.uid).toBe('cara.c');
      expect(await rawEntry(server, created.name!)).toBeUndefined();

      await c.update!(
        {
          objectType: 'User',
          ref: created,
          changes: [
            { attribute: 'departmentNumber', oldValue: 'Sales', newValue: 'Engineering' },
            { attribute: 'title', oldValue: null, newValue: 'Dev' },
          ],
        },
        signal(),
      );
      const moved = await c.get!({ objectType: 'User', ref: created }, signal());
      expect(moved.name).toBe(`uid=cara.c,ou=engineering,${server.peopleDn}`);
      const entry = await rawEntry(server, moved.name!);
      expect(entry?.entryUUID).toBe(created.id);
      expect(entry?.departmentNumber).toBe('Engineering');
      expect(entry?.title).toBe('Dev');

      // An unknown department falls back to the default container.
      await c.update!(
        {
          objectType: 'User',
          ref: moved,
          changes: [{ attribute: 'departmentNumber', oldValue: 'Engineering', newValue: 'Legal' }],
        },
        signal(),
      );
      expect((await c.get!({ objectType: 'User', ref: created }, signal())).name).toBe(
        `uid=cara.c,${server.peopleDn}`,
      );

      const ref = await c.rename!(
        { objectType: 'User', ref: created, newName: `uid=cara.renamed,ou=sales,${server.peopleDn}` },
        signal(),
      );
      expect(ref).toEqual({ id: created.id, name: `uid=cara.renamed,ou=sales,${server.peopleDn}` });
      expect((await rawEntry(server, ref.name!))?.uid).toBe('cara.renamed');
    });
  });

  it('takes the DN from a mapping attribute when dnAttribute is set, and moves the entry when it changes', async () => {
    const server = slapd.current();
    const users = {
      container: server.peopleDn,
      dnAttribute: 'dn',
      objectClasses: ['inetOrgPerson', 'posixAccount'],
    };
    await withConnector(slapdSettings(server, { users }), async (c) => {
      const dn = `uid=lee,ou=engineering,${server.peopleDn}`;
      const created = await c.create(
        {
          objectType: 'User',
          attributes: {
            dn,
            uid: 'lee',
            cn: 'Lee',
            sn: 'L',
            uidNumber: 1001,
            gidNumber: 1001,
            homeDirectory: '/home/lee',
          },
        },
        signal(),
      );
      expect(created.name).toBe(dn);
      const entry = await rawEntry(server, dn);
      expect(sortedValues(entry?.objectClass)).toEqual(['inetOrgPerson', 'posixAccount']);
      // `dn` is no LDAP attribute (had it been sent, slapd would have refused the add); it reads
      // back as the entry's DN.
      expect((await c.get!({ objectType: 'User', ref: created }, signal())).attributes.dn).toBe(dn);
      expect(entry?.uidNumber).toBe('1001');
      const moved = `uid=lee,ou=sales,${server.peopleDn}`;
      await c.update!(
        { objectType: 'User', ref: created, changes: [{ attribute: 'dn', oldValue: dn, newValue: moved }] },
        signal(),
      );
      expect((await rawEntry(server, moved))?.entryUUID).toBe(created.id);
      expect(await rawEntry(server, dn)).toBeUndefined();
    });
  });

  it('finds an entry renamed behind its back by the anchor, and never writes to another entry at the old DN', async () => {
    const server = slapd.current();
    const settings = slapdSettings(server, { users: byDepartment(server) });
    const created = await withConnector(settings, (c) =>
      c.create({ objectType: 'User', attributes: { uid: 'dan', cn: 'Dan', sn: 'D' } }, signal()),
    );
    const admin = await server.admin();
    await admin.modifyDN(created.name!, `uid=dan.moved,ou=engineering,${server.peopleDn}`);
    // Someone else's entry now sits at the DN the engine remembers.
    await admin.add(created.name!, {
      objectClass: 'inetOrgPerson',
      uid: 'dan',
      cn: 'Another Dan',
      sn: 'Other',
    });
    await admin.unbind();
    await withConnector(settings, async (c) => {
      await c.update!(
        {
          objectType: 'User',
          ref: created,
          changes: [{ attribute: 'title', oldValue: null, newValue: 'Moved' }],
        },
        signal(),
      );
    });
    expect((await rawEntry(server, `uid=dan.moved,ou=engineering,${server.peopleDn}`))?.title).toBe('Moved');
    const other = await rawEntry(server, created.name!);
    expect(other?.cn).toBe('Another Dan');
    expect(other).not.toHaveProperty('title');
  });

  it('disables with ppolicy pwdAccountLockedTime: the account cannot bind until enabled again', async () => {
    const server = slapd.current();
    await withConnector(slapdSettings(server, { users: byDepartment(server) }), async (c) => {
      const created = await c.create(
        { objectType: 'User', attributes: { uid: 'eve', cn: 'Eve', sn: 'E', userPassword: 'Eve-Pa55' } },
        signal(),
      );
      expect(await canBind(server, created.name!, 'Eve-Pa55')).toBe(true);
      await c.setEnabled!({ objectType: 'User', ref: created, enabled: false }, signal());
      expect((await rawEntry(server, created.name!))?.pwdAccountLockedTime).toBe('000001010000Z');
      expect(await canBind(server, created.name!, 'Eve-Pa55')).toBe(false);
      expect((await c.get!({ objectType: 'User', ref: created }, signal())).enabled).toBe(false);
      await c.setEnabled!({ objectType: 'User', ref: created, enabled: true }, signal());
      expect(await rawEntry(server, created.name!)).not.toHaveProperty('pwdAccountLockedTime');
      expect(await canBind(server, created.name!, 'Eve-Pa55')).toBe(true);
    });
  });

  it('disables by moving to a disabled container, and enables back to where its attributes place it', async () => {
    const server = slapd.current();
    const users = {
      ...byDepartment(server)!,
      disable: { strategy: 'container' as const, container: `ou=disabled,${server.baseDn}` },
    };
    await withConnector(slapdSettings(server, { users }), async (c) => {
      const created = await c.create(
        {
          objectType: 'User',
          attributes: { uid: 'finn', cn: 'Finn', sn: 'F', departmentNumber: 'Engineering' },
        },
        signal(),
      );
      await c.setEnabled!({ objectType: 'User', ref: created, enabled: false }, signal());
      const disabled = await c.get!({ objectType: 'User', ref: created }, signal());
      expect(disabled).toMatchObject({
        id: created.id,
        name: `uid=finn,ou=disabled,${server.baseDn}`,
        enabled: false,
      });
      expect(await rawEntry(server, created.name!)).toBeUndefined();
      await c.setEnabled!({ objectType: 'User', ref: created, enabled: true }, signal());
      expect(await c.get!({ objectType: 'User', ref: created }, signal())).toMatchObject({
        name: created.name,
        enabled: true,
      });
      const born = await c.create(
        { objectType: 'User', attributes: { uid: 'gil', cn: 'Gil', sn: 'G' }, enabled: false },
        signal(),
      );
      expect(born.name).toBe(`uid=gil,ou=disabled,${server.baseDn}`);
    });
  });

  it('disables with a custom attribute and value', async () => {
    const server = slapd.current();
    const users = {
      ...byDepartment(server)!,
      disable: {
        strategy: 'attribute' as const,
        attribute: 'employeeType',
        disabledValue: 'disabled',
        enabledValue: 'active',
      },
    };
    await withConnector(slapdSettings(server, { users }), async (c) => {
      const created = await c.create(
        { objectType: 'User', attributes: { uid: 'hal', cn: 'Hal', sn: 'H' } },
        signal(),
      );
      await c.setEnabled!({ objectType: 'User', ref: created, enabled: false }, signal());
      expect((await rawEntry(server, created.name!))?.employeeType).toBe('disabled');
      await c.setEnabled!({ objectType: 'User', ref: created, enabled: true }, signal());
      expect((await rawEntry(server, created.name!))?.employeeType).toBe('active');
    });
  });

  it('without a disable strategy there is no setEnabled: the engine deletes instead', async () => {
    const server = slapd.current();
    await withConnector(slapdSettings(server, { groups: undefined }), async (c) => {
      expect(c.capabilities.disable).toBe(false);
      expect(c.setEnabled).toBeUndefined();
      const created = await c.create(
        { objectType: 'User', attributes: { uid: 'ivy', cn: 'Ivy', sn: 'I' } },
        signal(),
      );
      await c.delete!({ objectType: 'User', ref: created }, signal());
      expect(await rawEntry(server, created.name!)).toBeUndefined();
      await expect(c.delete!({ objectType: 'User', ref: created }, signal())).rejects.toMatchObject({
        code: 'not_found',
      });
      await expect(c.get!({ objectType: 'User', ref: created }, signal())).rejects.toMatchObject({
        code: 'not_found',
      });
    });
  });

  it('maps the server errors: schema, duplicate DN, access rights, credentials; a password never shows in an error', async () => {
    const server = slapd.current();
    const settings = slapdSettings(server);
    await withConnector(settings, async (c) => {
      const failed = await c
        .create(
          {
            objectType: 'User',
            attributes: { uid: 'jo', cn: 'Jo', userPassword: 'Secret-Pa55-Never-Shown' },
          },
          signal(),
        )
        .catch((error: unknown) => error);
      expect(failed).toMatchObject({ code: 'schema_violation', targetCode: 65 });
      expect(JSON.stringify({ ...(failed as object), message: (failed as Error).message })).not.toContain(
        'Secret-Pa55',
      );
      await c.create({ objectType: 'User', attributes: { uid: 'jo', cn: 'Jo', sn: 'J' } }, signal());
      await expect(
        c.create({ objectType: 'User', attributes: { uid: 'jo', cn: 'Jo 2', sn: 'J' } }, signal()),
      ).rejects.toMatchObject({
        code: 'already_exists',
        targetCode: 68,
      });
    });
    await withConnector(
      { ...settings, bindDn: server.readerDn },
      async (c) => {
        await c.testConnection(signal());
        await expect(
          c.create({ objectType: 'User', attributes: { uid: 'kay', cn: 'Kay', sn: 'K' } }, signal()),
        ).rejects.toMatchObject({
          code: 'permission_denied',
          targetCode: 50,
        });
      },
      server.readerPassword,
    );
    await withConnector(
      settings,
      async (c) => {
        const error = await c.testConnection(signal()).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 'invalid_credentials', targetCode: 49 });
        expect(String((error as Error).message)).not.toContain('wrong-password');
      },
      'wrong-password',
    );
  });
});
