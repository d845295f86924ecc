/**
 * Groups through the LDAP connector against a real slapd: groupOfNames (with its placeholder for
 * an empty group), groupOfUniqueNames and posixGroup (memberUid), members added and removed
 * through the member attribute, checked on the server.
 */
import { Attribute, Change } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LdapSettings } from '../../src/connectors/ldap/index.js';
import { ConnectorError, type Connector, type TargetObject } from '../../src/connectors/spi/index.js';
import {
  openLdap,
  signal,
  slapdSettings,
  sortedValues,
  withLdapConnector,
} from '../support/slapd/ldap-test-connector.js';
import { createPosixMember } from '../support/slapd/posix-member.js';
import { rawEntry, slapdSkip, slapdTitle, useSlapd } from '../support/slapd/slapd-suite.js';
import { startTcpProxy, type TcpProxy } from '../support/slapd/tcp-proxy.js';

const slapd = useSlapd();

function withConnector<T>(groups: LdapSettings['groups'], run: (c: Connector) => Promise<T>): Promise<T> {
  const server = slapd.current();
  return withLdapConnector(server, slapdSettings(server, { groups }), run);
}

async function users(c: Connector, prefix: string, n: number): Promise<TargetObject[]> {
  const made: TargetObject[] = [];
  for (let i = 1; i <= n; i++) {
    made.push(
      await c.create(
        { objectType: 'User', attributes: { uid: `${prefix}${i}`, cn: `${prefix} ${i}`, sn: prefix } },
        signal(),
      ),
    );
  }
  return made;
}

async function setMembers(
  c: Connector,
  group: TargetObject,
  attribute: string,
  oldValue: string[],
  newValue: string[],
) {
  await c.update!(
    { objectType: 'Group', ref: group, changes: [{ attribute, oldValue, newValue }] },
    signal(),
  );
}

describe.skipIf(slapdSkip !== undefined)(slapdTitle('LDAP groups end to end (real slapd)'), () => {
  it('groupOfNames: members by DN; an empty group holds only the placeholder, never reported as a member', async () => {
    const server = slapd.current();
    const placeholder = `cn=empty-group-placeholder,${server.baseDn}`;
    await withConnector({ container: server.groupsDn, type: 'groupOfNames' }, async (c) => {
      expect(c.capabilities.membership).toEqual({
        kind: 'attribute',
        attribute: 'member',
        reference: 'name',
      });
      const [u1, u2, u3] = await users(c, 'gon', 3);
      const empty = await c.create(
        { objectType: 'Group', attributes: { cn: 'empty-team', member: [] } },
        signal(),
      );
      expect(empty.attributes.member).toEqual([]);
      expect(sortedValues((await rawEntry(server, empty.name!))?.member)).toEqual([placeholder]);

      const team = await c.create(
        { objectType: 'Group', attributes: { cn: 'team', member: [u1!.name!] } },
        signal(),
      );
      expect(sortedValues((await rawEntry(server, team.name!))?.member)).toEqual([u1!.name]);
      await setMembers(c, team, 'member', [u1!.name!], [u1!.name!, u2!.name!, u3!.name!]);
      expect(sortedValues((await rawEntry(server, team.name!))?.member)).toEqual(
        sortedValues([u1!.name, u2!.name, u3!.name]),
      );
      await setMembers(c, team, 'member', [u1!.name!, u2!.name!, u3!.name!], [u3!.name!]);
      expect(sortedValues((await rawEntry(server, team.name!))?.member)).toEqual([u3!.name]);
      // The last member leaves: the placeholder keeps the entry valid.
      await setMembers(c, team, 'member', [u3!.name!], []);
      expect(sortedValues((await rawEntry(server, team.name!))?.member)).toEqual([placeholder]);
      expect((await c.get!({ objectType: 'Group', ref: team }, signal())).attributes.member).toEqual([]);
      // The first member arrives: the placeholder goes.
      await setMembers(c, empty, 'member', [], [u2!.name!]);
      expect(sortedValues((await rawEntry(server, empty.name!))?.member)).toEqual([u2!.name]);
    });
  });

  it("redoes a member change from what the group holds when the engine's old value is stale", async () => {
    const server = slapd.current();
    await withConnector({ container: server.groupsDn, type: 'groupOfNames' }, async (c) => {
      const [u1, u2] = await users(c, 'stale', 2);
      const group = await c.create(
        { objectType: 'Group', attributes: { cn: 'stale-team', member: [u1!.name!] } },
        signal(),
      );
      // The engine believes u2 is a member (it is not) and removes it while adding u1 again.
      await setMembers(c, group, 'member', [u2!.name!], [u1!.name!]);
      expect(sortedValues((await rawEntry(server, group.name!))?.member)).toEqual([u1!.name]);
      // Adding a member that is already there, with a stale empty old value, is harmless too.
      await setMembers(c, group, 'member', [], [u1!.name!, u2!.name!]);
      expect(sortedValues((await rawEntry(server, group.name!))?.member)).toEqual(
        sortedValues([u1!.name, u2!.name]),
      );
    });
  });

  it('groupOfUniqueNames: members in uniqueMember', async () => {
    const server = slapd.current();
    await withConnector({ container: server.groupsDn, type: 'groupOfUniqueNames' }, async (c) => {
      expect(c.capabilities.membership).toMatchObject({ attribute: 'uniqueMember' });
      const [u1, u2] = await users(c, 'gun', 2);
      const group = await c.create(
        { objectType: 'Group', attributes: { cn: 'unique-team', uniqueMember: [u1!.name!, u2!.name!] } },
        signal(),
      );
      const entry = await rawEntry(server, group.name!);
      expect(sortedValues(entry?.objectClass)).toEqual(['groupOfUniqueNames']);
      expect(sortedValues(entry?.uniqueMember)).toEqual(sortedValues([u1!.name, u2!.name]));
      await setMembers(c, group, 'uniqueMember', [u1!.name!, u2!.name!], [u2!.name!]);
      expect(
        sortedValues((await c.get!({ objectType: 'Group', ref: group }, signal())).attributes.uniqueMember),
      ).toEqual([u2!.name]);
    });
  });

  it('posixGroup: the engine speaks member DNs, the server holds memberUid values; no placeholder needed', async () => {
    const server = slapd.current();
    await withConnector({ container: server.groupsDn, type: 'posixGroup' }, async (c) => {
      expect(c.capabilities.membership).toEqual({
        kind: 'attribute',
        attribute: 'memberUid',
        reference: 'name',
      });
      const [u1, u2] = await users(c, 'px', 2);
      const group = await c.create(
        { objectType: 'Group', attributes: { cn: 'posix-team', gidNumber: 5000, memberUid: [u1!.name!] } },
        signal(),
      );
      let entry = await rawEntry(server, group.name!);
      expect(sortedValues(entry?.memberUid)).toEqual(['px1']);
      expect(entry?.gidNumber).toBe('5000');
      await setMembers(c, group, 'memberUid', [u1!.name!], [u1!.name!, u2!.name!]);
      expect(sortedValues((await rawEntry(server, group.name!))?.memberUid)).toEqual(['px1', 'px2']);
      expect(
        sortedValues((await c.get!({ objectType: 'Group', ref: group }, signal())).attributes.memberUid),
      ).toEqual(sortedValues([u1!.name, u2!.name]));
      await setMembers(c, group, 'memberUid', [u1!.name!, u2!.name!], []);
      entry = await rawEntry(server, group.name!);
      expect(entry).not.toHaveProperty('memberUid');
      const empty = await c.create(
        { objectType: 'Group', attributes: { cn: 'posix-empty', gidNumber: 5001 } },
        signal(),
      );
      expect((await c.get!({ objectType: 'Group', ref: empty }, signal())).attributes.memberUid).toEqual([]);
    });
  });

  it('posixGroup: a member whose uid changes is listed by the new uid in every group that listed the old one', async () => {
    const server = slapd.current();
    const groups = { container: server.groupsDn, type: 'posixGroup' as const };
    const posix = (c: Connector, cn: string, gid: number, members: string[]) =>
      c.create({ objectType: 'Group', attributes: { cn, gidNumber: gid, memberUid: members } }, signal());
    // The uid names the entry: the update moves it, and the groups follow.
    await withConnector(groups, async (c) => {
      const [u1, u2] = await users(c, 'ren', 2);
      const both = await posix(c, 'ren-both', 5100, [u1!.name!, u2!.name!]);
      const one = await posix(c, 'ren-one', 5101, [u1!.name!]);
      const other = await posix(c, 'ren-other', 5102, [u2!.name!]);
      await c.update!(
        {
          objectType: 'User',
          ref: u1!,
          changes: [{ attribute: 'uid', oldValue: 'ren1', newValue: 'ren1-new' }],
        },
        signal(),
      );
      const moved = await c.get!({ objectType: 'User', ref: u1! }, signal());
      expect(moved.name).toBe(`uid=ren1-new,${server.peopleDn}`);
      expect(sortedValues((await rawEntry(server, both.name!))?.memberUid)).toEqual(['ren1-new', 'ren2']);
      expect(sortedValues((await rawEntry(server, one.name!))?.memberUid)).toEqual(['ren1-new']);
      expect(sortedValues((await rawEntry(server, other.name!))?.memberUid)).toEqual(['ren2']);
      // Read back, the group lists the member by its new DN.
      expect(
        sortedValues((await c.get!({ objectType: 'Group', ref: one }, signal())).attributes.memberUid),
      ).toEqual([moved.name]);
    });
    // The uid is a plain attribute (the cn names the entry): a replace, and the groups follow.
    const c = await openLdap(
      server,
      slapdSettings(server, { users: { container: server.peopleDn, rdnAttribute: 'cn' }, groups }),
    );
    try {
      const user = await c.create(
        { objectType: 'User', attributes: { cn: 'Plain Uid', sn: 'Uid', uid: 'plain1' } },
        signal(),
      );
      const single = await posix(c, 'plain-one', 5103, [user.name!]);
      // A group that already lists the new uid as well only loses the old one.
      const already = await posix(c, 'plain-already', 5104, [user.name!]);
      const client = await server.admin();
      await client.modify(already.name!, [
        new Change({
          operation: 'add',
          modification: new Attribute({ type: 'memberUid', values: ['plain2'] }),
        }),
      ]);
      await client.unbind();
      await c.update!(
        {
          objectType: 'User',
          ref: user,
          changes: [{ attribute: 'uid', oldValue: 'plain1', newValue: 'plain2' }],
        },
        signal(),
      );
      expect((await rawEntry(server, user.name!))?.uid).toBe('plain2');
      expect(sortedValues((await rawEntry(server, single.name!))?.memberUid)).toEqual(['plain2']);
      expect(sortedValues((await rawEntry(server, already.name!))?.memberUid)).toEqual(['plain2']);
    } finally {
      await c.close!();
    }
  });

  it('posixGroup: a member the old value names by a DN that is gone is no error, and its uid stays when the new DN holds it', async () => {
    const server = slapd.current();
    const c = await openLdap(
      server,
      slapdSettings(server, {
        users: { container: server.peopleDn, rdnAttribute: 'cn' },
        groups: { container: server.groupsDn, type: 'posixGroup' },
      }),
    );
    try {
      const user = await c.create(
        { objectType: 'User', attributes: { cn: 'Gone Dn', sn: 'Dn', uid: 'gonedn1' } },
        signal(),
      );
      const other = await c.create(
        { objectType: 'User', attributes: { cn: 'Gone Other', sn: 'Dn', uid: 'gonedn2' } },
        signal(),
      );
      const group = await c.create(
        {
          objectType: 'Group',
          attributes: { cn: 'gonedn-team', gidNumber: 5400, memberUid: [user.name!, other.name!] },
        },
        signal(),
      );
      // A new cn renames the entry; the uid, which the group lists, stays.
      const renamed = await c.update!(
        {
          objectType: 'User',
          ref: user,
          changes: [{ attribute: 'cn', oldValue: 'Gone Dn', newValue: 'Gone Dn Renamed' }],
        },
        signal(),
      );
      expect(renamed?.name).toBe(`cn=Gone Dn Renamed,${server.peopleDn}`);
      // The engine's old value still names the user by the DN it had.
      await setMembers(c, group, 'memberUid', [user.name!, other.name!], [renamed!.name!, other.name!]);
      expect(sortedValues((await rawEntry(server, group.name!))?.memberUid)).toEqual(['gonedn1', 'gonedn2']);
      // A member gone from the directory (deleted by someone else: a delete through the connector
      // takes the uid out of the groups itself): its uid cannot be known any more (the cn named
      // it), so the group keeps it, and the change is no error.
      const admin = await server.admin();
      await admin.del(other.name!);
      await admin.unbind();
      await setMembers(c, group, 'memberUid', [renamed!.name!, other.name!], [renamed!.name!]);
      expect(sortedValues((await rawEntry(server, group.name!))?.memberUid)).toEqual(['gonedn1', 'gonedn2']);
      // A member to add must be there.
      const error = await setMembers(c, group, 'memberUid', [renamed!.name!], [other.name!]).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: 'schema_violation' });
    } finally {
      await c.close!();
    }
  });

  it('groupOfNames: a change naming one member by two spellings of its DN leaves it in the group', async () => {
    const server = slapd.current();
    await withConnector({ container: server.groupsDn, type: 'groupOfNames' }, async (c) => {
      const [u1] = await users(c, 'spelt', 1);
      const group = await c.create(
        { objectType: 'Group', attributes: { cn: 'spelt-team', member: [u1!.name!] } },
        signal(),
      );
      await setMembers(c, group, 'member', [u1!.name!], [u1!.name!.toUpperCase()]);
      expect(sortedValues((await rawEntry(server, group.name!))?.member)).toEqual([u1!.name]);
    });
  });

  it('a renamed user is followed into groups Provisio did not write, groupOfUniqueNames as well as groupOfNames', async () => {
    const server = slapd.current();
    await withConnector({ container: server.groupsDn, type: 'groupOfNames' }, async (c) => {
      const [u1, u2] = await users(c, 'foreign-ren', 2);
      const admin = await server.admin();
      const names = `cn=foreign-ren-names,${server.groupsDn}`;
      const unique = `cn=foreign-ren-unique,${server.groupsDn}`;
      await admin.add(names, {
        objectClass: 'groupOfNames',
        cn: 'foreign-ren-names',
        member: [u1!.name!, u2!.name!],
      });
      await admin.add(unique, {
        objectClass: 'groupOfUniqueNames',
        cn: 'foreign-ren-unique',
        uniqueMember: u1!.name!,
      });
      await admin.unbind();
      const renamed = await c.update!(
        {
          objectType: 'User',
          ref: u1!,
          changes: [{ attribute: 'uid', oldValue: 'foreign-ren1', newValue: 'foreign-ren1-new' }],
        },
        signal(),
      );
      expect(renamed?.name).toBe(`uid=foreign-ren1-new,${server.peopleDn}`);
      expect(sortedValues((await rawEntry(server, names))?.member)).toEqual(
        sortedValues([renamed!.name, u2!.name]),
      );
      expect(sortedValues((await rawEntry(server, unique))?.uniqueMember)).toEqual([renamed!.name]);
    });
  });

  describe('an update retried after its group rewrite was cut off', () => {
    let proxy: TcpProxy;
    beforeAll(async () => {
      proxy = await startTcpProxy(slapd.current().port);
    });
    afterAll(() => proxy.close());

    /** A connector through the relay, so one request's connection can be cut. */
    async function throughRelay<T>(settings: Partial<LdapSettings>, run: (c: Connector) => Promise<T>) {
      const server = slapd.current();
      const c = await openLdap(
        server,
        slapdSettings(server, { url: `ldap://127.0.0.1:${proxy.port}`, poolSize: 1, ...settings }),
      );
      try {
        return await run(c);
      } finally {
        await c.close!();
      }
    }

    /** The update's error: the connection carrying the modify of `cutGroup` was lost. */
    async function failingUpdate(
      c: Connector,
      cutGroup: string,
      request: Parameters<NonNullable<Connector['update']>>[0],
    ) {
      proxy.dropOnceOn(cutGroup);
      const error = await c.update!(request, signal()).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConnectorError);
      expect((error as ConnectorError).code).toBe('unavailable');
      return error as ConnectorError;
    }

    it('groupOfNames: a renamed user is listed by its new DN in every group, whichever ref the retry names it by', async () => {
      const server = slapd.current();
      await throughRelay({ groups: { container: server.groupsDn, type: 'groupOfNames' } }, async (c) => {
        // The engine retries within the call with the ref it had (the old DN), or in a later
        // cycle with the ref the failure carried (the new DN).
        for (const retryRef of ['old', 'new'] as const) {
          const [user] = await users(c, `cut-${retryRef}-`, 1);
          const team = await c.create(
            { objectType: 'Group', attributes: { cn: `cut-${retryRef}-team`, member: [user!.name!] } },
            signal(),
          );
          const other = await c.create(
            { objectType: 'Group', attributes: { cn: `cut-${retryRef}-other`, member: [user!.name!] } },
            signal(),
          );
          const oldUid = `cut-${retryRef}-1`;
          const request = {
            objectType: 'User' as const,
            ref: user!,
            changes: [{ attribute: 'uid', oldValue: oldUid, newValue: `${oldUid}-new` }],
          };
          const newDn = `uid=${oldUid}-new,${server.peopleDn}`;
          const error = await failingUpdate(c, `cn=cut-${retryRef}-team`, request);
          // The entry moved before the group rewrite was cut off.
          expect(error.ref).toEqual({ id: user!.id, name: newDn });
          expect(sortedValues((await rawEntry(server, team.name!))?.member)).toEqual([user!.name]);

          const ref = retryRef === 'old' ? user! : error.ref!;
          await c.update!({ ...request, ref }, signal());
          expect(sortedValues((await rawEntry(server, team.name!))?.member)).toEqual([newDn]);
          expect(sortedValues((await rawEntry(server, other.name!))?.member)).toEqual([newDn]);
          expect((await c.get!({ objectType: 'User', ref: user! }, signal())).name).toBe(newDn);
        }
      });
    });

    it('groupOfNames: a former DN that names another entry by the retry keeps that entry in its groups', async () => {
      const server = slapd.current();
      await throughRelay({ groups: { container: server.groupsDn, type: 'groupOfNames' } }, async (c) => {
        const [user] = await users(c, 'taken', 1);
        const team = await c.create(
          { objectType: 'Group', attributes: { cn: 'taken-team', member: [user!.name!] } },
          signal(),
        );
        const request = {
          objectType: 'User' as const,
          ref: user!,
          changes: [{ attribute: 'uid', oldValue: 'taken1', newValue: 'taken1-new' }],
        };
        const error = await failingUpdate(c, 'cn=taken-team', request);
        // Meanwhile another user gets the old DN and a group of its own.
        const [newcomer] = await users(c, 'taken', 1);
        expect(newcomer!.name).toBe(user!.name);
        const theirs = await c.create(
          { objectType: 'Group', attributes: { cn: 'taken-theirs', member: [newcomer!.name!] } },
          signal(),
        );
        await c.update!({ ...request, ref: error.ref! }, signal());
        expect(sortedValues((await rawEntry(server, theirs.name!))?.member)).toEqual([newcomer!.name]);
        expect(sortedValues((await rawEntry(server, team.name!))?.member)).toEqual([user!.name]);
      });
    });

    it('posixGroup: a user whose uid changed is listed by the new uid once the update is retried', async () => {
      const server = slapd.current();
      const groups = { container: server.groupsDn, type: 'posixGroup' as const };
      await throughRelay({ users: { container: server.peopleDn, rdnAttribute: 'cn' }, groups }, async (c) => {
        const member = {
          cn: 'Cut Uid',
          uid: 'cutuid1',
          newUid: 'cutuid2',
          group: 'cutuid-team',
          gidNumber: 5200,
        };
        const { user, group: team, uidChange: request } = await createPosixMember(c, member);
        await failingUpdate(c, 'cn=cutuid-team', request);
        expect((await rawEntry(server, user.name!))?.uid).toBe('cutuid2');
        expect(sortedValues((await rawEntry(server, team.name!))?.memberUid)).toEqual(['cutuid1']);
        await c.update!(request, signal());
        expect(sortedValues((await rawEntry(server, team.name!))?.memberUid)).toEqual(['cutuid2']);
      });
    });

    it('posixGroup: an old uid another user holds by the retry stays in the groups that list it', async () => {
      const server = slapd.current();
      const groups = { container: server.groupsDn, type: 'posixGroup' as const };
      await throughRelay({ users: { container: server.peopleDn, rdnAttribute: 'cn' }, groups }, async (c) => {
        const member = {
          cn: 'Held Uid',
          uid: 'helduid1',
          newUid: 'helduid2',
          group: 'helduid-team',
          gidNumber: 5300,
        };
        const { group: team, uidChange: request } = await createPosixMember(c, member);
        await failingUpdate(c, 'cn=helduid-team', request);
        // Meanwhile another user takes the old uid and a group of its own.
        const newcomer = await c.create(
          { objectType: 'User', attributes: { cn: 'Held Uid Again', sn: 'Uid', uid: 'helduid1' } },
          signal(),
        );
        const theirs = await c.create(
          {
            objectType: 'Group',
            attributes: { cn: 'helduid-theirs', gidNumber: 5301, memberUid: [newcomer.name!] },
          },
          signal(),
        );
        await c.update!(request, signal());
        expect(sortedValues((await rawEntry(server, theirs.name!))?.memberUid)).toEqual(['helduid1']);
        expect(sortedValues((await rawEntry(server, team.name!))?.memberUid)).toEqual(['helduid1']);
      });
    });
  });

  it('a group is renamed and deleted like a user', async () => {
    const server = slapd.current();
    await withConnector({ container: server.groupsDn, type: 'groupOfNames' }, async (c) => {
      const group = await c.create(
        { objectType: 'Group', attributes: { cn: 'old-name', description: 'd' } },
        signal(),
      );
      await c.update!(
        {
          objectType: 'Group',
          ref: group,
          changes: [{ attribute: 'cn', oldValue: 'old-name', newValue: 'new-name' }],
        },
        signal(),
      );
      const renamed = await c.get!({ objectType: 'Group', ref: group }, signal());
      expect(renamed).toMatchObject({ id: group.id, name: `cn=new-name,${server.groupsDn}` });
      await c.delete!({ objectType: 'Group', ref: group }, signal());
      expect(await rawEntry(server, renamed.name!)).toBeUndefined();
    });
  });
});
