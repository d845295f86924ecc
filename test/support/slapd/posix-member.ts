/**
 * A user listed in a posixGroup by its uid, for the LDAP tests of what a uid change does to the
 * groups that list it: the user's entry is named by its cn (the connector's users settings must
 * say `rdnAttribute: 'cn'`), so the uid is a plain attribute.
 */
import type { Connector, TargetObject, UpdateRequest } from '../../../src/connectors/spi/index.js';
import { signal } from './ldap-test-connector.js';

export interface PosixMemberOptions {
  readonly cn: string;
  readonly uid: string;
  /** The uid the update changes it to. */
  readonly newUid: string;
  /** The cn of the posixGroup that lists the user. */
  readonly group: string;
  readonly gidNumber: number;
}

export interface PosixMember {
  readonly user: TargetObject;
  readonly group: TargetObject;
  /** The update that changes the user's uid from `uid` to `newUid` (not sent yet). */
  readonly uidChange: UpdateRequest & { objectType: 'User' };
}

export async function createPosixMember(c: Connector, options: PosixMemberOptions): Promise<PosixMember> {
  const user = await c.create(
    { objectType: 'User', attributes: { cn: options.cn, sn: 'Uid', uid: options.uid } },
    signal(),
  );
  const group = await c.create(
    {
      objectType: 'Group',
      attributes: { cn: options.group, gidNumber: options.gidNumber, memberUid: [user.name!] },
    },
    signal(),
  );
  const uidChange = {
    objectType: 'User' as const,
    ref: user,
    changes: [{ attribute: 'uid', oldValue: options.uid, newValue: options.newUid }],
  };
  return { user, group, uidChange };
}
