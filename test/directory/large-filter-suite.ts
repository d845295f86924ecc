import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../src/scim/filter/filter-compiler.js';
import { FILTER_LIMITS, parseFilter } from '../../src/scim/filter/filter-parser.js';
import { SchemaRegistry } from '../../src/scim/schema/schema-registry.js';
import type { DirectoryStore, StoredResource } from '../../src/directory/directory-store.js';
import type { StoreFactory } from './store-harness.js';
import { useFreshStore } from './store-harness.js';
import { evaluatorView } from './filter-suite.js';
import { expectScimError } from './store-suite.js';
import { MAX_FILTER_COMPARISONS } from '../../src/directory/resources/filter-to-sql.js';

const registry = SchemaRegistry.withCoreSchemas();
const USERS = 120;

/**
 * `term(i)` joined by `joiner` for as many i as fit the parser's maximum length: the largest
 * filter of that shape the server accepts.
 */
export function longestFilter(term: (i: number) => string, joiner: string, tail = '', reserve = 0): string {
  const parts: string[] = [];
  let length = tail.length + reserve;
  for (let i = 0; ; i++) {
    const next = term(i);
    const added = next.length + (parts.length > 0 ? joiner.length : 0);
    if (length + added > FILTER_LIMITS.maxLength) break;
    parts.push(next);
    length += added;
  }
  return parts.join(joiner) + tail;
}

/**
 * Filters as long as the parser accepts (FILTER_LIMITS), which SQL would once nest a thousand
 * levels deep: each runs, and returns what the in-memory evaluator selects.
 */
export function directoryLargeFilterSuite(factory: StoreFactory): void {
  let store: DirectoryStore;
  useFreshStore(factory, (fresh) => {
    store = fresh.store;
  });

  async function seed(): Promise<{ users: StoredResource[]; groups: StoredResource[] }> {
    const users = [
      ...(await store.createMany(
        'User',
        Array.from({ length: USERS }, (_, i) => ({
          userName: `User${i}`,
          externalId: `e${i}`,
          title: `t${i % 7}`,
          active: i % 3 !== 0,
          emails: [{ value: `u${i}@Example.com`, type: i % 2 === 0 ? 'work' : 'home' }],
        })),
      )),
    ];
    const groups: StoredResource[] = [];
    for (let g = 0; g < 4; g++) {
      groups.push(
        await store.create('Group', {
          displayName: `group ${g}`,
          members: users.filter((_, i) => i % 4 === g).map((u) => ({ value: u.id })),
        }),
      );
    }
    return { users, groups };
  }

  async function check(type: 'User' | 'Group', text: string, atLeast: number): Promise<string[]> {
    expect(text.length).toBeLessThanOrEqual(FILTER_LIMITS.maxLength);
    const filter = parseFilter(text);
    const all = (await store.list(type, { startIndex: 1, count: 1000 })).resources;
    const predicate = compileFilter(filter, registry.resolver(type));
    const expected = all
      .filter((r) => predicate(evaluatorView(r)))
      .map((r) => r.id)
      .sort();
    const result = await store.list(type, { filter, startIndex: 1, count: 1000 });
    const ids = result.resources.map((r) => r.id).sort();
    expect(ids).toEqual(expected);
    expect(result.totalResults).toBe(expected.length);
    expect(ids.length).toBeGreaterThanOrEqual(atLeast);
    return ids;
  }

  describe('filters at the parser maximum', () => {
    it('refuses, with 400 invalidFilter naming the limit, more comparisons than a statement can bind', async () => {
      await seed();
      const terms = MAX_FILTER_COMPARISONS + 1;
      const text = Array.from({ length: terms }, (_, i) => `title eq "${i}"`).join(' or ');
      // Only a parser with a raised length limit accepts a filter this long.
      const filter = parseFilter(text, { maxLength: text.length });
      const detail = await expectScimError(
        store.list('User', { filter, startIndex: 1, count: 10 }),
        400,
        'invalidFilter',
      );
      expect(detail).toContain(String(MAX_FILTER_COMPARISONS));
      // At the limit it runs.
      const within = Array.from({ length: MAX_FILTER_COMPARISONS }, (_, i) => `userName eq "user${i}"`);
      const ok = await store.list('User', {
        filter: parseFilter(within.join(' or '), { maxLength: 1e7 }),
        startIndex: 1,
        count: 10,
      });
      expect(ok.totalResults).toBe(USERS);
    });

    it('runs an or-chain of userName eq as long as the parser accepts, case-insensitively', async () => {
      const { users } = await seed();
      // Every fifth term names a user (in another case), the rest name nobody.
      const text = longestFilter(
        (i) => `userName eq "${i % 5 === 0 ? `USER${i / 5}` : `nobody${i}`}"`,
        ' or ',
      );
      expect(text.split(' or ').length).toBeGreaterThan(2000);
      const ids = await check('User', text, USERS);
      expect(ids).toEqual(users.map((u) => u.id).sort());
    });

    it('runs or-chains on id, externalId and emails, and mixes of them', async () => {
      const { users } = await seed();
      const byId = longestFilter((i) => `id eq "${users[i % USERS]!.id}"`, ' or ');
      await check('User', byId, USERS);
      // externalId is case-exact: "E1" matches nobody.
      const byExternal = longestFilter((i) => `externalId eq "${i % 2 === 0 ? 'e' : 'E'}${i}"`, ' or ');
      expect(await check('User', byExternal, USERS / 2)).toHaveLength(USERS / 2);
      const byEmail = longestFilter((i) => `emails.value eq "U${i}@example.COM"`, ' or ');
      await check('User', byEmail, USERS);
      const mixed = longestFilter(
        (i) =>
          [
            `userName eq "user${i}"`,
            `externalId eq "e${i}"`,
            `emails eq "u${i}@example.com"`,
            `title eq "t${i}"`,
          ][i % 4]!,
        ' or ',
      );
      await check('User', mixed, USERS / 2);
    });

    it('runs an and-chain as long as the parser accepts', async () => {
      await seed();
      const text = longestFilter((i) => `userName ne "user${i * 7}"`, ' and ', ' and active eq true');
      expect(text.split(' and ').length).toBeGreaterThan(2000);
      await check('User', text, 50);
      const inexact = longestFilter((i) => `title ne "x${i}"`, ' and ', ' and title eq "t1"');
      await check('User', inexact, 10);
    });

    it('runs mixed and/or trees and the shortest terms, which make the most of them', async () => {
      await seed();
      const mixed = longestFilter(
        (i) => `(userName eq "user${i}" and active eq ${i % 2 === 0}) or externalId eq "e${i + 1}"`,
        ' or ',
      );
      await check('User', mixed, 50);
      const alternating = longestFilter((i) => `id pr and userName sw "user${i}"`, ' or ');
      await check('User', alternating, USERS);
      const shortest = longestFilter(() => 'id pr', ' or ');
      expect(shortest.split(' or ').length).toBeGreaterThan(7000);
      await check('User', shortest, USERS);
      const negated = longestFilter((i) => `not (title eq "t${i % 7}")`, ' or ');
      await check('User', negated, USERS);
      // Parentheses to the parser's depth around a long chain.
      const depth = FILTER_LIMITS.maxDepth;
      const inner = longestFilter((i) => `userName eq "user${i}"`, ' or ', '', 2 * depth);
      await check('User', '('.repeat(depth) + inner + ')'.repeat(depth), USERS);
    });

    it('runs value-path filters as long as the parser accepts, on emails and members', async () => {
      const { users, groups } = await seed();
      const emails = longestFilter((i) => `value eq "u${i}@example.com"`, ' or ', ']', 'emails['.length);
      await check('User', `emails[${emails}`, USERS);
      const typed = longestFilter((i) => `emails[type eq "work" and value eq "U${i}@EXAMPLE.com"]`, ' or ');
      expect(await check('User', typed, USERS / 2)).toHaveLength(USERS / 2);
      // One member of groups 1 and 3 only: the ids of users 1 and 3.
      const members = longestFilter(
        (i) => `value eq "${users[i % 2 === 0 ? 1 : 3]!.id}"`,
        ' or ',
        ']',
        'members['.length,
      );
      expect(await check('Group', `members[${members}`, 2)).toEqual([groups[1]!.id, groups[3]!.id].sort());
      const memberValues = longestFilter((i) => `members.value eq "${users[(i * 4) % USERS]!.id}"`, ' or ');
      expect(await check('Group', memberValues, 1)).toEqual([groups[0]!.id]);
    });
  });
}
