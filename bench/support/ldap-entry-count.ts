/**
 * What an LDAP benchmark run left on the server: the entries directly under the people and the
 * groups containers, and the member values of the groups (a group without `member` counts none).
 */
import type { SlapdServer } from '../../test/support/slapd/slapd-server.js';

export async function countLdapEntries(
  server: SlapdServer,
): Promise<{ users: number; groups: number; members: number }> {
  const client = await server.admin();
  try {
    const users = await client.search(server.peopleDn, {
      scope: 'one',
      attributes: ['1.1'],
      paged: { pageSize: 1000 },
    });
    const groups = await client.search(server.groupsDn, {
      scope: 'one',
      attributes: ['member'],
      paged: { pageSize: 1000 },
    });
    const members = groups.searchEntries.reduce(
      (sum, e) => sum + (Array.isArray(e.member) ? e.member.length : e.member ? 1 : 0),
      0,
    );
    return { users: users.searchEntries.length, groups: groups.searchEntries.length, members };
  } finally {
    await client.unbind();
  }
}
