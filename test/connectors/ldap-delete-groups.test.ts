/**
 * A deleted user or group leaves every group that lists it, against a real slapd without the
 * refint overlay: groups Provisio did not write (added here with the admin's own client) as well
 * as its own, by DN (member, uniqueMember) and, posixGroups, by uid. A removal cut off after the
 * delete is finished by the retry. Disabling by a move is no delete: groups keep the member.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LdapSettings } from '../../src/connectors/ldap/index.js';
import { ConnectorError, type Connector, type TargetObject } from '../../src/connectors/spi/index.js';
import {
  signal,
  slapdSettings,
  sortedValues,
  withLdapConnector,
} from '../support/slapd/ldap-test-connector.js';
import { rawEntry, slapdSkip, slapdTitle, useSlapd } from '../support/slapd/slapd-suite.js';
import { startTcpProxy, type TcpProxy } from '../support/slapd/tcp-proxy.js';

const slapd = useSlapd();

function withConnector<T>(settings: Partial<LdapSettings>, run: (c: Connector) => Promise<T>) {
  const server = slapd.current();
  return withLdapConnector(server, slapdSettings(server, settings), run);
}

/** A group written by someone else than Provisio: added with the admin's client. */
async function foreignGroup(cn: string, attributes: Record<string, string | string[]>): Promise<string> {
  const server = slapd.current();
  const dn = `cn=${cn},${server.groupsDn}`;
  const client = await server.admin();
  try {
    await client.add(dn, { cn, ...attributes });
  } finally {
    await client.unbind();
  }
  return dn;
}

function user(c: Connector, attributes: Record<string, string>): Promise<TargetObject> {
  return c.create({ objectType: 'User', attributes: { sn: 'Deleted', ...attributes } }, signal());
}

async function held(dn: string, attribute: string): Promise<string[]> {
  return sortedValues((await rawEntry(slapd.current(), dn))?.[attribute]);
}

describe.skipIf(slapdSkip !== undefined)(slapdTitle('LDAP delete leaves its groups (real slapd)'), () => {
  it('a deleted user leaves every groupOfNames and groupOfUniqueNames listing it, Provisio’s or not', async () => {
    const server = slapd.current();
    const placeholder = `cn=empty-group-placeholder,${server.baseDn}`;
    await withConnector({}, async (c) => {
      const gone = await user(c, { uid: 'del1', cn: 'Del One' });
      const stays = await user(c, { uid: 'del2', cn: 'Del Two' });
      const names = await foreignGroup('del-names', {
        objectClass: 'groupOfNames',
        member: [gone.name!, stays.name!],
      });
      const unique = await foreignGroup('del-unique', {
        objectClass: 'groupOfUniqueNames',
        uniqueMember: [gone.name!, stays.name!],
      });
      // Only the deleted user: the group keeps a valid entry with the placeholder.
      const alone = await foreignGroup('del-alone', { objectClass: 'groupOfNames', member: gone.name! });
      const own = await c.create(
        { objectType: 'Group', attributes: { cn: 'del-own', member: [gone.name!, stays.name!] } },
        signal(),
      );

      await c.delete!({ objectType: 'User', ref: gone }, signal());

      expect(await rawEntry(server, gone.name!)).toBeUndefined();
      expect(await held(names, 'member')).toEqual([stays.name]);
      expect(await held(unique, 'uniqueMember')).toEqual([stays.name]);
      expect(await held(alone, 'member')).toEqual([placeholder]);
      expect(await held(own.name!, 'member')).toEqual([stays.name]);
      // The engine's own removal, later, from what it recorded, is no error.
      await c.update!(
        {
          objectType: 'Group',
          ref: own,
          changes: [{ attribute: 'member', oldValue: [gone.name!, stays.name!], newValue: [stays.name!] }],
        },
        signal(),
      );
      expect(await held(own.name!, 'member')).toEqual([stays.name]);
    });
  });

  it('groupOfUniqueNames groups: a deleted user leaves them', async () => {
    await withConnector(
      { groups: { container: slapd.current().groupsDn, type: 'groupOfUniqueNames' } },
      async (c) => {
        const gone = await user(c, { uid: 'udel1', cn: 'Udel One' });
        const stays = await user(c, { uid: 'udel2', cn: 'Udel Two' });
        const foreign = await foreignGroup('udel-foreign', {
          objectClass: 'groupOfUniqueNames',
          uniqueMember: [gone.name!, stays.name!],
        });
        const own = await c.create(
          { objectType: 'Group', attributes: { cn: 'udel-own', uniqueMember: [gone.name!, stays.name!] } },
          signal(),
        );
        await c.delete!({ objectType: 'User', ref: gone }, signal());
        expect(await held(foreign, 'uniqueMember')).toEqual([stays.name]);
        expect(await held(own.name!, 'uniqueMember')).toEqual([stays.name]);
      },
    );
  });

  it('a deleted nested group leaves the groups it is a member of', async () => {
    const server = slapd.current();
    const placeholder = `cn=empty-group-placeholder,${server.baseDn}`;
    await withConnector({}, async (c) => {
      const member = await user(c, { uid: 'nest1', cn: 'Nest One' });
      const child = await c.create(
        { objectType: 'Group', attributes: { cn: 'nest-child', member: [member.name!] } },
        signal(),
      );
      const foreignParent = await foreignGroup('nest-parent', {
        objectClass: 'groupOfNames',
        member: [child.name!, member.name!],
      });
      const ownParent = await c.create(
        { objectType: 'Group', attributes: { cn: 'nest-own-parent', member: [child.name!] } },
        signal(),
      );
      await c.delete!({ objectType: 'Group', ref: child }, signal());
      expect(await rawEntry(server, child.name!)).toBeUndefined();
      expect(await held(foreignParent, 'member')).toEqual([member.name]);
      expect(await held(ownParent.name!, 'member')).toEqual([placeholder]);
    });
  });

  it('posixGroup: a deleted user’s uid leaves memberUid, compared exactly; its DN leaves DN-valued groups', async () => {
    const server = slapd.current();
    await withConnector({ groups: { container: server.groupsDn, type: 'posixGroup' } }, async (c) => {
      const gone = await user(c, { uid: 'pdel1', cn: 'Pdel One' });
      const stays = await user(c, { uid: 'pdel2', cn: 'Pdel Two' });
      // memberUid matches exactly (caseExactIA5Match): PDEL1 is another account's uid.
      const foreign = await foreignGroup('pdel-foreign', {
        objectClass: 'posixGroup',
        gidNumber: '6100',
        memberUid: ['pdel1', 'pdel2', 'PDEL1'],
      });
      const own = await c.create(
        { objectType: 'Group', attributes: { cn: 'pdel-own', gidNumber: 6101, memberUid: [gone.name!] } },
        signal(),
      );
      const names = await foreignGroup('pdel-names', {
        objectClass: 'groupOfNames',
        member: [gone.name!, stays.name!],
      });
      await c.delete!({ objectType: 'User', ref: gone }, signal());
      expect(await held(foreign, 'memberUid')).toEqual(['PDEL1', 'pdel2']);
      expect(await held(own.name!, 'memberUid')).toEqual([]);
      expect(await held(names, 'member')).toEqual([stays.name]);
    });
  });

  it('posixGroup: a uid another remaining user holds stays; one held only in another case goes', async () => {
    const server = slapd.current();
    const settings = {
      users: { container: server.peopleDn, rdnAttribute: 'cn' },
      groups: { container: server.groupsDn, type: 'posixGroup' as const },
    };
    await withConnector(settings, async (c) => {
      const first = await user(c, { cn: 'Shared Uid One', uid: 'shareduid' });
      const second = await user(c, { cn: 'Shared Uid Two', uid: 'shareduid' });
      const cased = await user(c, { cn: 'Cased Uid', uid: 'caseduid' });
      await user(c, { cn: 'Cased Uid Upper', uid: 'CASEDUID' });
      const group = await foreignGroup('shared-foreign', {
        objectClass: 'posixGroup',
        gidNumber: '6200',
        memberUid: ['shareduid', 'caseduid'],
      });
      await c.delete!({ objectType: 'User', ref: first }, signal());
      // The other user still holds the uid: memberUid names that account too.
      expect(await held(group, 'memberUid')).toEqual(['caseduid', 'shareduid']);
      await c.delete!({ objectType: 'User', ref: second }, signal());
      expect(await held(group, 'memberUid')).toEqual(['caseduid']);
      // CASEDUID (the uid attribute matches it regardless of case) is not the value memberUid holds.
      await c.delete!({ objectType: 'User', ref: cased }, signal());
      expect(await held(group, 'memberUid')).toEqual([]);
    });
  });

  it('disabling by a move to the disabled container is no delete: the groups keep the member', async () => {
    const server = slapd.current();
    const users = {
      container: server.peopleDn,
      rdnAttribute: 'uid',
      disable: { strategy: 'container' as const, container: `ou=disabled,${server.baseDn}` },
    };
    const admin = await server.admin();
    await admin.add(`ou=disabled,${server.baseDn}`, { objectClass: 'organizationalUnit', ou: 'disabled' });
    await admin.unbind();
    await withConnector({ users }, async (c) => {
      const member = await user(c, { uid: 'dis1', cn: 'Dis One' });
      const group = await foreignGroup('dis-foreign', { objectClass: 'groupOfNames', member: member.name! });
      await c.setEnabled!({ objectType: 'User', ref: member, enabled: false }, signal());
      expect(await held(group, 'member')).toEqual([member.name]);
      await c.setEnabled!({ objectType: 'User', ref: member, enabled: true }, signal());
      expect(await held(group, 'member')).toEqual([member.name]);
    });
  });

  describe('a delete whose group removal was cut off', () => {
    let proxy: TcpProxy;
    beforeAll(async () => {
      proxy = await startTcpProxy(slapd.current().port);
    });
    afterAll(() => proxy.close());

    async function throughRelay<T>(settings: Partial<LdapSettings>, run: (c: Connector) => Promise<T>) {
      return withConnector({ url: `ldap://127.0.0.1:${proxy.port}`, poolSize: 1, ...settings }, run);
    }

    /** The delete's error: the connection carrying the modify of `cutGroup` was lost. */
    async function failingDelete(c: Connector, cutGroup: string, ref: TargetObject) {
      proxy.dropOnceOn(cutGroup);
      const error = await c.delete!({ objectType: 'User', ref }, signal()).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConnectorError);
      expect((error as ConnectorError).code).toBe('unavailable');
    }

    it('groupOfNames: the retry finds the entry gone and still empties its groups', async () => {
      const server = slapd.current();
      await throughRelay({}, async (c) => {
        const gone = await user(c, { uid: 'cutdel1', cn: 'Cut Del' });
        const stays = await user(c, { uid: 'cutdel2', cn: 'Cut Stays' });
        const group = await foreignGroup('cutdel-team', {
          objectClass: 'groupOfNames',
          member: [gone.name!, stays.name!],
        });
        await failingDelete(c, 'cn=cutdel-team', gone);
        expect(await rawEntry(server, gone.name!)).toBeUndefined();
        expect(await held(group, 'member')).toEqual(sortedValues([gone.name, stays.name]));
        // The engine retries; already gone is what a delete wants, and the groups are emptied.
        await expect(c.delete!({ objectType: 'User', ref: gone }, signal())).rejects.toMatchObject({
          code: 'not_found',
        });
        expect(await held(group, 'member')).toEqual([stays.name]);
      });
    });

    it('groupOfNames: a DN another entry holds by the retry keeps that entry in its groups', async () => {
      await throughRelay({}, async (c) => {
        const gone = await user(c, { uid: 'retaken1', cn: 'Retaken' });
        const group = await foreignGroup('retaken-team', {
          objectClass: 'groupOfNames',
          member: gone.name!,
        });
        await failingDelete(c, 'cn=retaken-team', gone);
        // Meanwhile another user gets the DN (and so, by DN, the group).
        const newcomer = await user(c, { uid: 'retaken1', cn: 'Retaken Again' });
        expect(newcomer.name).toBe(gone.name);
        // The retry finds the deleted entry gone and leaves the newcomer's group alone.
        await expect(c.delete!({ objectType: 'User', ref: gone }, signal())).rejects.toMatchObject({
          code: 'not_found',
        });
        expect(await held(group, 'member')).toEqual([newcomer.name]);
      });
    });

    it('posixGroup: the retry removes the uid even when the DN does not name it', async () => {
      const server = slapd.current();
      const settings = {
        users: { container: server.peopleDn, rdnAttribute: 'cn' },
        groups: { container: server.groupsDn, type: 'posixGroup' as const },
      };
      await throughRelay(settings, async (c) => {
        const gone = await user(c, { cn: 'Cut Posix', uid: 'cutposix1' });
        const group = await foreignGroup('cutposix-team', {
          objectClass: 'posixGroup',
          gidNumber: '6300',
          memberUid: ['cutposix1', 'cutposix2'],
        });
        await failingDelete(c, 'cn=cutposix-team', gone);
        expect(await held(group, 'memberUid')).toEqual(['cutposix1', 'cutposix2']);
        await expect(c.delete!({ objectType: 'User', ref: gone }, signal())).rejects.toMatchObject({
          code: 'not_found',
        });
        expect(await held(group, 'memberUid')).toEqual(['cutposix2']);
      });
    });
  });
});
