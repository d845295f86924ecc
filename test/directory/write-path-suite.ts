import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/shared/json.js';
import { parseFilter } from '../../src/scim/filter/filter-parser.js';
import type { DirectoryStore } from '../../src/directory/directory-store.js';
import type { StoreFactory, StoreHandle } from './store-harness.js';
import { useFreshStore } from './store-harness.js';
import { expectScimError, filterIds } from './store-suite.js';

/**
 * The hot write and read paths: statements per operation, page-wide `groups`, and concurrent
 * writers sharing commits (SQLite group commit) without one failure affecting the others.
 */
export function directoryWritePathSuite(factory: StoreFactory): void {
  let handle: StoreHandle;
  let store: DirectoryStore;
  useFreshStore(factory, (fresh) => {
    handle = fresh;
    store = fresh.store;
  });

  describe('hot paths', () => {
    it('computes groups for a whole list page in one statement, direct and indirect', async () => {
      const statements: string[] = [];
      const s = await handle.reopen({ onQuery: (text) => statements.push(text) });
      const users = await s.createMany(
        'User',
        Array.from({ length: 30 }, (_, i) => ({ userName: `page${String(i).padStart(2, '0')}` })),
      );
      const inner = await s.create('Group', {
        displayName: 'Inner',
        members: users.slice(0, 10).map((u) => ({ value: u.id })),
      });
      const outer = await s.create('Group', {
        displayName: 'Outer',
        members: [{ value: inner.id, type: 'Group' }, { value: users[20]!.id }],
      });
      statements.length = 0;
      const page = await s.list('User', { startIndex: 1, count: 100 });
      expect(page.totalResults).toBe(30);
      expect(statements.length).toBeLessThanOrEqual(3);
      const byId = new Map(
        page.resources.map((r) => [r.id, r.attributes.groups as JsonObject[] | undefined]),
      );
      const sortGroups = (groups: JsonObject[] | undefined) =>
        [...(groups ?? [])].sort((a, b) => String(a.value).localeCompare(String(b.value)));
      for (const [i, u] of users.entries()) {
        const expected: JsonObject[] =
          i < 10
            ? [
                { value: inner.id, display: 'Inner', type: 'direct' },
                { value: outer.id, display: 'Outer', type: 'indirect' },
              ]
            : i === 20
              ? [{ value: outer.id, display: 'Outer', type: 'direct' }]
              : [];
        expect(sortGroups(byId.get(u.id))).toEqual(sortGroups(expected));
        // The page agrees with a single read.
        const single = await s.get('User', u.id);
        expect(sortGroups(single?.attributes.groups as JsonObject[] | undefined)).toEqual(
          sortGroups(expected),
        );
      }
    });

    it('checks for a nesting cycle when a group joins an existing group, not when a new group is created', async () => {
      const statements: string[] = [];
      const s = await handle.reopen({ onQuery: (text) => statements.push(text) });
      const inner = await s.create('Group', { displayName: 'Nested inner' });
      statements.length = 0;
      const outer = await s.create('Group', {
        displayName: 'Nested outer',
        members: [{ value: inner.id, type: 'Group' }],
      });
      expect(outer.attributes.members).toHaveLength(1);
      const cycleChecks = () => statements.filter((text) => /with recursive inside/i.test(text)).length;
      expect(cycleChecks()).toBe(0);
      const third = await s.create('Group', { displayName: 'Nested third' });
      statements.length = 0;
      await s.patch('Group', third.id, [{ op: 'add', path: 'members', value: [{ value: outer.id }] }]);
      expect(cycleChecks()).toBe(1);
    });

    it('leaves email rows alone when a PATCH does not change emails, and rewrites them when it does', async () => {
      const statements: string[] = [];
      const s = await handle.reopen({ onQuery: (text) => statements.push(text) });
      const u = await s.create('User', {
        userName: 'mailer',
        emails: [{ value: 'Mailer@Example.com', type: 'work', primary: true }],
      });
      statements.length = 0;
      await s.patch('User', u.id, [{ op: 'replace', path: 'displayName', value: 'M' }], {
        includeGroups: false,
      });
      await s.patch('User', u.id, [{ op: 'Replace', value: { active: 'False' } }], { includeGroups: false });
      expect(statements.some((text) => text.includes('resource_emails'))).toBe(false);
      expect(await filterIds(s, 'User', 'emails.value eq "mailer@example.com"')).toEqual([u.id]);
      await s.patch('User', u.id, [
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'new@example.com' },
      ]);
      expect(await filterIds(s, 'User', 'emails.value eq "mailer@example.com"')).toEqual([]);
      expect(await filterIds(s, 'User', 'emails.value eq "NEW@example.com"')).toEqual([u.id]);
      await s.patch('User', u.id, [{ op: 'replace', path: 'emails[type eq "work"].primary', value: false }]);
      expect(await filterIds(s, 'User', 'emails[primary eq true]')).toEqual([]);
    });

    it('answers a userName lookup with one indexed statement, plus the groups statement only for a group member', async () => {
      const statements: string[] = [];
      const s = await handle.reopen({ onQuery: (text) => statements.push(text) });
      const [target, member] = await s.createMany('User', [{ userName: 'Lookup' }, { userName: 'member' }]);
      const group = await s.create('Group', {
        displayName: 'lookup group',
        members: [{ value: member!.id }],
      });
      const lookup = (userName: string) =>
        s.list('User', { filter: parseFilter(`userName eq "${userName}"`), startIndex: 1, count: 100 });

      statements.length = 0;
      const result = await lookup('LOOKUP');
      expect(result.resources.map((r) => r.id)).toEqual([target!.id]);
      expect(result.resources[0]!.attributes.groups).toBeUndefined();
      expect(statements).toHaveLength(1);
      expect(statements.some((text) => /count\(/i.test(text))).toBe(false);

      statements.length = 0;
      const withGroups = await lookup('member');
      expect(withGroups.resources[0]!.attributes.groups).toEqual([
        { value: group.id, display: 'lookup group', type: 'direct' },
      ]);
      expect(statements).toHaveLength(2);
    });

    it('answers a lookup by a unique column from one prepared statement, with the paging of any list', async () => {
      const statements: string[] = [];
      const s = await handle.reopen({ onQuery: (text) => statements.push(text) });
      const [ada] = await s.createMany('User', [{ userName: 'Ada' }, { userName: 'Grace' }]);
      const admins = await s.create('Group', { displayName: 'Admins' });
      await s.create('Group', { displayName: 'Auditors' });
      const find = (type: 'User' | 'Group', filter: string, startIndex = 1, count = 100) =>
        s.list(type, { filter: parseFilter(filter), startIndex, count });
      const ids = async (type: 'User' | 'Group', filter: string) =>
        (await find(type, filter)).resources.map((r) => r.id);

      statements.length = 0;
      expect(await ids('Group', 'displayName eq "ADMINS"')).toEqual([admins.id]);
      expect(
        await ids('Group', 'urn:ietf:params:scim:schemas:core:2.0:Group:displayName eq "admins"'),
      ).toEqual([admins.id]);
      expect(await ids('User', `id eq "${ada!.id}"`)).toEqual([ada!.id]);
      expect(await ids('Group', `id eq "${ada!.id}"`)).toEqual([]);
      expect(await ids('User', 'userName eq "nobody"')).toEqual([]);
      // The same text each time: the statement is prepared once, not built per request.
      const lookups = statements.filter((text) => /from resources as r where/i.test(text));
      expect(lookups).toHaveLength(5);
      expect(new Set(lookups.filter((text) => /display_name/.test(text))).size).toBe(1);
      expect(lookups.every((text) => !/limit|offset|order by/i.test(text))).toBe(true);

      const second = await find('User', 'userName eq "ada"', 2);
      expect(second.totalResults).toBe(1);
      expect(second.resources).toEqual([]);
      const none = await find('User', 'userName eq "ada"', 1, 0);
      expect(none.totalResults).toBe(1);
      expect(none.resources).toEqual([]);
      // A user's displayName is not unique: that stays a general query.
      statements.length = 0;
      expect(await ids('User', 'displayName eq "x"')).toEqual([]);
      expect(statements.some((text) => /limit/i.test(text))).toBe(true);
    });

    it('reads a user outside every group with one statement, and a member with its groups', async () => {
      const statements: string[] = [];
      const s = await handle.reopen({ onQuery: (text) => statements.push(text) });
      const [loner, member] = await s.createMany('User', [{ userName: 'loner' }, { userName: 'joiner' }]);
      const group = await s.create('Group', { displayName: 'joined', members: [{ value: member!.id }] });

      statements.length = 0;
      expect((await s.get('User', loner!.id))?.attributes.groups).toBeUndefined();
      expect(statements).toHaveLength(1);
      expect((await s.get('User', member!.id))?.attributes.groups).toEqual([
        { value: group.id, display: 'joined', type: 'direct' },
      ]);

      // A PATCH answers with the user's groups too, and leaves them out only when there are none.
      const patched = await s.patch('User', member!.id, [{ op: 'replace', path: 'title', value: 'x' }]);
      expect(patched.attributes.groups).toEqual([{ value: group.id, display: 'joined', type: 'direct' }]);
      statements.length = 0;
      const lonerPatched = await s.patch('User', loner!.id, [{ op: 'replace', path: 'title', value: 'y' }]);
      expect(lonerPatched.attributes.groups).toBeUndefined();
      expect(statements.some((text) => /recursive/i.test(text))).toBe(false);

      // Leaving the last group: the flag follows.
      await s.patch('Group', group.id, [{ op: 'remove', path: `members[value eq "${member!.id}"]` }]);
      expect((await s.get('User', member!.id))?.attributes.groups).toBeUndefined();
    });
  });

  describe('unfiltered totals', () => {
    it('stay exact through creates, failed writes, deletes and rolled-back transactions', async () => {
      const statements: string[] = [];
      const s = await handle.reopen({ onQuery: (text) => statements.push(text) });
      const total = async (type: 'User' | 'Group') =>
        (await s.list(type, { startIndex: 1, count: 2 })).totalResults;

      const users = await s.createMany(
        'User',
        Array.from({ length: 5 }, (_, i) => ({ userName: `total${i}` })),
      );
      await s.create('Group', { displayName: 'totals', members: [{ value: users[0]!.id }] });
      expect(await total('User')).toBe(5);
      expect(await total('Group')).toBe(1);

      // A write that fails, alone and inside a concurrent batch, counts nothing.
      await expectScimError(s.create('User', { userName: 'TOTAL0' }), 409);
      const outcomes = await Promise.allSettled([
        s.create('User', { userName: 'total5' }),
        s.create('User', { userName: 'total1' }),
        s.create('User', { userName: 'total6' }),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(await total('User')).toBe(7);

      // A transaction that fails leaves the totals as they were.
      await expect(
        s.transaction(async (trx) => {
          await trx.create('User', { userName: 'in-rolled-back' });
          await trx.delete('User', users[1]!.id);
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(await total('User')).toBe(7);

      await s.delete('User', users[0]!.id);
      await s.delete('User', users[2]!.id);
      expect(await total('User')).toBe(5);
      expect(await total('Group')).toBe(1);
      const listed = await s.list('User', { startIndex: 1, count: 100 });
      expect(listed.resources).toHaveLength(5);

      // SQLite answers from the counts its triggers keep, without counting the table.
      statements.length = 0;
      expect(await total('User')).toBe(5);
      const counted = statements.some((text) => /count\(/i.test(text));
      expect(counted).toBe(handle.backend === 'postgres');
    });
  });

  describe('paging through a list', () => {
    const userNames = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ userName: `pager${String(i).padStart(3, '0')}` }));

    it('continues each page after the last one in id order, without OFFSET', async () => {
      const statements: string[] = [];
      const s = await handle.reopen({ onQuery: (text) => statements.push(text) });
      const ids = (await s.createMany('User', userNames(250))).map((u) => u.id).sort();
      for (const descending of [false, true]) {
        const expected = descending ? [...ids].reverse() : ids;
        const sortOrder = descending ? ('descending' as const) : ('ascending' as const);
        const seen: string[] = [];
        statements.length = 0;
        for (const startIndex of [1, 101, 201]) {
          const page = await s.list('User', { startIndex, count: 100, sortOrder });
          expect(page.totalResults).toBe(250);
          seen.push(...page.resources.map((r) => r.id));
        }
        expect(seen).toEqual(expected);
        const pageReads = statements.filter((text) => /from resources as r/.test(text));
        // On PostgreSQL a continuation needs a quiet server (no transaction anywhere in between),
        // which tests running in parallel do not give: only the pages are checked there.
        if (handle.backend !== 'postgres') {
          // Pages 2 and 3 start after the id the previous page ended with.
          expect(pageReads.filter((text) => /r\.id [<>] \?/.test(text))).toHaveLength(2);
          expect(pageReads.some((text) => /offset [12]00/.test(text))).toBe(false);
        }
      }
    });

    it('gives the OFFSET page when the data changed between pages, or when a page is asked cold', async () => {
      const statements: string[] = [];
      const s = await handle.reopen({ onQuery: (text) => statements.push(text) });
      const created = await s.createMany('User', userNames(30));
      const ids = created.map((u) => u.id).sort();
      const filter = parseFilter('userName sw "pager"');
      const first = await s.list('User', { filter, startIndex: 1, count: 10 });
      expect(first.resources.map((r) => r.id)).toEqual(ids.slice(0, 10));

      // One of the first ten is deleted: position 11 now holds what was the twelfth.
      await s.delete('User', ids[3]!);
      const remaining = ids.filter((id) => id !== ids[3]);
      statements.length = 0;
      const second = await s.list('User', { filter, startIndex: 11, count: 10 });
      expect(second.resources.map((r) => r.id)).toEqual(remaining.slice(10, 20));
      expect(second.totalResults).toBe(29);
      expect(statements.some((text) => /offset 10/.test(text))).toBe(true);

      // An update that leaves the id order alone still counts as a change.
      const third = await s.list('User', { filter, startIndex: 21, count: 10 });
      expect(third.resources.map((r) => r.id)).toEqual(remaining.slice(20, 29));
      expect(third.totalResults).toBe(29);
      const again = await s.list('User', { filter, startIndex: 1, count: 10 });
      await s.patch('User', again.resources[0]!.id, [{ op: 'replace', path: 'userName', value: 'zzz' }]);
      const afterRename = await s.list('User', { filter, startIndex: 11, count: 10 });
      expect(afterRename.resources.map((r) => r.id)).toEqual(remaining.slice(11, 21));

      // Cold: nobody read the page before.
      const cold = await s.list('User', { startIndex: 5, count: 3 });
      expect(cold.resources.map((r) => r.id)).toEqual(remaining.slice(4, 7));
    });

    it('returns what OFFSET would for any sequence of pages, creates and deletes', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.oneof(
              fc.record({
                kind: fc.constant('page' as const),
                startIndex: fc.integer({ min: 1, max: 40 }),
                count: fc.integer({ min: 1, max: 12 }),
                descending: fc.boolean(),
                continueLast: fc.boolean(),
              }),
              fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
              fc.record({ kind: fc.constant('create' as const) }),
            ),
            { minLength: 1, maxLength: 25 },
          ),
          async (actions) => {
            const s = await handle.reopen({});
            const existing = (await s.list('User', { startIndex: 1, count: 1000 })).resources;
            for (const r of existing) await s.delete('User', r.id);
            let model = (await s.createMany('User', userNames(20))).map((u) => u.id).sort();
            let made = 0;
            let last = { startIndex: 1, count: 5, descending: false };
            for (const action of actions) {
              if (action.kind === 'create') {
                model = [...model, (await s.create('User', { userName: `made${made++}` })).id].sort();
              } else if (action.kind === 'delete') {
                if (model.length === 0) continue;
                const id = model[action.pick % model.length]!;
                await s.delete('User', id);
                model = model.filter((m) => m !== id);
              } else {
                // Half the time the next page of the previous request, as a paging client asks.
                const ask = action.continueLast
                  ? { ...last, startIndex: last.startIndex + last.count }
                  : action;
                const order = ask.descending ? [...model].reverse() : model;
                const page = await s.list('User', {
                  startIndex: ask.startIndex,
                  count: ask.count,
                  sortOrder: ask.descending ? 'descending' : 'ascending',
                });
                expect(page.totalResults).toBe(model.length);
                expect(page.resources.map((r) => r.id)).toEqual(
                  order.slice(ask.startIndex - 1, ask.startIndex - 1 + ask.count),
                );
                last = ask;
              }
            }
          },
        ),
        { numRuns: handle.backend === 'postgres' ? 8 : 25 },
      );
    });
  });

  describe('concurrent writers', () => {
    it('commits every acknowledged write and rejects only the failing one', async () => {
      const writes = Array.from({ length: 40 }, (_, i) =>
        // Every tenth body reuses an earlier userName (case-folded): 409 for that write only.
        store.create('User', { userName: i % 10 === 9 ? `PAR${i - 1}` : `par${i}` }),
      );
      const results = await Promise.allSettled(writes);
      const created = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      const failed = results.filter((r) => r.status === 'rejected');
      expect(created).toHaveLength(36);
      expect(failed).toHaveLength(4);
      for (const failure of failed) {
        await expectScimError(Promise.reject((failure as PromiseRejectedResult).reason), 409, 'uniqueness');
      }
      const listed = await store.list('User', { startIndex: 1, count: 100 });
      expect(listed.resources.map((r) => r.id).sort()).toEqual(created.map((r) => r.id).sort());
      const feed = await store.readChanges(0, 1000);
      expect(feed.status === 'ok' && feed.entries.map((e) => e.resourceId).sort()).toEqual(
        created.map((r) => r.id).sort(),
      );
      if (feed.status === 'ok') {
        const seqs = feed.entries.map((e) => e.seq);
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      }
    });

    it('serialises parallel PATCHes of one user: every version is used once', async () => {
      const u = await store.create('User', { userName: 'busy' });
      const patched = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          store.patch('User', u.id, [{ op: 'replace', path: 'displayName', value: `n${i}` }]),
        ),
      );
      expect(patched.map((p) => p.version).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 25 }, (_, i) => i + 2),
      );
      expect((await store.get('User', u.id))?.version).toBe(26);
    });
  });
}
