/**
 * The directory user that a command or request names: by directory id first, else by userName
 * (case-insensitive, as SCIM compares it), with the groups it is in (scope and mappings read them).
 * Provision on demand and expression evaluation against a user both look users up this way.
 */
import type { DirectoryStore, StoredResource } from '../../directory/directory-store.js';
import { parseFilter } from '../../scim/filter/filter-parser.js';

/** A user by directory id, else by userName (case-insensitive, as SCIM compares it). */
export async function findUser(
  directory: Pick<DirectoryStore, 'get' | 'list'>,
  ref: string,
): Promise<StoredResource | undefined> {
  const options = { includeMembers: false, includeGroups: true };
  const byId = await directory.get('User', ref, options);
  if (byId !== undefined) return byId;
  const filter = parseFilter(`userName eq ${JSON.stringify(ref)}`);
  return (await directory.list('User', { filter, startIndex: 1, count: 1, ...options })).resources[0];
}
