import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/shared/json.js';
import { isScimError } from '../../src/scim/scim-error.js';
import { parseFilter } from '../../src/scim/filter/filter-parser.js';
import type { DirectoryStore, StoredResource } from '../../src/directory/directory-store.js';
import type { StoreFactory, StoreHandle } from './store-harness.js';
import { useFreshStore } from './store-harness.js';
import { isPasswordHash, verifyPassword } from '../../src/directory/resources/user-password.js';
import { PRUNE_CHUNK } from '../../src/directory/change-feed/change-feed.js';

/** Asserts that `promise` rejects with a ScimError of `status` (and `scimType`), returning its detail. */
export async function expectScimError(
  promise: Promise<unknown>,
  status: number,
  scimType?: string,
): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (!isScimError(error)) throw error;
    expect(error.status).toBe(status);
    if (scimType !== undefined) expect(error.scimType).toBe(scimType);
    return error.detail;
  }
  throw new Error(`expected a ScimError ${status}, but the call succeeded`);
}

/** Ids of a list query over all resources of a type matching `filter`. */
export async function filterIds(
  store: DirectoryStore,
  type: 'User' | 'Group',
  filter: string,
): Promise<string[]> {
  const result = await store.list(type, { filter: parseFilter(filter), startIndex: 1, count: 100_000 });
  expect(result.resources.length).toBe(result.totalResults);
  return result.resources.map((r) => r.id).sort();
}

function user(userName: string, extra: JsonObject = {}): JsonObject {
  return { userName, ...extra };
}

/**
 * The DirectoryStore contract: CRUD, uniqueness, versions, PATCH, members, the change feed,
 * tokens and assignments. Run once per backend with that backend's factory.
 */
export function directoryStoreSuite(factory: StoreFactory): void {
  let handle: StoreHandle;
  let store: DirectoryStore;
  useFreshStore(factory, (fresh) => {
    handle = fresh;
    store = fresh.store;
  });

  describe('CRUD', () => {
    it('creates, reads, replaces and deletes a user', async () => {
      const created = await store.create(
        'User',
        user('bjensen', { active: true, name: { familyName: 'Jensen' } }),
      );
      expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(created.version).toBe(1);
      const read = await store.get('User', created.id);
      expect(read?.attributes).toMatchObject({
        userName: 'bjensen',
        active: true,
        name: { familyName: 'Jensen' },
      });
      expect(read?.created.getTime()).toBe(created.created.getTime());
      const replaced = await store.replace('User', created.id, user('bjensen', { active: false }));
      expect(replaced.version).toBe(2);
      expect(replaced.attributes).not.toHaveProperty('name');
      expect(replaced.lastModified.getTime()).toBeGreaterThanOrEqual(created.lastModified.getTime());
      await store.delete('User', created.id);
      expect(await store.get('User', created.id)).toBeUndefined();
    });

    it('answers 404 for a missing or wrongly typed resource', async () => {
      const group = await store.create('Group', { displayName: 'g' });
      expect(await store.get('User', group.id)).toBeUndefined();
      await expectScimError(store.replace('User', group.id, user('x')), 404);
      await expectScimError(store.delete('User', 'nope'), 404);
      await expectScimError(
        store.patch('User', 'nope', [{ op: 'replace', path: 'active', value: true }]),
        404,
      );
    });

    it('does not store id, meta, schemas or groups from the input', async () => {
      const created = await store.create('User', {
        userName: 'u',
        id: 'mine',
        meta: { version: 'x' },
        schemas: ['urn:x'],
        groups: [{ value: 'g' }],
      });
      expect(created.id).not.toBe('mine');
      const read = await store.get('User', created.id);
      expect(Object.keys(read!.attributes)).toEqual(['userName']);
    });

    it('creates many resources in one call', async () => {
      const items = Array.from({ length: 1200 }, (_, i) =>
        user(`bulk${i}`, { emails: [{ value: `b${i}@x.org` }] }),
      );
      const created = await store.createMany('User', items);
      expect(created).toHaveLength(1200);
      expect(new Set(created.map((r) => r.id)).size).toBe(1200);
      expect((await store.list('User', { startIndex: 1, count: 0 })).totalResults).toBe(1200);
      expect(await filterIds(store, 'User', 'emails.value eq "B777@X.ORG"')).toEqual([created[777]!.id]);
    });

    it('createMany is all-or-nothing on a uniqueness conflict', async () => {
      await store.create('User', user('taken'));
      const detail = await expectScimError(
        store.createMany('User', [user('a1'), user('a2'), user('TAKEN'), user('a3')]),
        409,
        'uniqueness',
      );
      expect(detail).toContain('userName');
      expect((await store.list('User', { startIndex: 1, count: 0 })).totalResults).toBe(1);
    });
  });

  describe('uniqueness', () => {
    it('rejects a userName that differs only in case (RFC 7643 §4.1.1)', async () => {
      await store.create('User', user('BJensen'));
      const detail = await expectScimError(store.create('User', user('bjensen')), 409, 'uniqueness');
      expect(detail).toMatch(/userName/);
    });

    it('rejects a replace that takes another user name', async () => {
      await store.create('User', user('one'));
      const two = await store.create('User', user('two'));
      await expectScimError(store.replace('User', two.id, user('ONE')), 409, 'uniqueness');
      expect((await store.get('User', two.id))?.attributes.userName).toBe('two');
    });

    it('rejects a PATCH that takes another userName or group displayName, and changes nothing', async () => {
      await store.create('User', user('first'));
      const second = await store.create(
        'User',
        user('second', { emails: [{ value: 'second@example.com' }] }),
      );
      await expectScimError(
        store.patch('User', second.id, [
          { op: 'replace', path: 'emails', value: [{ value: 'new@example.com' }] },
          { op: 'replace', path: 'userName', value: 'FIRST' },
        ]),
        409,
        'uniqueness',
      );
      const after = await store.get('User', second.id);
      expect([after?.attributes.userName, after?.version]).toEqual(['second', 1]);
      expect(await filterIds(store, 'User', 'emails.value eq "new@example.com"')).toEqual([]);
      await store.create('Group', { displayName: 'Taken' });
      const group = await store.create('Group', { displayName: 'Free' });
      await expectScimError(
        store.patch('Group', group.id, [{ op: 'replace', path: 'displayName', value: 'taken' }]),
        409,
        'uniqueness',
      );
      expect((await store.get('Group', group.id))?.attributes.displayName).toBe('Free');
    });

    it('keeps group displayName unique but lets users share one', async () => {
      await store.create('Group', { displayName: 'Admins' });
      const detail = await expectScimError(
        store.create('Group', { displayName: 'Admins' }),
        409,
        'uniqueness',
      );
      expect(detail).toMatch(/displayName/);
      await store.create('User', user('a', { displayName: 'Admins' }));
      await store.create('User', user('b', { displayName: 'Admins' }));
    });
  });

  describe('versions and If-Match', () => {
    it('rejects a write whose If-Match version is stale with 412, and leaves the resource as it was', async () => {
      const created = await store.create('User', user('v'));
      const updated = await store.replace('User', created.id, user('v', { title: 'a' }), {
        ifMatchVersion: 1,
      });
      expect(updated.version).toBe(2);
      await expectScimError(
        store.replace('User', created.id, user('v', { title: 'b' }), { ifMatchVersion: 1 }),
        412,
      );
      await expectScimError(
        store.patch('User', created.id, [{ op: 'replace', path: 'title', value: 'c' }], {
          ifMatchVersion: 1,
        }),
        412,
      );
      await expectScimError(store.delete('User', created.id, { ifMatchVersion: 7 }), 412);
      expect((await store.get('User', created.id))?.attributes.title).toBe('a');
    });

    it('keeps the version when a replace changes nothing', async () => {
      const created = await store.create('User', user('same', { title: 't' }));
      const again = await store.replace('User', created.id, { title: 't', userName: 'same' });
      expect(again.version).toBe(1);
    });
  });

  describe('PATCH', () => {
    it('applies attribute operations with Entra ID capitalisation and string booleans', async () => {
      const created = await store.create('User', user('p', { active: true }));
      const patched = await store.patch('User', created.id, [
        { op: 'Replace', path: 'active', value: 'False' },
        { op: 'Add', value: { title: 'Boss' } },
      ]);
      expect(patched.attributes).toMatchObject({ active: false, title: 'Boss' });
      expect(patched.version).toBe(2);
      expect(await filterIds(store, 'User', 'active eq false')).toEqual([created.id]);
    });

    it('keeps the indexed columns in step whichever of them a PATCH changes', async () => {
      const created = await store.create('User', user('cols', { externalId: 'ext-a', displayName: 'Dee' }));
      const steps: [string, unknown][] = [
        ['displayName', 'Dee Two'],
        ['userName', 'cols-renamed'],
        ['externalId', 'ext-b'],
        ['active', false],
      ];
      for (const [path, value] of steps) {
        await store.patch('User', created.id, [{ op: 'replace', path, value }]);
      }
      expect(await filterIds(store, 'User', 'displayName eq "dee two"')).toEqual([created.id]);
      expect(await filterIds(store, 'User', 'userName eq "cols-renamed"')).toEqual([created.id]);
      expect(await filterIds(store, 'User', 'userName eq "cols"')).toEqual([]);
      expect(await filterIds(store, 'User', 'externalId eq "ext-b"')).toEqual([created.id]);
      expect(await filterIds(store, 'User', 'externalId eq "ext-a"')).toEqual([]);
      // The userName of the renamed user is free again, its new one taken.
      await expect(store.create('User', user('cols'))).resolves.toBeDefined();
      await expect(store.create('User', user('COLS-RENAMED'))).rejects.toMatchObject({ status: 409 });
    });

    it('is all-or-nothing: a failing operation leaves no trace', async () => {
      const created = await store.create('User', user('atomic'));
      const before = await store.readChanges(0, 100);
      await expectScimError(
        store.patch('User', created.id, [
          { op: 'replace', path: 'title', value: 'x' },
          { op: 'remove', path: 'userName' },
        ]),
        400,
      );
      const read = await store.get('User', created.id);
      expect(read?.attributes).not.toHaveProperty('title');
      expect(read?.version).toBe(1);
      const after = await store.readChanges(0, 100);
      expect(after).toEqual(before);
    });

    it('adds and removes group members in the forms Entra ID and RFC 7644 use', async () => {
      const [a, b, c] = await store.createMany('User', [user('ma'), user('mb'), user('mc')]);
      const group = await store.create('Group', { displayName: 'team' });
      let patched = await store.patch('Group', group.id, [
        { op: 'Add', path: 'members', value: [{ value: a!.id }, { value: b!.id }] },
      ]);
      expect(patched.version).toBe(2);
      expect(memberIds(patched)).toEqual([a!.id, b!.id].sort());
      patched = await store.patch('Group', group.id, [
        { op: 'Remove', path: 'members', value: [{ value: a!.id }] },
      ]);
      expect(memberIds(patched)).toEqual([b!.id]);
      patched = await store.patch('Group', group.id, [
        { op: 'remove', path: `members[value eq "${b!.id}"]` },
      ]);
      expect(memberIds(patched)).toEqual([]);
      patched = await store.patch('Group', group.id, [
        { op: 'add', value: { members: [{ value: c!.id }], displayName: 'team2' } },
      ]);
      expect(memberIds(patched)).toEqual([c!.id]);
      expect(patched.attributes.displayName).toBe('team2');
      patched = await store.patch('Group', group.id, [
        { op: 'replace', path: 'members', value: [{ value: a!.id }] },
      ]);
      expect(memberIds(patched)).toEqual([a!.id]);
      patched = await store.patch('Group', group.id, [{ op: 'remove', path: 'members' }]);
      expect(memberIds(patched)).toEqual([]);
    });

    it('refuses a blank userName or group displayName on every write path', async () => {
      await expectScimError(store.create('User', user('')), 400, 'invalidValue');
      await expectScimError(store.create('Group', { displayName: ' ' }), 400, 'invalidValue');
      const created = await store.create('User', user('not-blank'));
      await expectScimError(
        store.patch('User', created.id, [{ op: 'replace', path: 'userName', value: '  ' }]),
        400,
        'invalidValue',
      );
      const group = await store.create('Group', { displayName: 'named' });
      await expectScimError(
        store.patch('Group', group.id, [{ op: 'replace', path: 'displayName', value: '' }]),
        400,
        'invalidValue',
      );
      expect((await store.get('User', created.id))!.attributes.userName).toBe('not-blank');
      expect((await store.get('Group', group.id))!.attributes.displayName).toBe('named');
    });

    it('keeps only a hash of a user password, on create, replace and PATCH, and never filters by it', async () => {
      const created = await store.create('User', user('hashed', { password: 'first secret' }));
      const stored = (await store.get('User', created.id))!.attributes.password;
      expect(isPasswordHash(stored)).toBe(true);
      expect(await verifyPassword('first secret', stored as string)).toBe(true);
      await store.replace('User', created.id, user('hashed', { password: 'second secret' }));
      const replaced = (await store.get('User', created.id))!.attributes.password as string;
      expect(await verifyPassword('second secret', replaced)).toBe(true);
      await store.patch('User', created.id, [{ op: 'replace', path: 'password', value: 'third secret' }]);
      const patched = (await store.get('User', created.id))!.attributes.password as string;
      expect(await verifyPassword('third secret', patched)).toBe(true);
      await store.patch('User', created.id, [{ op: 'replace', value: { password: 'fourth secret' } }]);
      const pathless = (await store.get('User', created.id))!.attributes.password as string;
      expect(await verifyPassword('fourth secret', pathless)).toBe(true);
      // Another attribute's PATCH leaves the stored hash as it is.
      await store.patch('User', created.id, [{ op: 'replace', path: 'title', value: 't' }]);
      expect((await store.get('User', created.id))!.attributes.password).toBe(pathless);
      for (const filter of [
        'password eq "fourth secret"',
        'password pr',
        'title eq "t" or not (password sw "f")',
      ]) {
        await expectScimError(
          store.list('User', { filter: parseFilter(filter), startIndex: 1, count: 10 }),
          400,
          'invalidFilter',
        );
      }
      await expectScimError(
        store.list('User', { sortBy: 'password', startIndex: 1, count: 10 }),
        400,
        'invalidValue',
      );
    });

    it('replaces a group: members it names, none when it omits them, [] clearing too', async () => {
      const [a, b] = await store.createMany('User', [user('put-a'), user('put-b')]);
      const group = await store.create('Group', { displayName: 'put', members: [{ value: a!.id }] });
      let replaced = await store.replace('Group', group.id, {
        displayName: 'put',
        members: [{ value: b!.id }],
      });
      expect(memberIds(replaced)).toEqual([b!.id]);
      expect(memberIds((await store.get('Group', group.id))!)).toEqual([b!.id]);
      replaced = await store.replace('Group', group.id, { displayName: 'put', members: [] });
      expect(memberIds(replaced)).toEqual([]);
      expect(memberIds((await store.get('Group', group.id))!)).toEqual([]);
      await store.patch('Group', group.id, [
        { op: 'add', path: 'members', value: [{ value: a!.id }, { value: b!.id }] },
      ]);
      const before = await store.readChanges(0, 1000);
      if (before.status !== 'ok') throw new Error('expected ok');
      // RFC 7644 §3.5.1: PUT replaces every attribute the client may write; an omitted one is cleared.
      replaced = await store.replace('Group', group.id, { displayName: 'put renamed' });
      expect(memberIds(replaced)).toEqual([]);
      expect(replaced.version).toBeGreaterThan(4);
      const stored = (await store.get('Group', group.id))!;
      expect(memberIds(stored)).toEqual([]);
      expect(stored.attributes.displayName).toBe('put renamed');
      expect((await store.get('User', a!.id))!.attributes.groups).toBeUndefined();
      const after = await store.readChanges(before.lastSeq, 100);
      if (after.status !== 'ok') throw new Error('expected ok');
      const removals = after.entries.filter((e) => e.kind === 'memberRemoved');
      expect(removals.map((e) => e.detail?.memberId).sort()).toEqual([a!.id, b!.id].sort());
      expect(removals.every((e) => e.resourceType === 'Group' && e.resourceId === group.id)).toBe(true);
      expect(after.entries.filter((e) => e.kind === 'updated').map((e) => e.attributes)).toEqual([
        ['displayName'],
      ]);
      // A PUT without members of a group that has none changes nothing.
      const again = await store.replace('Group', group.id, { displayName: 'put renamed' });
      expect(again.version).toBe(replaced.version);
    });

    it('refuses a nesting that would put a group inside itself, at any depth, on every path', async () => {
      const top = await store.create('Group', { displayName: 'cycle top' });
      const middle = await store.create('Group', {
        displayName: 'cycle middle',
        members: [{ value: top.id }],
      });
      const bottom = await store.create('Group', {
        displayName: 'cycle bottom',
        members: [{ value: middle.id }],
      });
      // bottom > middle > top: top may not take bottom or middle, by PATCH add, replace or PUT.
      for (const member of [middle.id, bottom.id]) {
        await expectScimError(
          store.patch('Group', top.id, [{ op: 'add', path: 'members', value: [{ value: member }] }]),
          400,
          'invalidValue',
        );
        await expectScimError(
          store.patch('Group', top.id, [{ op: 'replace', path: 'members', value: [{ value: member }] }]),
          400,
          'invalidValue',
        );
        await expectScimError(
          store.replace('Group', top.id, { displayName: 'cycle top', members: [{ value: member }] }),
          400,
          'invalidValue',
        );
      }
      expect(memberIds((await store.get('Group', top.id))!)).toEqual([]);
      // A group that is not above it is fine, and so is a diamond.
      const side = await store.create('Group', { displayName: 'cycle side', members: [{ value: top.id }] });
      const patched = await store.patch('Group', bottom.id, [
        { op: 'add', path: 'members', value: [{ value: side.id }] },
      ]);
      expect(memberIds(patched).sort()).toEqual([middle.id, side.id].sort());
    });

    it('lets only one of two concurrent nestings that together close a cycle through', async () => {
      // b contains c and d contains a; a taking b and c taking d at once would close a > b > c > d > a.
      const a = await store.create('Group', { displayName: 'race a' });
      const c = await store.create('Group', { displayName: 'race c' });
      const b = await store.create('Group', { displayName: 'race b', members: [{ value: c.id }] });
      const d = await store.create('Group', { displayName: 'race d', members: [{ value: a.id }] });
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let nested!: () => void;
      const firstNested = new Promise<void>((resolve) => (nested = resolve));
      // The first nesting stays uncommitted while the second one checks for a cycle.
      const first = store.transaction(async (trx) => {
        await trx.patch('Group', a.id, [{ op: 'add', path: 'members', value: [{ value: b.id }] }]);
        nested();
        await held;
      });
      await firstNested;
      const second = store.patch('Group', c.id, [{ op: 'add', path: 'members', value: [{ value: d.id }] }]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      release();
      const [firstResult, secondResult] = await Promise.allSettled([first, second]);
      expect(firstResult.status).toBe('fulfilled');
      expect(secondResult.status).toBe('rejected');
      expect(memberIds((await store.get('Group', a.id))!)).toEqual([b.id]);
      expect(memberIds((await store.get('Group', c.id))!)).toEqual([]);
    });

    it('does not bump the version when re-adding an existing member', async () => {
      const [a] = await store.createMany('User', [user('re')]);
      const group = await store.create('Group', { displayName: 'g', members: [{ value: a!.id }] });
      const patched = await store.patch('Group', group.id, [
        { op: 'add', path: 'members', value: [{ value: a!.id }] },
      ]);
      expect(patched.version).toBe(1);
    });

    it('rejects unknown member ids with invalidValue and changes nothing', async () => {
      const [a] = await store.createMany('User', [user('ok')]);
      const group = await store.create('Group', { displayName: 'g' });
      await expectScimError(
        store.patch('Group', group.id, [
          { op: 'add', path: 'members', value: [{ value: a!.id }, { value: 'missing' }] },
        ]),
        400,
        'invalidValue',
      );
      const read = await store.get('Group', group.id);
      expect(read?.attributes.members).toBeUndefined();
      expect(read?.version).toBe(1);
      await expectScimError(
        store.create('Group', { displayName: 'h', members: [{ value: 'missing' }] }),
        400,
        'invalidValue',
      );
      await expectScimError(
        store.patch('Group', group.id, [{ op: 'add', path: 'members', value: [{ value: group.id }] }]),
        400,
        'invalidValue',
      );
    });

    it('rejects malformed PATCH requests with a 400, never another error', async () => {
      const created = await store.create('User', user('bad'));
      await expectScimError(store.patch('User', created.id, [{ op: 'jump', path: 'title', value: 1 }]), 400);
      await expectScimError(
        store.patch('User', created.id, [{ op: 'replace', path: 'emails[value eq', value: 1 }]),
        400,
      );
      await expectScimError(store.patch('User', created.id, []), 400);
    });
  });

  describe('groups of a user', () => {
    it('lists direct and indirect groups (RFC 7643 §4.1.2)', async () => {
      const u = await store.create('User', user('nested'));
      const inner = await store.create('Group', { displayName: 'Inner', members: [{ value: u.id }] });
      const outer = await store.create('Group', {
        displayName: 'Outer',
        members: [{ value: inner.id, type: 'Group' }],
      });
      const read = await store.get('User', u.id);
      const groups = read?.attributes.groups as JsonObject[];
      expect(groups).toEqual(
        expect.arrayContaining([
          { value: inner.id, display: 'Inner', type: 'direct' },
          { value: outer.id, display: 'Outer', type: 'indirect' },
        ]),
      );
      expect(groups).toHaveLength(2);
      const without = await store.get('User', u.id, { includeGroups: false });
      expect(without?.attributes.groups).toBeUndefined();
      const outerRead = await store.get('Group', outer.id);
      expect(outerRead?.attributes.members).toEqual([{ value: inner.id, display: 'Inner', type: 'Group' }]);
    });

    it("shows each member's and each group's current name as display, through every write path", async () => {
      const [named, plain] = await store.createMany('User', [
        user('named', { displayName: 'Named One' }),
        user('plain'),
      ]);
      const alone = await store.create('User', user('alone', { displayName: 'Alone' }));
      const group = await store.create('Group', {
        displayName: 'Crew',
        members: [{ value: named!.id }, { value: plain!.id }, { value: alone.id }],
      });
      const displays = async () =>
        Object.fromEntries(
          ((await store.get('Group', group.id))!.attributes.members as JsonObject[]).map((m) => [
            m.value,
            m.display,
          ]),
        );
      // A user without displayName shows its userName, as given (not folded).
      expect(await displays()).toEqual({
        [named!.id]: 'Named One',
        [plain!.id]: 'plain',
        [alone.id]: 'Alone',
      });
      await store.patch('User', named!.id, [{ op: 'replace', path: 'displayName', value: 'Renamed' }]);
      await store.patch('User', plain!.id, [{ op: 'add', path: 'displayName', value: 'Plain Now' }]);
      await store.replace('User', alone.id, user('alone'));
      expect(await displays()).toEqual({
        [named!.id]: 'Renamed',
        [plain!.id]: 'Plain Now',
        [alone.id]: 'alone',
      });
      await store.patch('User', named!.id, [{ op: 'remove', path: 'displayName' }]);
      expect((await displays())[named!.id]).toBe('named');
      await store.patch('Group', group.id, [{ op: 'replace', path: 'displayName', value: 'Crew Two' }]);
      const groups = (await store.get('User', plain!.id))!.attributes.groups as JsonObject[];
      expect(groups).toEqual([{ value: group.id, display: 'Crew Two', type: 'direct' }]);
    });

    it('removes a deleted user from its groups, bumping their version', async () => {
      const u = await store.create('User', user('leaver'));
      const g = await store.create('Group', { displayName: 'g', members: [{ value: u.id }] });
      await store.delete('User', u.id);
      const read = await store.get('Group', g.id);
      expect(read?.attributes.members).toBeUndefined();
      expect(read?.version).toBe(2);
      const feed = await store.readChanges(0, 100);
      expect(feed.status === 'ok' && feed.entries.map((e) => e.kind)).toEqual([
        'created',
        'created',
        'memberRemoved',
        'deleted',
      ]);
    });

    it('records each group and app role a deleted user leaves, then the deletion, and bumps each group once', async () => {
      const u = await store.create('User', user('departing'));
      const groups = [
        await store.create('Group', { displayName: 'first', members: [{ value: u.id }] }),
        await store.create('Group', { displayName: 'second', members: [{ value: u.id }] }),
      ];
      await store.assign('zeta', 'User', u.id);
      await store.assign('alpha', 'User', u.id, 'Writer');
      await store.assign('alpha', 'User', u.id, 'Admin');
      const { lastSeq } = (await store.readChanges(0, 100)) as { lastSeq: number };
      await store.delete('User', u.id);
      for (const group of groups) expect((await store.get('Group', group.id))?.version).toBe(2);
      expect(await store.listAssignments('alpha')).toEqual([]);
      const feed = await store.readChanges(lastSeq, 100);
      expect(
        feed.status === 'ok' &&
          feed.entries.map((e) => [e.kind, e.resourceType, e.resourceId, e.detail ?? null]),
      ).toEqual([
        ...groups
          .map((g) => g.id)
          .sort()
          .map((id) => ['memberRemoved', 'Group', id, { memberId: u.id, memberType: 'User' }]),
        // One entry per role taken away, in app then role order, as unassign writes them.
        ['unassigned', 'User', u.id, { appId: 'alpha', role: 'Admin' }],
        ['unassigned', 'User', u.id, { appId: 'alpha', role: 'Writer' }],
        ['unassigned', 'User', u.id, { appId: 'zeta', role: 'User' }],
        ['deleted', 'User', u.id, null],
      ]);
    });
  });

  describe('user versions follow their groups', () => {
    /** Each user's version, by userName, and checks lastModified moved exactly with it. */
    async function snapshot(ids: Record<string, string>): Promise<Record<string, number>> {
      const out: Record<string, number> = {};
      for (const [name, id] of Object.entries(ids)) out[name] = (await store.get('User', id))!.version;
      return out;
    }

    /** Runs `write` and returns which of the users got a new version (and lastModified). */
    async function bumpedBy(ids: Record<string, string>, write: () => Promise<unknown>): Promise<string[]> {
      const before = new Map<string, StoredResource>();
      for (const [name, id] of Object.entries(ids)) before.set(name, (await store.get('User', id))!);
      await new Promise((resolve) => setTimeout(resolve, 3));
      await write();
      const moved: string[] = [];
      for (const [name, id] of Object.entries(ids)) {
        const after = await store.get('User', id);
        if (!after) continue;
        const old = before.get(name)!;
        if (after.version !== old.version) {
          expect(after.version).toBeGreaterThan(old.version);
          expect(after.lastModified.getTime()).toBeGreaterThan(old.lastModified.getTime());
          moved.push(name);
        } else {
          expect(after.lastModified.getTime()).toBe(old.lastModified.getTime());
          expect(after.attributes.groups).toEqual(old.attributes.groups);
        }
      }
      return moved.sort();
    }

    it('bumps exactly the users whose groups changed, on every kind of write', async () => {
      const [a, b, c, d] = await store.createMany('User', [user('va'), user('vb'), user('vc'), user('vd')]);
      const ids = { a: a!.id, b: b!.id, c: c!.id, d: d!.id };
      const top = await store.create('Group', { displayName: 'top' });
      const inner = await store.create('Group', { displayName: 'inner', members: [{ value: b!.id }] });
      const add = (group: string, id: string) =>
        store.patch('Group', group, [{ op: 'add', path: 'members', value: [{ value: id }] }]);
      const remove = (group: string, id: string) =>
        store.patch('Group', group, [{ op: 'remove', path: 'members', value: [{ value: id }] }]);
      const { lastSeq } = (await store.readChanges(0, 1000)) as { lastSeq: number };

      expect(await bumpedBy(ids, () => add(top.id, a!.id))).toEqual(['a']);
      expect(await bumpedBy(ids, () => add(top.id, a!.id))).toEqual([]);
      // Nesting: the users below the nested group gain `top`.
      expect(await bumpedBy(ids, () => add(top.id, inner.id))).toEqual(['b']);
      // A rename shows in groups[].display of every user below, at any depth.
      expect(
        await bumpedBy(ids, () =>
          store.patch('Group', top.id, [{ op: 'replace', path: 'displayName', value: 'Top' }]),
        ),
      ).toEqual(['a', 'b']);
      expect(
        await bumpedBy(ids, () =>
          store.replace('Group', inner.id, { displayName: 'Inner', members: [{ value: b!.id }] }),
        ),
      ).toEqual(['b']);
      expect(
        await bumpedBy(ids, () =>
          store.patch('Group', top.id, [{ op: 'replace', path: 'externalId', value: 'x' }]),
        ),
      ).toEqual([]);
      expect(await bumpedBy(ids, () => remove(top.id, inner.id))).toEqual(['b']);
      expect(await bumpedBy(ids, () => remove(top.id, a!.id))).toEqual(['a']);
      expect(
        await bumpedBy(ids, () =>
          store.patch('Group', top.id, [{ op: 'replace', path: 'members', value: [{ value: c!.id }] }]),
        ),
      ).toEqual(['c']);
      // PUT without members clears them.
      expect(await bumpedBy(ids, () => store.replace('Group', top.id, { displayName: 'Top' }))).toEqual([
        'c',
      ]);
      let created: StoredResource | undefined;
      expect(
        await bumpedBy(ids, async () => {
          created = await store.create('Group', {
            displayName: 'fresh',
            members: [{ value: d!.id }, { value: inner.id }],
          });
        }),
      ).toEqual(['b', 'd']);
      await add(top.id, created!.id);
      expect(await bumpedBy(ids, () => store.delete('Group', inner.id))).toEqual(['b']);
      expect(await bumpedBy(ids, () => store.delete('Group', created!.id))).toEqual(['d']);
      // Inside transaction(work) (Bulk) too.
      expect(
        await bumpedBy(ids, () =>
          store.transaction(async (tx) => {
            await tx.patch('Group', top.id, [
              { op: 'add', path: 'members', value: [{ value: a!.id }, { value: d!.id }] },
            ]);
          }),
        ),
      ).toEqual(['a', 'd']);
      // Deleting a member user bumps its groups, and nobody else.
      expect(await bumpedBy(ids, () => store.delete('User', a!.id))).toEqual([]);
      expect((await snapshot({ d: d!.id })).d).toBeGreaterThan(1);
      // No feed entry of its own for a user: the group's entries record the change.
      const feed = await store.readChanges(lastSeq, 1000);
      if (feed.status !== 'ok') throw new Error('expected ok');
      expect(feed.entries.filter((e) => e.resourceType === 'User').map((e) => e.kind)).toEqual(['deleted']);
    });

    it('lands concurrent member adds of overlapping users to several groups, each join a version', async () => {
      const users = await store.createMany(
        'User',
        Array.from({ length: 12 }, (_, i) => user(`race${i}`)),
      );
      const groups = await Promise.all(
        Array.from({ length: 4 }, (_, g) => store.create('Group', { displayName: `race ${g}` })),
      );
      // Each group gets every user, in opposite orders and in several PATCHes at once: the user
      // rows are bumped in id order, so no two writes wait for each other in a cycle.
      await Promise.all(
        groups.flatMap((group, g) => {
          const order = g % 2 === 0 ? users : [...users].reverse();
          return [order.slice(0, 6), order.slice(6)].map((part) =>
            store.patch('Group', group.id, [
              { op: 'add', path: 'members', value: part.map((u) => ({ value: u.id })) },
            ]),
          );
        }),
      );
      for (const u of users) {
        const read = (await store.get('User', u.id))!;
        expect((read.attributes.groups as JsonObject[]).length).toBe(groups.length);
        expect(read.version).toBe(1 + groups.length);
      }
    });

    it('bumps the users a named-member PATCH adds and removes, with the group, in one write', async () => {
      const [a, b, c] = await store.createMany('User', [user('na'), user('nb'), user('nc')]);
      const ids = { a: a!.id, b: b!.id, c: c!.id };
      const nested = await store.create('Group', { displayName: 'nested', members: [{ value: c!.id }] });
      const g = await store.create('Group', {
        displayName: 'entra',
        members: [{ value: b!.id }, { value: nested.id }],
      });
      // The shape Entra ID and Okta send (the one-statement path on PostgreSQL).
      expect(
        await bumpedBy(ids, () =>
          store.patch('Group', g.id, [
            { op: 'add', path: 'members', value: [{ value: a!.id }] },
            { op: 'remove', path: 'members', value: [{ value: b!.id }, { value: nested.id }] },
          ]),
        ),
      ).toEqual(['a', 'b', 'c']);
      expect((await store.get('Group', g.id))!.version).toBe(2);
      expect(
        await bumpedBy(ids, () =>
          store.patch('Group', g.id, [{ op: 'remove', path: 'members', value: [{ value: b!.id }] }]),
        ),
      ).toEqual([]);
      expect(
        await bumpedBy(ids, () => store.patch('Group', g.id, [{ op: 'remove', path: 'members' }])),
      ).toEqual(['a']);
    });
  });

  describe('lists', () => {
    it('pages and sorts with a correct totalResults', async () => {
      const names = Array.from({ length: 25 }, (_, i) => `user${String(i).padStart(2, '0')}`);
      await store.createMany(
        'User',
        names.map((n, i) => user(n, { name: { familyName: `F${(i * 7) % 25}` } })),
      );
      const page = await store.list('User', {
        sortBy: 'userName',
        sortOrder: 'descending',
        startIndex: 11,
        count: 5,
      });
      expect(page.totalResults).toBe(25);
      expect(page.resources.map((r) => r.attributes.userName)).toEqual([
        'user14',
        'user13',
        'user12',
        'user11',
        'user10',
      ]);
      const countOnly = await store.list('User', { startIndex: 1, count: 0 });
      expect(countOnly).toEqual({ totalResults: 25, resources: [] });
      const beyond = await store.list('User', { startIndex: 30, count: 10 });
      expect(beyond).toEqual({ totalResults: 25, resources: [] });
      // Sorting by an attribute without a column happens in memory.
      const byFamily = await store.list('User', { sortBy: 'name.familyName', startIndex: 1, count: 3 });
      expect(byFamily.totalResults).toBe(25);
      expect(byFamily.resources.map((r) => (r.attributes.name as JsonObject).familyName)).toEqual([
        'F0',
        'F1',
        'F10',
      ]);
      // Filter evaluated in memory, default order, paged.
      const filtered = await store.list('User', {
        filter: parseFilter('name.familyName sw "F1"'),
        startIndex: 2,
        count: 2,
      });
      expect(filtered.totalResults).toBe(11);
      expect(filtered.resources).toHaveLength(2);
    });

    it('treats Object.prototype names in sortBy as attributes, not as lookups that find a column', async () => {
      await store.createMany('User', [user('b'), user('a')]);
      for (const sortBy of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
        // Either a clean refusal (a ScimError) or a list in some order; never a TypeError.
        try {
          const page = await store.list('User', { sortBy, startIndex: 1, count: 10 });
          expect(page.totalResults).toBe(2);
        } catch (error) {
          expect(isScimError(error), String(error)).toBe(true);
        }
      }
    });

    it('does not read group_members when members are not asked for', async () => {
      const statements: string[] = [];
      const s = await handle.reopen({ onQuery: (sqlText) => statements.push(sqlText) });
      const [a] = await s.createMany('User', [user('m')]);
      const g = await s.create('Group', { displayName: 'g', members: [{ value: a!.id }] });
      statements.length = 0;
      const read = await s.get('Group', g.id, { includeMembers: false });
      const listed = await s.list('Group', { startIndex: 1, count: 10, includeMembers: false });
      expect(read?.attributes.members).toBeUndefined();
      expect(listed.resources[0]?.attributes.members).toBeUndefined();
      expect(statements.some((text) => text.includes('group_members'))).toBe(false);
    });
  });

  describe('members at scale', () => {
    it('adds and removes one member of a 20,000-member group touching only that member row', async () => {
      const statements: string[] = [];
      const s = await handle.reopen({ onQuery: (text) => statements.push(text) });
      const users = await s.createMany(
        'User',
        Array.from({ length: 20_000 }, (_, i) => user(`scale${i}`)),
      );
      const group = await s.create('Group', {
        displayName: 'big',
        members: users.map((u) => ({ value: u.id })),
      });
      const newcomer = await s.create('User', user('newcomer'));
      statements.length = 0;
      const patched = await s.patch(
        'Group',
        group.id,
        [{ op: 'Add', path: 'members', value: [{ value: newcomer.id }] }],
        {
          includeMembers: false,
        },
      );
      expect(patched.version).toBe(2);
      const memberStatements = statements.filter((text) => text.includes('group_members'));
      expect(memberStatements).toHaveLength(1);
      // SQLite: the plain INSERT of that row. PostgreSQL: the one-statement member change
      // (one-statement-writes.ts), which touches group_members only by (group, member) key.
      expect(memberStatements[0]).toMatch(
        /^insert into "group_members"|INSERT INTO group_members \(group_id, member_id, member_type\)/,
      );
      expect(statements.length).toBeLessThanOrEqual(10);
      statements.length = 0;
      await s.patch('Group', group.id, [{ op: 'remove', path: `members[value eq "${users[123]!.id}"]` }], {
        includeMembers: false,
      });
      const removeStatements = statements.filter((text) => text.includes('group_members'));
      expect(removeStatements).toHaveLength(1);
      expect(removeStatements[0]).toMatch(/^delete from "group_members"/);
      expect(await filterIds(s, 'Group', `members.value eq "${newcomer.id}"`)).toEqual([group.id]);
      expect(await filterIds(s, 'Group', `members.value eq "${users[123]!.id}"`)).toEqual([]);
      const read = await s.get('Group', group.id);
      expect((read?.attributes.members as JsonObject[]).length).toBe(20_000);
      expect(read?.version).toBe(3);
    });
  });

  describe('change feed', () => {
    it('records every write in order with the changed attributes', async () => {
      const u = await store.create('User', user('feed', { title: 'a' }));
      await store.replace('User', u.id, user('feed', { title: 'b' }));
      const g = await store.create('Group', { displayName: 'fg' });
      await store.patch('Group', g.id, [{ op: 'add', path: 'members', value: [{ value: u.id }] }]);
      await store.assign('app1', 'User', u.id);
      await store.unassign('app1', 'User', u.id);
      await store.delete('Group', g.id);
      const page = await store.readChanges(0, 100);
      if (page.status !== 'ok') throw new Error('expected ok');
      expect(page.entries.map((e) => [e.kind, e.resourceType])).toEqual([
        ['created', 'User'],
        ['updated', 'User'],
        ['created', 'Group'],
        ['memberAdded', 'Group'],
        ['assigned', 'User'],
        ['unassigned', 'User'],
        ['deleted', 'Group'],
      ]);
      expect(page.entries[1]?.attributes).toEqual(['title']);
      expect(page.entries[3]?.detail).toEqual({ memberId: u.id, memberType: 'User' });
      expect(page.entries[4]?.detail).toEqual({ appId: 'app1', role: 'User' });
      const seqs = page.entries.map((e) => e.seq);
      expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
      expect(page.lastSeq).toBe(seqs[seqs.length - 1]);
      const rest = await store.readChanges(seqs[2]!, 2);
      expect(rest.status === 'ok' && rest.entries.map((e) => e.seq)).toEqual(seqs.slice(3, 5));
    });

    it('gives the settled head of the feed: 0 when empty, then the position after the newest entry', async () => {
      expect(await store.headSeq()).toBe(0);
      const a = await store.create('User', user('head-a'));
      await store.assign('app1', 'User', a.id);
      const page = await store.readChanges(0, 100);
      if (page.status !== 'ok') throw new Error('expected ok');
      const head = await store.headSeq();
      expect(head).toBe(page.lastSeq);
      const none = await store.readChanges(head, 10);
      expect(none.status === 'ok' && none.entries).toEqual([]);
      const b = await store.create('User', user('head-b'));
      const next = await store.readChanges(head, 10);
      expect(next.status === 'ok' && next.entries.map((e) => e.resourceId)).toEqual([b.id]);
      expect(await store.headSeq()).toBe(next.status === 'ok' ? next.lastSeq : -1);
      // Pruning every entry keeps the head where it was, and a consumer there is not sent to resync.
      const before = await store.headSeq();
      expect(await store.pruneChanges(new Date(Date.now() + 1000))).toBe(3);
      expect(await store.headSeq()).toBe(before);
      expect((await store.readChanges(before, 10)).status).toBe('ok');
    });

    it('appends nothing when a write fails, also inside transaction(work)', async () => {
      await store.create('User', user('first'));
      await expectScimError(store.create('User', user('FIRST')), 409);
      await expect(
        store.transaction(async (tx) => {
          await tx.create('User', user('inside'));
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      const page = await store.readChanges(0, 100);
      expect(page.status === 'ok' && page.entries).toHaveLength(1);
      expect(await filterIds(store, 'User', 'userName eq "inside"')).toEqual([]);
    });

    it('keeps a transaction going after one failed write (Bulk without failOnErrors)', async () => {
      const result = await store.transaction(async (tx) => {
        await tx.create('User', user('bulk-a'));
        await expectScimError(tx.create('User', user('BULK-A')), 409, 'uniqueness');
        return tx.create('User', user('bulk-b'));
      });
      expect(result.attributes.userName).toBe('bulk-b');
      expect((await store.list('User', { startIndex: 1, count: 0 })).totalResults).toBe(2);
      const page = await store.readChanges(0, 100);
      expect(page.status === 'ok' && page.entries).toHaveLength(2);
    });

    it('wakes in-process listeners after commit', async () => {
      const seen: number[] = [];
      const stop = store.onChange((seq) => seen.push(seq));
      await store.create('User', user('wake'));
      await store.transaction(async (tx) => {
        await tx.create('User', user('wake2'));
        expect(seen).toHaveLength(1);
      });
      stop();
      await store.create('User', user('wake3'));
      expect(seen).toHaveLength(2);
      expect(seen[1]).toBeGreaterThan(seen[0]!);
    });

    it('tells a consumer behind the pruned horizon to resync', async () => {
      await store.create('User', user('old1'));
      await store.create('User', user('old2'));
      const cutoff = new Date(Date.now() + 1000);
      expect(await store.pruneChanges(cutoff)).toBe(2);
      const fresh = await store.create('User', user('new'));
      const behind = await store.readChanges(0, 10);
      expect(behind.status).toBe('resyncRequired');
      if (behind.status !== 'resyncRequired') return;
      expect(behind.resumeFrom).toBeGreaterThanOrEqual(3);
      const atHorizon = await store.readChanges(2, 10);
      expect(atHorizon.status === 'ok' && atHorizon.entries.map((e) => e.resourceId)).toEqual([fresh.id]);
      expect(await store.pruneChanges(new Date(0))).toBe(0);
    });

    it('prunes a feed longer than one prune chunk, stopping at the first entry inside the window', async () => {
      const count = PRUNE_CHUNK * 2 + 7;
      await store.createMany(
        'User',
        Array.from({ length: count }, (_, i) => user(`bulk${i}`)),
      );
      const before = await store.readChanges(0, 1);
      expect(before.status).toBe('ok');
      await new Promise((resolve) => setTimeout(resolve, 20));
      const cutoff = new Date();
      await new Promise((resolve) => setTimeout(resolve, 20));
      const fresh = await store.create('User', user('inside-window'));
      expect(await store.pruneChanges(cutoff)).toBe(count);
      if (before.status !== 'ok') return;
      // Every bulk entry went, and none of those after them: the horizon is the last bulk seq.
      const lastBulk = before.entries[0]!.seq + count - 1;
      expect((await store.readChanges(lastBulk - 1, 10)).status).toBe('resyncRequired');
      const after = await store.readChanges(lastBulk, 10);
      expect(after.status === 'ok' && after.entries.map((e) => e.resourceId)).toEqual([fresh.id]);
    });
  });

  describe('concurrency', () => {
    it('keeps every member when 50 PATCHes add members to one group at once', async () => {
      const users = await store.createMany(
        'User',
        Array.from({ length: 50 }, (_, i) => user(`c${i}`)),
      );
      const group = await store.create('Group', { displayName: 'busy' });
      const results = await Promise.all(
        users.map((u) =>
          store.patch('Group', group.id, [{ op: 'add', path: 'members', value: [{ value: u.id }] }], {
            includeMembers: false,
          }),
        ),
      );
      expect(new Set(results.map((r) => r.version)).size).toBe(50);
      const read = await store.get('Group', group.id);
      expect(memberIds(read!)).toEqual(users.map((u) => u.id).sort());
      expect(read?.version).toBe(51);
    });

    it('lets exactly one of two writers with the same If-Match version win', async () => {
      const created = await store.create('User', user('race'));
      const outcomes = await Promise.allSettled([
        store.replace('User', created.id, user('race', { title: 'a' }), { ifMatchVersion: 1 }),
        store.replace('User', created.id, user('race', { title: 'b' }), { ifMatchVersion: 1 }),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const rejected = outcomes.find((o) => o.status === 'rejected');
      expect(isScimError(rejected?.reason) && rejected.reason.status).toBe(412);
    });
  });

  describe('tokens and assignments', () => {
    it('creates, finds, lists, touches and revokes tokens', async () => {
      const token = await store.createToken({ id: 'tok1', name: 'ci', scope: 'read-only', secretHash: 'h' });
      expect(token.lastUsed).toBeNull();
      await expectScimError(
        store.createToken({ id: 'tok2', name: 'ci', scope: 'read-write', secretHash: 'h' }),
        409,
      );
      const at = new Date('2030-01-02T03:04:05.678Z');
      await store.touchToken('tok1', at);
      expect((await store.findToken('tok1'))?.lastUsed?.toISOString()).toBe(at.toISOString());
      expect((await store.listTokens()).map((t) => t.name)).toEqual(['ci']);
      expect(await store.revokeToken('ci')).toBe(true);
      expect(await store.revokeToken('ci')).toBe(false);
      expect(await store.findToken('tok1')).toBeUndefined();
    });

    it('assigns users and groups to apps idempotently', async () => {
      const u = await store.create('User', user('assignee'));
      const g = await store.create('Group', { displayName: 'ag' });
      await store.assign('app', 'User', u.id);
      await store.assign('app', 'User', u.id);
      await store.assign('app', 'Group', g.id);
      await store.assign('other', 'User', u.id);
      expect((await store.listAssignments('app')).map((a) => [a.principalType, a.principalId])).toEqual([
        ['Group', g.id],
        ['User', u.id],
      ]);
      await expectScimError(store.assign('app', 'User', g.id), 404);
      expect(await store.unassign('app', 'Group', g.id)).toBe(true);
      expect(await store.unassign('app', 'Group', g.id)).toBe(false);
      await store.delete('User', u.id);
      expect(await store.listAssignments('other')).toEqual([]);
    });
  });

  describe('migrations', () => {
    it('are idempotent', async () => {
      await store.migrate();
      await store.migrate();
      const created = await store.create('User', user('after-migrate'));
      expect((await store.get('User', created.id))?.attributes.userName).toBe('after-migrate');
    });
  });
}

function memberIds(resource: StoredResource): string[] {
  const members = (resource.attributes.members ?? []) as JsonObject[];
  return members.map((m) => String(m.value)).sort();
}
