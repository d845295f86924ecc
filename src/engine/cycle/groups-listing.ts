/**
 * The directory groups that list an object (a user or a nested group) as a direct member, read
 * page by page through the members side table (`members.value` runs in SQL on its index).
 */
import type { DirectoryStore } from '../../directory/directory-store.js';
import { parseFilter } from '../../scim/filter/filter-parser.js';

const PAGE = 500;

/** The ids of the groups holding `memberId` as a direct member. */
export async function groupsListing(directory: DirectoryStore, memberId: string): Promise<string[]> {
  const filter = parseFilter(`members.value eq ${JSON.stringify(memberId)}`);
  const ids: string[] = [];
  for (let startIndex = 1; ; startIndex += PAGE) {
    const page = await directory.list('Group', { filter, startIndex, count: PAGE, includeMembers: false });
    for (const group of page.resources) ids.push(group.id);
    if (page.resources.length < PAGE) return ids;
  }
}
