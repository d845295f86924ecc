import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/shared/json.js';
import type { AppDefinition } from '../../src/engine/apps/app-definition.js';
import type {
  EngineStateStore,
  Link,
  LinkInput,
  PreparedLogEntry,
  ProvisioningLogEntry,
} from '../../src/engine/state/engine-state.js';
import type { StateFactory, StateHandle } from './state-harness.js';
import { useFreshState } from './state-harness.js';
import { migrations as directoryMigrations } from '../../src/directory/migrations/index.js';
import { engineMigrations } from '../../src/engine/state/migrations/index.js';
import { storedStepsJson } from '../../src/engine/state/log-steps-storage.js';
import { definition, ids, link, logEntry, reordered } from './state-fixtures.js';

/** A link as stored, without the store's timestamps. */
function withoutTimes(stored: Link | undefined): Omit<Link, 'created' | 'updated'> | undefined {
  if (!stored) return undefined;
  const { created: _created, updated: _updated, ...rest } = stored;
  return rest;
}

const AT = new Date('2026-03-04T05:06:07.891Z');

/**
 * The EngineStateStore contract: every method, transactions, leases across instances and the
 * deleteApp cascade. Run once per backend with that backend's factory.
 */
export function engineStateSuite(factory: StateFactory): void {
  let handle: StateHandle;
  let state: EngineStateStore;
  useFreshState(factory, (fresh) => {
    handle = fresh;
    state = fresh.database.engineState;
  });

  async function app(name = 'crm'): Promise<string> {
    return (
      await state.putApp({
        definition: definition(name),
        sealedCredentials: 'sealed',
        fullSyncRequired: true,
      })
    ).id;
  }

  describe('apps', () => {
    it('creates an app with a new id at version 1 and reads it back by name and id', async () => {
      const stored = await state.putApp({
        definition: definition('crm'),
        sealedCredentials: 'v1.key.nonce.cipher',
        fullSyncRequired: true,
      });
      expect(stored.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(stored).toMatchObject({
        version: 1,
        fullSyncRequired: true,
        sealedCredentials: 'v1.key.nonce.cipher',
      });
      expect(stored.definition).toEqual(definition('crm'));
      expect(stored.created.getTime()).toBe(stored.updated.getTime());
      expect(await state.getApp('crm')).toEqual(stored);
      expect(await state.getAppById(stored.id)).toEqual(stored);
      expect(await state.getApp('other')).toBeUndefined();
      expect(await state.getAppById('00000000-0000-0000-0000-000000000000')).toBeUndefined();
    });

    it('bumps the version only when the definition changes, keeping id and created', async () => {
      const first = await state.putApp({
        definition: definition('crm'),
        sealedCredentials: null,
        fullSyncRequired: true,
      });
      const same = await state.putApp({
        definition: reordered(definition('crm')) as AppDefinition,
        sealedCredentials: null,
        fullSyncRequired: false,
      });
      expect(same).toMatchObject({ id: first.id, version: 1 });
      expect(same.updated.getTime()).toBe(first.updated.getTime());
      // An apply with fullSyncRequired false never clears a pending full sync.
      expect(same.fullSyncRequired).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const changed = await state.putApp({
        definition: definition('crm', 'changed'),
        sealedCredentials: null,
        fullSyncRequired: false,
      });
      expect(changed).toMatchObject({ id: first.id, version: 2 });
      expect(changed.definition.description).toBe('changed');
      expect(changed.created.getTime()).toBe(first.created.getTime());
      expect(changed.updated.getTime()).toBeGreaterThan(first.updated.getTime());
      // New credentials alone: same version, new updated time, the new ciphertext.
      await new Promise((resolve) => setTimeout(resolve, 5));
      const rekeyed = await state.putApp({
        definition: definition('crm', 'changed'),
        sealedCredentials: 'new',
        fullSyncRequired: false,
      });
      expect(rekeyed).toMatchObject({ version: 2, sealedCredentials: 'new' });
      expect(rekeyed.updated.getTime()).toBeGreaterThan(changed.updated.getTime());
      expect(await state.listApps()).toHaveLength(1);
    });

    it('keeps names unique and lists apps by name', async () => {
      await app('zeta');
      await app('alpha');
      await app('zeta');
      expect((await state.listApps()).map((a) => a.definition.name)).toEqual(['alpha', 'zeta']);
    });

    it('sets and clears fullSyncRequired', async () => {
      const id = await app();
      await state.setFullSyncRequired(id, false);
      expect((await state.getAppById(id))?.fullSyncRequired).toBe(false);
      await state.setFullSyncRequired(id, true);
      expect((await state.getApp('crm'))?.fullSyncRequired).toBe(true);
    });

    it('refuses an app name the file format does not allow, writing nothing', async () => {
      await expect(
        state.putApp({ definition: definition('Bad Name'), sealedCredentials: null, fullSyncRequired: true }),
      ).rejects.toThrow(/app name/);
      expect(await state.listApps()).toEqual([]);
    });
  });

  describe('audit', () => {
    it('appends entries and lists them newest first, by app and since, absent and null values apart', async () => {
      const first = await state.appendAudit({
        at: AT,
        actor: 'root',
        action: 'apply',
        app: 'crm',
        after: { a: 1 },
      });
      expect(first).toEqual({
        id: first.id,
        at: AT,
        actor: 'root',
        action: 'apply',
        app: 'crm',
        after: { a: 1 },
      });
      const second = await state.appendAudit({
        at: new Date(AT.getTime() + 1),
        actor: 'token:ops',
        action: 'delete',
        app: 'crm',
        before: { a: 1 },
        after: null,
      });
      const third = await state.appendAudit({
        at: new Date(AT.getTime() + 2),
        actor: 'root',
        action: 'restart',
      });
      expect(second.id).toBeGreaterThan(first.id);
      const all = await state.listAudit({});
      expect(all.map((e) => e.id)).toEqual([third.id, second.id, first.id]);
      expect(all[1]).toEqual(second);
      expect(all[1]).toHaveProperty('after', null);
      expect(all[0]).not.toHaveProperty('after');
      expect(all[0]).not.toHaveProperty('app');
      expect((await state.listAudit({ app: 'crm' })).map((e) => e.id)).toEqual([second.id, first.id]);
      expect((await state.listAudit({ since: new Date(AT.getTime() + 1) })).map((e) => e.id)).toEqual([
        third.id,
        second.id,
      ]);
      expect((await state.listAudit({ limit: 1 })).map((e) => e.id)).toEqual([third.id]);
      await expect(state.listAudit({ limit: 0 })).rejects.toThrow(/limit/);
    });
  });

  describe('links', () => {
    it('puts, reads, replaces and deletes a link; dates and JSON round-trip', async () => {
      const appId = await app();
      const input = link(appId, 'u1', {
        targetName: 'uid=u1,ou=people,dc=example,dc=com',
        exported: { userName: 'u1', nested: { deep: [1, 2.5, 'x', null, true] }, members: ['a', 'b'] },
      });
      const stored = await state.putLink(input);
      expect(withoutTimes(stored)).toEqual(input);
      const read = await state.getLink(appId, 'User', 'u1');
      expect(read).toEqual(stored);
      expect(read!.created).toBeInstanceOf(Date);
      expect(await state.getLink(appId, 'Group', 'u1')).toBeUndefined();
      await new Promise((resolve) => setTimeout(resolve, 5));
      const replaced = await state.putLink(link(appId, 'u1', { targetId: 'other', state: 'disabled' }));
      expect(replaced.created.getTime()).toBe(stored.created.getTime());
      expect(replaced.updated.getTime()).toBeGreaterThan(stored.updated.getTime());
      expect(replaced).not.toHaveProperty('targetName');
      expect(await state.getLink(appId, 'User', 'u1')).toEqual(replaced);
      expect(await state.findLinkByTarget(appId, 'User', 'other')).toEqual(replaced);
      expect(await state.findLinkByTarget(appId, 'User', 't-u1')).toBeUndefined();
      expect(await state.findLinkByTarget(appId, 'Group', 'other')).toBeUndefined();
      expect(await state.deleteLink(appId, 'User', 'u1')).toBe(true);
      expect(await state.deleteLink(appId, 'User', 'u1')).toBe(false);
      expect(await state.getLink(appId, 'User', 'u1')).toBeUndefined();
    });

    it('reads many links in one call, across chunks, ignoring unknown and repeated ids', async () => {
      const appId = await app();
      const all = ids(1200);
      await state.putLinks(all.map((id) => link(appId, id)));
      const wanted = [...all.filter((_, i) => i % 2 === 0), 'missing', all[0]!];
      const found = await state.getLinks(appId, 'User', wanted);
      expect(found.size).toBe(600);
      expect(withoutTimes(found.get(all[1000]!))).toEqual(link(appId, all[1000]!));
      expect(found.has(all[1]!)).toBe(false);
      expect((await state.getLinks(appId, 'Group', all)).size).toBe(0);
      expect((await state.getLinks(appId, 'User', [])).size).toBe(0);
    });

    it('writes a batch of links all or none, the last of a repeated source id winning', async () => {
      const appId = await app();
      const batch = ids(2500).map((id) => link(appId, id));
      await state.putLinks([...batch, link(appId, batch[3]!.sourceId, { targetId: 'last' })]);
      expect(await state.countLinks(appId)).toBe(2500);
      expect((await state.getLink(appId, 'User', batch[3]!.sourceId))?.targetId).toBe('last');
      const broken = [
        ...ids(900, 'n').map((id) => link(appId, id)),
        link(appId, 'bad', { state: 'gone' as 'active' }),
      ];
      await expect(state.putLinks(broken)).rejects.toThrow(/state/);
      expect(await state.countLinks(appId)).toBe(2500);
    });

    it('counts, pages, deletes by source ids and deletes all links of one app', async () => {
      const appId = await app();
      const otherId = await app('other');
      const users = ids(730);
      await state.putLinks(users.map((id) => link(appId, id)));
      await state.putLinks(ids(3, 'g').map((id) => link(appId, id, { objectType: 'Group' })));
      await state.putLink(link(otherId, 'x'));
      expect(await state.countLinks(appId)).toBe(733);
      expect(await state.countLinks(appId, 'User')).toBe(730);
      expect(await state.countLinks(appId, 'Group')).toBe(3);
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await state.listLinks(appId, 'User', {
          ...(after !== undefined ? { after } : {}),
          limit: 100,
        });
        if (page.length === 0) break;
        seen.push(...page.map((l) => l.sourceId));
        after = page[page.length - 1]!.sourceId;
      }
      expect(seen).toEqual(users);
      await expect(state.listLinks(appId, 'User', { limit: 0 })).rejects.toThrow(/limit/);
      expect(await state.deleteLinksBySource(appId, 'User', [...users.slice(0, 600), 'missing'])).toBe(600);
      expect(await state.countLinks(appId, 'User')).toBe(130);
      expect(await state.deleteLinksBySource(appId, 'User', [])).toBe(0);
      expect(await state.deleteLinks(appId)).toBe(133);
      expect(await state.countLinks(appId)).toBe(0);
      expect(await state.countLinks(otherId)).toBe(1);
    });

    it('pages the links whose ids or account names contain a search text, letter case aside', async () => {
      const appId = await app();
      const otherId = await app('other');
      await state.putLinks([
        link(appId, 'u1', { exported: { userName: 'Ada.Lovelace@example.com', uid: 'x1' } }),
        // The account's name is the first of userName, uid that is a string.
        link(appId, 'u2', { exported: { uid: 'ADA2' } }),
        link(appId, 'u3', { exported: { userName: 7, uid: 'ada3' } }),
        link(appId, 'u4', { targetId: 'cn=ada,ou=people', exported: { userName: 'x4' } }),
        link(appId, 'u5', { targetName: 'CN=Ada Five', exported: { userName: 'x5' } }),
        link(appId, 'ada-6', { exported: { userName: 'x6' } }),
        // Not a user's name: displayName, nor a uid behind a userName.
        link(appId, 'u7', { exported: { userName: 'grace', uid: 'ada7', displayName: 'Ada' } }),
        link(appId, 'u8', { exported: { userName: 'a%d_a' } }),
        link(appId, 'g1', { objectType: 'Group', exported: { displayName: 'Ada fans' } }),
        link(appId, 'g2', { objectType: 'Group', exported: { cn: 'ADA-admins' } }),
        link(appId, 'g3', { objectType: 'Group', exported: { userName: 'ada' } }),
        link(otherId, 'u1', { exported: { userName: 'ada' } }),
      ]);
      const found = async (objectType: 'User' | 'Group', search: string, limit = 100) => {
        const seen: string[] = [];
        let after: string | undefined;
        for (;;) {
          const page = await state.listLinks(appId, objectType, {
            ...(after !== undefined ? { after } : {}),
            search,
            limit,
          });
          seen.push(...page.map((l) => l.sourceId));
          if (page.length < limit) return seen;
          after = page[page.length - 1]!.sourceId;
        }
      };
      const users = ['ada-6', 'u1', 'u2', 'u3', 'u4', 'u5'];
      expect(await found('User', 'aDa')).toEqual(users);
      // The keyset continues within the matches.
      expect(await found('User', 'aDa', 2)).toEqual(users);
      expect(await found('Group', 'ADA')).toEqual(['g1', 'g2']);
      // LIKE's wildcards are plain characters.
      expect(await found('User', '%')).toEqual(['u8']);
      expect(await found('User', 'a%d_')).toEqual(['u8']);
      expect(await found('User', '_')).toEqual(['u8']);
      expect(await found('User', 'nobody')).toEqual([]);
    });

    it('keeps what was put, for any set of links (property)', async () => {
      const appId = await app();
      const key = fc.stringMatching(/^[a-zA-Z0-9._-]{1,12}$/);
      const text = fc.string({ maxLength: 20 });
      const json: fc.Arbitrary<JsonObject> = fc.dictionary(
        text,
        fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null), fc.array(text, { maxLength: 3 })),
        { maxKeys: 5 },
      ) as fc.Arbitrary<JsonObject>;
      const linkArb = fc.record({
        objectType: fc.constantFrom('User' as const, 'Group' as const),
        sourceId: key,
        targetId: text,
        targetName: fc.option(text, { nil: undefined }),
        exportedHash: fc.stringMatching(/^[0-9a-f]{1,64}$/),
        exported: json,
        state: fc.constantFrom('active' as const, 'disabled' as const),
      });
      await fc.assert(
        fc.asyncProperty(
          fc.array(linkArb, { maxLength: 25 }),
          fc.integer({ min: 1, max: 7 }),
          async (drawn, pageSize) => {
            await state.deleteLinks(appId);
            const expected = new Map<string, LinkInput>();
            for (const item of drawn) {
              const { targetName, ...rest } = item;
              const input: LinkInput = {
                appId,
                ...rest,
                ...(targetName !== undefined ? { targetName } : {}),
              };
              await state.putLink(input);
              expected.set(`${input.objectType}/${input.sourceId}`, input);
            }
            for (const input of expected.values()) {
              expect(withoutTimes(await state.getLink(appId, input.objectType, input.sourceId))).toEqual(
                input,
              );
            }
            for (const type of ['User', 'Group'] as const) {
              const listed: Link[] = [];
              let after: string | undefined;
              for (;;) {
                const page = await state.listLinks(appId, type, {
                  ...(after !== undefined ? { after } : {}),
                  limit: pageSize,
                });
                if (page.length === 0) break;
                listed.push(...page);
                after = page[page.length - 1]!.sourceId;
              }
              const want = [...expected.values()]
                .filter((l) => l.objectType === type)
                .sort((a, b) => (a.sourceId < b.sourceId ? -1 : a.sourceId > b.sourceId ? 1 : 0));
              expect(listed.map(withoutTimes)).toEqual(want);
            }
          },
        ),
        { numRuns: 25 },
      );
    });
  });

  describe('link batches', () => {
    it('keeps what putLinks wrote, whatever characters the values hold (property)', async () => {
      const appId = await app();
      // Characters that array literals, JSON and SQL quoting treat specially.
      const tricky = fc.string({
        unit: fc.constantFrom(
          'a',
          'Z',
          '"',
          "'",
          '\\',
          '{',
          '}',
          ',',
          ' ',
          '\n',
          'é',
          '😀',
          'NULL',
          '[',
          ']',
        ),
        maxLength: 12,
      });
      const linkArb = fc.record({
        sourceId: fc.stringMatching(/^[a-z0-9]{1,8}$/),
        targetId: tricky,
        targetName: fc.option(tricky, { nil: undefined }),
        exported: fc.dictionary(
          tricky,
          fc.oneof(tricky, fc.integer(), fc.constant(null), fc.array(tricky, { maxLength: 2 })),
          {
            maxKeys: 4,
          },
        ) as fc.Arbitrary<JsonObject>,
        state: fc.constantFrom('active' as const, 'disabled' as const),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(linkArb, { maxLength: 40 }), async (drawn) => {
          await state.deleteLinks(appId);
          const inputs = drawn.map(({ targetName, ...rest }): LinkInput => ({
            appId,
            objectType: 'User',
            exportedHash: 'h',
            ...rest,
            ...(targetName !== undefined ? { targetName } : {}),
          }));
          await state.putLinks(inputs);
          const expected = new Map(inputs.map((input) => [input.sourceId, input]));
          const found = await state.getLinks(appId, 'User', [...expected.keys()]);
          expect(new Map([...found].map(([id, stored]) => [id, withoutTimes(stored)]))).toEqual(expected);
        }),
        { numRuns: 30 },
      );
    });
  });

  describe('watermark', () => {
    it('is absent, then set, moved and cleared per app', async () => {
      const appId = await app();
      expect(await state.getWatermark(appId)).toBeUndefined();
      await state.setWatermark(appId, 41);
      await state.setWatermark(appId, 9_007_199_254_740_991);
      await state.setWatermark('other', 3);
      expect(await state.getWatermark(appId)).toBe(9_007_199_254_740_991);
      await state.clearWatermark(appId);
      expect(await state.getWatermark(appId)).toBeUndefined();
      expect(await state.getWatermark('other')).toBe(3);
      await expect(state.setWatermark(appId, -1)).rejects.toThrow(/seq/);
    });
  });

  describe('argument checks', () => {
    it('refuses invalid dates, limits and kinds before writing anything', async () => {
      const appId = await app();
      await expect(state.appendAudit({ at: new Date(Number.NaN), actor: 'a', action: 'b' })).rejects.toThrow(
        /valid Date/,
      );
      await expect(
        state.setQuarantine({
          appId,
          since: new Date('+010000-01-01T00:00:00Z'),
          level: 1,
          nextAttempt: AT,
          reason: 'r',
        }),
      ).rejects.toThrow(/9999/);
      await expect(state.dueEscrows(appId, AT, 0)).rejects.toThrow(/limit/);
      await expect(state.queryLog({ appId, status: 'odd' as 'success' })).rejects.toThrow(/status/);
      await expect(state.getLinks(appId, 'User', ['x'])).resolves.toHaveProperty('size', 0);
      await expect(state.putLink(link(appId, 'x', { objectType: 'Role' as 'User' }))).rejects.toThrow(
        /object type/,
      );
      await expect(state.setWatermark(appId, 1.5)).rejects.toThrow(/seq/);
      expect(await state.listAudit({})).toEqual([]);
      expect(await state.getQuarantine(appId)).toBeUndefined();
      expect(await state.countLinks(appId)).toBe(0);
    });
  });

  describe('escrows', () => {
    it('puts, replaces, lists due ones oldest first and clears', async () => {
      const appId = await app();
      const escrow = (sourceId: string, next: number, attempts = 1) => ({
        appId,
        objectType: 'User' as const,
        sourceId,
        attempts,
        firstFailure: AT,
        nextAttempt: new Date(AT.getTime() + next),
        lastError: { code: 'unavailable', message: 'down', retryable: true },
      });
      await state.putEscrow(escrow('late', 3000));
      await state.putEscrow(escrow('early', 1000));
      await state.putEscrow(escrow('mid', 2000));
      await state.putEscrow(escrow('mid', 1500, 2));
      expect(await state.getEscrow(appId, 'User', 'mid')).toEqual(escrow('mid', 1500, 2));
      expect(await state.getEscrow(appId, 'Group', 'mid')).toBeUndefined();
      const due = await state.dueEscrows(appId, new Date(AT.getTime() + 2000), 10);
      expect(due.map((e) => e.sourceId)).toEqual(['early', 'mid']);
      expect(
        (await state.dueEscrows(appId, new Date(AT.getTime() + 5000), 1)).map((e) => e.sourceId),
      ).toEqual(['early']);
      expect((await state.listEscrows(appId)).map((e) => e.sourceId)).toEqual(['early', 'mid', 'late']);
      expect(await state.deleteEscrow(appId, 'User', 'early')).toBe(true);
      expect(await state.deleteEscrow(appId, 'User', 'early')).toBe(false);
      expect(await state.clearEscrows(appId)).toBe(2);
      expect(await state.listEscrows(appId)).toEqual([]);
    });
  });

  describe('quarantine and deletion holds', () => {
    it('sets, replaces, reads and clears a quarantine', async () => {
      const appId = await app();
      expect(await state.getQuarantine(appId)).toBeUndefined();
      const quarantine = {
        appId,
        since: AT,
        level: 1,
        nextAttempt: new Date(AT.getTime() + 60_000),
        reason: 'auth',
      };
      await state.setQuarantine(quarantine);
      await state.setQuarantine({ ...quarantine, level: 2 });
      expect(await state.getQuarantine(appId)).toEqual({ ...quarantine, level: 2 });
      expect(await state.clearQuarantine(appId)).toBe(true);
      expect(await state.clearQuarantine(appId)).toBe(false);
      expect(await state.getQuarantine(appId)).toBeUndefined();
    });

    it('sets, approves, reads and clears a deletion hold', async () => {
      const appId = await app();
      const hold = { appId, since: AT, cycleId: 'c9', count: 700, threshold: 500, approved: false };
      await state.setDeletionHold(hold);
      expect(await state.getDeletionHold(appId)).toEqual(hold);
      await state.setDeletionHold({ ...hold, approved: true });
      expect(await state.getDeletionHold(appId)).toEqual({ ...hold, approved: true });
      expect(await state.clearDeletionHold(appId)).toBe(true);
      expect(await state.clearDeletionHold(appId)).toBe(false);
      expect(await state.getDeletionHold(appId)).toBeUndefined();
    });
  });

  describe('pauses', () => {
    it('pauses once, lists, reads and resumes an app; deleteApp removes its pause', async () => {
      const appId = await app();
      expect(await state.getPause(appId)).toBeUndefined();
      const pause = { appId, since: AT, actor: 'console:alice' };
      expect(await state.setPause(pause)).toEqual(pause);
      // A second pause keeps the first: who paused it and since when.
      expect(await state.setPause({ appId, since: new Date(AT.getTime() + 1000), actor: 'b' })).toEqual(
        pause,
      );
      expect(await state.listPauses()).toEqual([pause]);
      expect(await state.clearPause(appId)).toBe(true);
      expect(await state.clearPause(appId)).toBe(false);
      expect(await state.listPauses()).toEqual([]);
      await state.setPause(pause);
      const stored = await state.getAppById(appId);
      await state.deleteApp(stored!.definition.name);
      expect(await state.getPause(appId)).toBeUndefined();
    });
  });

  describe('pending references', () => {
    it('records who waits on whom, once, and forgets by holder and by app', async () => {
      const appId = await app();
      const ref = (sourceId: string, referencedId: string, objectType: 'User' | 'Group' = 'User') => ({
        appId,
        objectType,
        sourceId,
        referencedType: 'User' as const,
        referencedId,
      });
      await state.putPendingReference(ref('u2', 'boss'));
      await state.putPendingReference(ref('u2', 'boss'));
      await state.putPendingReference(ref('g1', 'boss', 'Group'));
      await state.putPendingReference(ref('u3', 'boss'));
      await state.putPendingReference(ref('u3', 'other'));
      expect(await state.waitingOn(appId, 'User', 'boss')).toEqual([
        ref('g1', 'boss', 'Group'),
        ref('u2', 'boss'),
        ref('u3', 'boss'),
      ]);
      expect(await state.waitingOn(appId, 'Group', 'boss')).toEqual([]);
      await state.deletePendingReferences(appId, 'User', 'u3');
      expect(await state.waitingOn(appId, 'User', 'other')).toEqual([]);
      expect(await state.clearPendingReferences(appId)).toBe(2);
      expect(await state.waitingOn(appId, 'User', 'boss')).toEqual([]);
    });
  });

  describe('cycles', () => {
    it('pages cycles newest first with a keyset that holds while new cycles start', async () => {
      const appId = await app();
      // Two cycles share a start time: the id orders them, and no page repeats or skips one.
      const starts = [0, 1000, 2000, 2000, 3000, 4000];
      for (const [i, offset] of starts.entries()) {
        await state.startCycle({
          id: `k${i}`,
          appId,
          kind: 'incremental',
          started: new Date(AT.getTime() + offset),
          summary: {},
        });
      }
      const first = await state.listCycles(appId, 2);
      expect(first.map((c) => c.id)).toEqual(['k5', 'k4']);
      await state.startCycle({
        id: 'k6',
        appId,
        kind: 'incremental',
        started: new Date(AT.getTime() + 9000),
        summary: {},
      });
      const last = first.at(-1)!;
      const second = await state.listCycles(appId, 2, { started: last.started, id: last.id });
      expect(second.map((c) => c.id)).toEqual(['k3', 'k2']);
      const third = await state.listCycles(appId, 5, { started: second[1]!.started, id: second[1]!.id });
      expect(third.map((c) => c.id)).toEqual(['k1', 'k0']);
      expect(await state.listCycles(appId, 5, { started: third[1]!.started, id: third[1]!.id })).toEqual([]);
    });

    it('starts and finishes cycles and lists them newest first', async () => {
      const appId = await app();
      const first = await state.startCycle({
        id: 'c1',
        appId,
        kind: 'initial',
        started: AT,
        summary: {},
        fromSeq: 0,
      });
      expect(first).toEqual({
        id: 'c1',
        appId,
        kind: 'initial',
        status: 'running',
        started: AT,
        summary: {},
        fromSeq: 0,
      });
      await state.finishCycle('c1', 'completed', { create: 3, success: 3 }, 17);
      await state.startCycle({
        id: 'c2',
        appId,
        kind: 'incremental',
        started: new Date(AT.getTime() + 1000),
        summary: {},
        fromSeq: 17,
      });
      const listed = await state.listCycles(appId, 10);
      expect(listed.map((c) => [c.id, c.status])).toEqual([
        ['c2', 'running'],
        ['c1', 'completed'],
      ]);
      expect(listed[1]).toMatchObject({ summary: { create: 3, success: 3 }, fromSeq: 0, toSeq: 17 });
      expect(listed[1]!.finished).toBeInstanceOf(Date);
      expect(listed[0]).not.toHaveProperty('finished');
      expect(await state.listCycles(appId, 1)).toHaveLength(1);
      await state.finishCycle('c2', 'failed', { failure: 1 });
      expect((await state.listCycles(appId, 1))[0]).toMatchObject({ status: 'failed', fromSeq: 17 });
      expect((await state.listCycles(appId, 1))[0]).not.toHaveProperty('toSeq');
      await expect(state.finishCycle('nope', 'completed', {})).rejects.toThrow(/no cycle/);
      await expect(
        state.startCycle({ id: 'c3', appId, kind: 'weekly' as 'initial', started: AT, summary: {} }),
      ).rejects.toThrow(/kind/);
    });
  });

  describe('leases', () => {
    it('takes, renews, refuses, lets expire and releases an app lease', async () => {
      const appId = await app();
      const t0 = new Date('2026-01-01T00:00:00.000Z');
      const at = (ms: number) => new Date(t0.getTime() + ms);
      expect(await state.acquireLease(appId, 'worker-a', 30_000, t0)).toEqual({
        acquired: true,
        expires: at(30_000),
      });
      expect(await state.acquireLease(appId, 'worker-a', 30_000, at(10_000))).toEqual({
        acquired: true,
        expires: at(40_000),
      });
      expect(await state.acquireLease(appId, 'worker-b', 30_000, at(20_000))).toEqual({
        acquired: false,
        holder: 'worker-a',
        expires: at(40_000),
      });
      // Expired: taken over.
      expect(await state.acquireLease(appId, 'worker-b', 30_000, at(40_000))).toEqual({
        acquired: true,
        expires: at(70_000),
      });
      // Releasing someone else's lease does nothing.
      await state.releaseLease(appId, 'worker-a');
      expect(await state.acquireLease(appId, 'worker-a', 1000, at(41_000))).toMatchObject({
        acquired: false,
        holder: 'worker-b',
      });
      await state.releaseLease(appId, 'worker-b');
      expect(await state.acquireLease(appId, 'worker-a', 1000, at(41_000))).toEqual({
        acquired: true,
        expires: at(42_000),
      });
      await expect(state.acquireLease(appId, 'worker-a', 0)).rejects.toThrow(/ttlMs/);
    });

    it('records where the holder runs and names it when refusing; renewals keep it current', async () => {
      const appId = await app();
      const t0 = new Date('2026-01-01T00:00:00.000Z');
      const at = (ms: number) => new Date(t0.getTime() + ms);
      const a = { host: 'host-a', pid: 4242 };
      expect(await state.acquireLease(appId, 'worker-a', 30_000, t0, { process: a })).toEqual({
        acquired: true,
        expires: at(30_000),
      });
      expect(await state.acquireLease(appId, 'worker-b', 30_000, at(1_000))).toEqual({
        acquired: false,
        holder: 'worker-a',
        expires: at(30_000),
        process: a,
      });
      // A renewal from a restarted process of the same holder name records the new pid.
      await state.acquireLease(appId, 'worker-a', 30_000, at(2_000), { process: { host: 'host-a', pid: 7 } });
      expect(await state.acquireLease(appId, 'worker-b', 30_000, at(3_000))).toMatchObject({
        process: { host: 'host-a', pid: 7 },
      });
      // The start time a holder records comes back with it (the pid-reuse check needs it).
      const started = { host: 'host-a', pid: 7, started: 'boot-1:123456' };
      await state.acquireLease(appId, 'worker-a', 30_000, at(2_500), { process: started });
      expect(await state.acquireLease(appId, 'worker-b', 30_000, at(3_000))).toMatchObject({
        process: started,
      });
      await expect(
        state.acquireLease(appId, 'worker-b', 1_000, t0, { process: { host: 'h', pid: 1, started: '' } }),
      ).rejects.toThrow(/started/);
      // A holder that records nothing is refused and named without a process.
      await state.releaseLease(appId, 'worker-a');
      await state.acquireLease(appId, 'worker-c', 30_000, at(4_000));
      const refused = await state.acquireLease(appId, 'worker-b', 30_000, at(5_000));
      expect(refused).toEqual({ acquired: false, holder: 'worker-c', expires: at(34_000) });
      await expect(
        state.acquireLease(appId, 'worker-b', 1_000, t0, { process: { host: '', pid: 1 } }),
      ).rejects.toThrow(/host/);
      await expect(
        state.acquireLease(appId, 'worker-b', 1_000, t0, { process: { host: 'h', pid: 0 } }),
      ).rejects.toThrow(/pid/);
    });

    it('takes over an unexpired lease only from the holder named as replaced', async () => {
      const appId = await app();
      const t0 = new Date('2026-01-01T00:00:00.000Z');
      const at = (ms: number) => new Date(t0.getTime() + ms);
      const dead = { host: 'host-a', pid: 999_999 };
      await state.acquireLease(appId, 'killed', 60_000, t0, { process: dead });
      // Naming another holder as replaced does not take the lease.
      expect(
        await state.acquireLease(appId, 'next', 60_000, at(1_000), { replacing: 'someone-else' }),
      ).toMatchObject({ acquired: false, holder: 'killed', process: dead });
      const next = { host: 'host-a', pid: 1234 };
      expect(
        await state.acquireLease(appId, 'next', 60_000, at(1_000), { process: next, replacing: 'killed' }),
      ).toEqual({ acquired: true, expires: at(61_000) });
      // The replaced holder's own renewal no longer succeeds; the new holder is named with its process.
      expect(await state.acquireLease(appId, 'third', 60_000, at(2_000), { replacing: 'killed' })).toEqual({
        acquired: false,
        holder: 'next',
        expires: at(61_000),
        process: next,
      });
    });

    it('lets exactly one of two instances replace the same dead holder', async () => {
      const appId = await app();
      const other = await handle.openAnother();
      const now = new Date();
      await state.acquireLease(appId, 'killed', 600_000, now, { process: { host: 'h', pid: 999_999 } });
      const tries = Array.from({ length: 8 }, (_, i) =>
        (i % 2 === 0 ? state : other.engineState).acquireLease(appId, `heir-${i}`, 60_000, now, {
          process: { host: 'h', pid: 100 + i },
          replacing: 'killed',
        }),
      );
      const results = await Promise.all(tries);
      const winners = results.flatMap((r, i) => (r.acquired ? [`heir-${i}`] : []));
      expect(winners).toHaveLength(1);
      for (const result of results) if (!result.acquired) expect(result.holder).toBe(winners[0]);
    });

    it('grants the lease to exactly one of two instances racing for it', async () => {
      const appId = await app();
      const other = await handle.openAnother();
      const now = new Date();
      const tries = Array.from({ length: 12 }, (_, i) =>
        (i % 2 === 0 ? state : other.engineState).acquireLease(appId, `holder-${i}`, 60_000, now),
      );
      const results = await Promise.all(tries);
      const winners = results.flatMap((r, i) => (r.acquired ? [`holder-${i}`] : []));
      expect(winners).toHaveLength(1);
      for (const result of results) {
        if (!result.acquired) expect(result.holder).toBe(winners[0]);
      }
    });
  });

  describe('provisioning log', () => {
    it('stores a prepared entry, its steps given as JSON text, as the same entry with its steps', async () => {
      const appId = await app();
      const withSteps = logEntry(appId, 1, { steps: [{ step: 'import', name: 'ä "quoted"', n: 2 }] });
      const { steps, ...rest } = withSteps;
      const prepared: PreparedLogEntry = { ...rest, sourceId: 'u2', stepsJson: JSON.stringify(steps) };
      await state.appendLog([withSteps, prepared]);
      const [second, first] = await state.queryLog({ appId });
      expect(first).toEqual({ ...withSteps, id: first!.id });
      expect(second).toEqual({ ...withSteps, sourceId: 'u2', id: second!.id });
    });

    it("stores a cycle's steps without what the columns hold and reads them back as recorded", async () => {
      const appId = await app();
      const createSteps: JsonObject[] = [
        { step: 'import', sourceId: 'u1', name: 'User1@Example.com', active: true },
        { step: 'scope', inScope: true, roles: ['User'] },
        {
          step: 'match',
          matched: false,
          via: 'attribute',
          attribute: 'userName',
          value: 'User1@Example.com',
          found: 0,
        },
        {
          step: 'action',
          action: 'create',
          changes: [
            { attribute: 'userName', old: null, new: 'User1@Example.com' },
            { attribute: 'active', old: null, new: true },
            { attribute: 'members', old: null, new: [{ value: 'u9', type: 'User' }] },
          ],
        },
        { step: 'result', status: 'success' },
      ];
      // Kept whole: an import step naming another object and a match on another value, a create
      // change with an old value, an import step of an object without a name, and an import step
      // without its source id.
      const otherName: JsonObject[] = [
        { step: 'import', sourceId: 'u2', name: 'someone@else', active: true },
        {
          step: 'match',
          matched: false,
          via: 'attribute',
          attribute: 'userName',
          value: 'someone@else',
          found: 0,
        },
      ];
      const oldValue: JsonObject[] = [
        { step: 'action', action: 'create', changes: [{ attribute: 'title', old: 'x', new: 'y' }] },
      ];
      const unnamed: JsonObject[] = [{ step: 'import', sourceId: 'g3', deleted: true }];
      const bare: JsonObject[] = [{ step: 'import', found: true }];
      const entries = [
        logEntry(appId, 1, { steps: createSteps }),
        logEntry(appId, 2, { steps: otherName }),
        logEntry(appId, 3, { steps: oldValue }),
        logEntry(appId, 4, { objectType: 'Group', sourceId: 'g3', sourceName: undefined, steps: unnamed }),
        logEntry(appId, 5, { steps: bare }),
      ];
      delete (entries[3] as { sourceName?: string }).sourceName;
      const { steps: _steps, ...rest } = entries[0]!;
      const prepared: PreparedLogEntry = {
        ...rest,
        stepsJson: storedStepsJson(createSteps, rest.sourceId, rest.sourceName),
      };
      await state.appendLog([...entries, prepared]);
      const read = (await state.queryLog({ appId })).slice().reverse();
      if (handle.backend === 'sqlite-file') {
        // Keys in the order they were recorded too (PostgreSQL's JSONB keeps no key order anyway).
        expect(read.map((e) => JSON.stringify(e.steps))).toEqual(
          [...entries.map((e) => e.steps), createSteps].map((s) => JSON.stringify(s)),
        );
      }
      expect(read.map(({ id: _id, ...entry }) => entry)).toEqual([...entries, entries[0]]);
      // What the rows hold: the create's steps without the import step's source id and name and
      // without the changes' "old": null, and shorter for it.
      const rows = await handle.query(`SELECT steps FROM engine_log ORDER BY id`);
      const stored = rows.map((r) => (typeof r.steps === 'string' ? r.steps : JSON.stringify(r.steps)));
      expect(stored[0]).not.toContain('"sourceId"');
      expect(stored[0]).not.toContain('"old"');
      expect(stored[0]).not.toContain('"value":"User1@Example.com"');
      expect(stored[0]!.length).toBeLessThan(JSON.stringify(createSteps).length - 40);
      expect(stored[5]).toEqual(stored[0]);
      expect(stored[1]).toContain('"sourceId"');
      expect(stored[1]).toContain('"value":"someone@else"');
      expect(stored[2]).toContain('"old"');
    });

    it('appends in batches and queries by status, action, object, cycle and since, newest first', async () => {
      const appId = await app();
      const entries = Array.from({ length: 2100 }, (_, i) =>
        logEntry(appId, i, {
          cycleId: i < 500 ? 'c1' : 'c2',
          status: i % 10 === 0 ? 'failure' : 'success',
          action: i % 3 === 0 ? 'update' : 'create',
          ...(i % 10 === 0 ? { error: { code: 'rejected', message: 'no', retryable: false } } : {}),
          ...(i % 5 === 0 ? { changeSeq: i, targetId: `t${i}`, reason: 'RedundantExport' } : {}),
        }),
      );
      await state.appendLog(entries);
      await state.appendLog([logEntry('other', 1)]);
      const newest = await state.queryLog({ appId });
      expect(newest).toHaveLength(100);
      expect(newest[0]).toEqual({ ...entries[2099], id: newest[0]!.id });
      expect(newest.map((e) => e.sourceId)).toEqual(
        entries
          .slice(2000)
          .reverse()
          .map((e) => e.sourceId),
      );
      const full = (await state.queryLog({ appId, object: 'u10' }))[0];
      expect(full).toEqual({ ...entries[10], id: full!.id });
      expect(full).toMatchObject({
        changeSeq: 10,
        targetId: 't10',
        reason: 'RedundantExport',
        error: { code: 'rejected' },
      });
      expect(newest[0]).not.toHaveProperty('error');
      expect(await state.queryLog({ appId, status: 'failure', limit: 5000 })).toHaveLength(210);
      expect(await state.queryLog({ appId, action: 'update', limit: 5000 })).toHaveLength(700);
      expect(await state.queryLog({ appId, status: 'failure', action: 'update', limit: 5000 })).toHaveLength(
        70,
      );
      expect(await state.queryLog({ appId, cycleId: 'c2', limit: 5000 })).toHaveLength(1600);
      expect((await state.queryLog({ appId, object: 'USER7@example.COM' })).map((e) => e.sourceId)).toEqual([
        'u7',
      ]);
      const since = await state.queryLog({ appId, since: entries[2050]!.at, limit: 5000 });
      expect(since.map((e) => e.sourceId)).toEqual(
        entries
          .slice(2050)
          .reverse()
          .map((e) => e.sourceId),
      );
      // Paging backwards with `before` visits every entry once.
      const paged: string[] = [];
      let before: number | undefined;
      for (;;) {
        const page = await state.queryLog({
          appId,
          cycleId: 'c1',
          limit: 128,
          ...(before !== undefined ? { before } : {}),
        });
        if (page.length === 0) break;
        paged.push(...page.map((e) => e.sourceId));
        before = page[page.length - 1]!.id;
      }
      expect(paged).toEqual(
        entries
          .slice(0, 500)
          .reverse()
          .map((e) => e.sourceId),
      );
      expect(await state.queryLog({ appId: 'nobody' })).toEqual([]);
    });

    it('queries before a time (until) and pages by keyset with every filter', async () => {
      const appId = await app();
      const entries = Array.from({ length: 300 }, (_, i) =>
        logEntry(appId, i, {
          status: i % 2 === 0 ? 'failure' : 'success',
          at: new Date(AT.getTime() + i * 1000),
        }),
      );
      await state.appendLog(entries);
      const until = await state.queryLog({ appId, until: new Date(AT.getTime() + 10_000), limit: 1000 });
      expect(until).toHaveLength(10);
      const seen: number[] = [];
      let before: number | undefined;
      for (;;) {
        const page = await state.queryLog({
          appId,
          status: 'failure',
          limit: 40,
          ...(before ? { before } : {}),
        });
        seen.push(...page.map((e) => e.id!));
        if (page.length < 40) break;
        before = page.at(-1)!.id;
      }
      expect(seen).toHaveLength(150);
      expect([...seen].sort((a, b) => b - a)).toEqual(seen);
    });

    it('finds one object by id or name across id buckets far apart, newest first, and pages through them', async () => {
      const appId = await app();
      // Entries of u1 (and others) at ids spread over buckets of 16,384 ids far apart: the query
      // must seek the buckets between in more than one batch, and never return an entry twice.
      const rounds = [1, 20_000, 5_000_000, 5_016_400, 12_000_000];
      const written: { cycleId: string; status: string }[] = [];
      for (const [round, next] of rounds.entries()) {
        await handle.skipLogIds(next);
        const batch = [0, 1, 2].map((i) =>
          logEntry(appId, i, { cycleId: `r${round}`, status: round % 2 === 0 ? 'success' : 'failure' }),
        );
        await state.appendLog(batch);
        written.push({ cycleId: `r${round}`, status: batch[1]!.status });
      }
      await state.appendLog([logEntry('other', 1)]);
      const newestFirst = [...written].reverse();
      const byId = await state.queryLog({ appId, object: 'u1' });
      expect(byId.map((e) => ({ cycleId: e.cycleId, status: e.status }))).toEqual(newestFirst);
      expect(byId.map((e) => e.id!)).toEqual([...byId.map((e) => e.id!)].sort((a, b) => b - a));
      expect(byId[0]!.id).toBeGreaterThanOrEqual(12_000_000);
      const byName = await state.queryLog({ appId, object: 'user1@EXAMPLE.com' });
      expect(byName.map((e) => e.id)).toEqual(byId.map((e) => e.id));
      expect(
        (await state.queryLog({ appId, object: 'u1', status: 'failure' })).map((e) => e.cycleId),
      ).toEqual(['r3', 'r1']);
      const paged: string[] = [];
      let before: number | undefined;
      for (;;) {
        const page = await state.queryLog({ appId, object: 'u1', limit: 2, ...(before ? { before } : {}) });
        if (page.length === 0) break;
        paged.push(...page.map((e) => e.cycleId));
        before = page.at(-1)!.id;
      }
      expect(paged).toEqual(newestFirst.map((e) => e.cycleId));
      expect(await state.queryLog({ appId, object: 'u1', before: 4_999_999 })).toHaveLength(2);
      expect(await state.queryLog({ appId, object: 'nobody' })).toEqual([]);
      expect(await state.queryLog({ appId: 'other', object: 'u2' })).toEqual([]);
    });

    it('keeps every entry of batches of any size, in order (property)', async () => {
      const appId = await app();
      // More distinct sizes than the compiled inserts keep, several over one statement's chunk.
      const size = fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 190, max: 460 }));
      let cycle = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(size, { minLength: 1, maxLength: 12 }), async (sizes) => {
          const cycleId = `sizes-${++cycle}`;
          const written: ProvisioningLogEntry[] = [];
          for (const count of sizes) {
            const batch = Array.from({ length: count }, (_, i) =>
              logEntry(appId, written.length + i, {
                cycleId,
                ...(i % 3 === 0 ? { targetId: `t${i}`, changeSeq: i } : {}),
              }),
            );
            await state.appendLog(batch);
            written.push(...batch);
          }
          const read: ProvisioningLogEntry[] = [];
          let before: number | undefined;
          for (;;) {
            const page = await state.queryLog({ appId, cycleId, limit: 500, ...(before ? { before } : {}) });
            if (page.length === 0) break;
            read.push(...page);
            before = page[page.length - 1]!.id;
          }
          expect(read.reverse().map(({ id: _id, ...entry }) => entry)).toEqual(written);
        }),
        { numRuns: 4 },
      );
    });

    it('writes nothing of a batch with an invalid entry', async () => {
      const appId = await app();
      const batch = Array.from({ length: 450 }, (_, i) => logEntry(appId, i));
      batch.push(logEntry(appId, 450, { status: 'odd' as 'success' }));
      await expect(state.appendLog(batch)).rejects.toThrow(/status/);
      expect(await state.queryLog({ appId })).toEqual([]);
    });

    it('prunes entries older than a time, of every app', async () => {
      const appId = await app();
      await state.appendLog(Array.from({ length: 20 }, (_, i) => logEntry(appId, i)));
      await state.appendLog([logEntry('other', 3)]);
      expect(await state.pruneLog(new Date(Date.UTC(2026, 0, 1, 0, 0, 0, 5)))).toBe(6);
      const left = await state.queryLog({ appId, limit: 100 });
      expect(left.map((e) => e.sourceId).reverse()).toEqual(
        Array.from({ length: 15 }, (_, i) => `u${i + 5}`),
      );
      expect(await state.queryLog({ appId: 'other' })).toEqual([]);
    });
  });

  describe('deleteApp', () => {
    async function populate(appId: string): Promise<void> {
      await state.putLink(link(appId, 'u1'));
      await state.setWatermark(appId, 5);
      await state.putEscrow({
        appId,
        objectType: 'User',
        sourceId: 'u1',
        attempts: 1,
        firstFailure: AT,
        nextAttempt: AT,
        lastError: { code: 'x' },
      });
      await state.setQuarantine({ appId, since: AT, level: 1, nextAttempt: AT, reason: 'r' });
      await state.setDeletionHold({
        appId,
        since: AT,
        cycleId: 'c',
        count: 1,
        threshold: 1,
        approved: false,
      });
      await state.putPendingReference({
        appId,
        objectType: 'User',
        sourceId: 'u1',
        referencedType: 'User',
        referencedId: 'u2',
      });
      await state.startCycle({ id: `cycle-${appId}`, appId, kind: 'initial', started: AT, summary: {} });
      await state.acquireLease(appId, 'w', 60_000);
      await state.appendLog([logEntry(appId, 1)]);
    }

    async function stateOf(appId: string): Promise<unknown[]> {
      return [
        await state.countLinks(appId),
        await state.getWatermark(appId),
        (await state.listEscrows(appId)).length,
        await state.getQuarantine(appId),
        await state.getDeletionHold(appId),
        (await state.waitingOn(appId, 'User', 'u2')).length,
        (await state.listCycles(appId, 10)).length,
        (await state.acquireLease(appId, 'probe', 1000)).acquired,
        (await state.queryLog({ appId })).length,
      ];
    }

    it('removes the app and all its state in one go, keeping other apps and the audit trail', async () => {
      const gone = await app('gone');
      const kept = await app('kept');
      await populate(gone);
      await populate(kept);
      await state.appendAudit({ at: AT, actor: 'root', action: 'apply', app: 'gone' });
      const keptBefore = await stateOf(kept);
      expect(await state.deleteApp('gone')).toBe(true);
      expect(await state.getApp('gone')).toBeUndefined();
      expect(await stateOf(gone)).toEqual([0, undefined, 0, undefined, undefined, 0, 0, true, 0]);
      await state.releaseLease(kept, 'probe');
      expect(await stateOf(kept)).toEqual(keptBefore.map((v, i) => (i === 7 ? false : v)));
      expect((await state.listAudit({ app: 'gone' })).map((e) => e.action)).toEqual(['apply']);
      expect(await state.deleteApp('gone')).toBe(false);
    });
  });

  describe('transactions', () => {
    it('commits all of its work or, when it throws, none', async () => {
      const appId = await app();
      await state.transaction(async (tx) => {
        await tx.putLink(link(appId, 'kept'));
        await tx.appendLog([logEntry(appId, 1)]);
        expect(await tx.getLink(appId, 'User', 'kept')).toBeDefined();
      });
      await expect(
        state.transaction(async (tx) => {
          await tx.putLink(link(appId, 'lost'));
          await tx.putLinks(ids(700, 'x').map((id) => link(appId, id)));
          await tx.setWatermark(appId, 99);
          await tx.putApp({
            definition: definition('lost-app'),
            sealedCredentials: null,
            fullSyncRequired: true,
          });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await state.getLink(appId, 'User', 'kept')).toBeDefined();
      expect(await state.getLink(appId, 'User', 'lost')).toBeUndefined();
      expect(await state.countLinks(appId)).toBe(1);
      expect(await state.getWatermark(appId)).toBeUndefined();
      expect(await state.getApp('lost-app')).toBeUndefined();
      expect(await state.queryLog({ appId })).toHaveLength(1);
    });

    it('goes on after a failed statement, and a failed nested transaction undoes only itself', async () => {
      const appId = await app();
      await state.startCycle({ id: 'dup', appId, kind: 'initial', started: AT, summary: {} });
      await state.transaction(async (tx) => {
        await tx.putLink(link(appId, 'before'));
        // A primary key violation: on PostgreSQL it would poison the transaction without a savepoint.
        await expect(
          tx.startCycle({ id: 'dup', appId, kind: 'initial', started: AT, summary: {} }),
        ).rejects.toThrow();
        await expect(
          tx.transaction(async (inner) => {
            await inner.putLink(link(appId, 'inner'));
            throw new Error('inner');
          }),
        ).rejects.toThrow('inner');
        await tx.transaction(async (inner) => {
          await inner.putLink(link(appId, 'nested'));
        });
        await tx.putLink(link(appId, 'after'));
      });
      const stored = await state.listLinks(appId, 'User', { limit: 10 });
      expect(stored.map((l) => l.sourceId)).toEqual(['after', 'before', 'nested']);
    });

    it('undoes a failed transaction two levels down and keeps its parent and siblings', async () => {
      const appId = await app();
      await state.transaction(async (tx) => {
        await tx.transaction(async (middle) => {
          await middle.putLink(link(appId, 'middle'));
          await expect(
            middle.transaction(async (inner) => {
              await inner.putLink(link(appId, 'inner'));
              await inner.appendLog([logEntry(appId, 1, { cycleId: 'nested' })]);
              throw new Error('inner');
            }),
          ).rejects.toThrow('inner');
          await middle.transaction(async (inner) => {
            await inner.putLinks([link(appId, 'sibling-1'), link(appId, 'sibling-2')]);
          });
        });
        // A middle level that fails after its own nested success takes that success with it.
        await expect(
          tx.transaction(async (middle) => {
            await middle.transaction(async (inner) => {
              await inner.putLink(link(appId, 'lost-inner'));
            });
            await middle.putLink(link(appId, 'lost-middle'));
            throw new Error('middle');
          }),
        ).rejects.toThrow('middle');
        await tx.appendLog([logEntry(appId, 2, { cycleId: 'nested' })]);
      });
      const stored = await state.listLinks(appId, 'User', { limit: 10 });
      expect(stored.map((l) => l.sourceId)).toEqual(['middle', 'sibling-1', 'sibling-2']);
      expect((await state.queryLog({ appId, cycleId: 'nested' })).map((e) => e.sourceId)).toEqual(['u2']);
    });

    it('spans the directory and the engine state in one transaction', async () => {
      const appId = await app();
      const { database } = handle;
      await expect(
        database.transaction(async ({ directory, engineState }) => {
          const user = await directory.create('User', { userName: 'lost' });
          await engineState.putLink(link(appId, user.id));
          throw new Error('undo');
        }),
      ).rejects.toThrow('undo');
      expect(await state.countLinks(appId)).toBe(0);
      expect((await database.directory.list('User', { startIndex: 1, count: 10 })).totalResults).toBe(0);
      const heard: number[] = [];
      const stop = database.directory.onChange((seq) => heard.push(seq));
      const created = await database.transaction(async ({ directory, engineState }) => {
        const user = await directory.create('User', { userName: 'kept' });
        await engineState.putLink(link(appId, user.id));
        return user;
      });
      stop();
      expect(await state.getLink(appId, 'User', created.id)).toBeDefined();
      expect((await database.directory.get('User', created.id))?.attributes.userName).toBe('kept');
      expect(heard.length).toBeGreaterThan(0);
    });

    it('interleaves engine writes with concurrent directory writes', async () => {
      const appId = await app();
      const { directory } = handle.database;
      await Promise.all([
        ...Array.from({ length: 40 }, (_, i) => directory.create('User', { userName: `user${i}` })),
        ...Array.from({ length: 40 }, (_, i) => state.putLink(link(appId, `s${i}`))),
        ...Array.from({ length: 5 }, (_, i) =>
          state.transaction(async (tx) => {
            await tx.appendLog([logEntry(appId, i)]);
            await tx.setWatermark(appId, i);
          }),
        ),
      ]);
      expect(await state.countLinks(appId)).toBe(40);
      expect((await directory.list('User', { startIndex: 1, count: 1 })).totalResults).toBe(40);
      expect(await state.queryLog({ appId })).toHaveLength(5);
    });
  });

  describe('migrations', () => {
    it('books the engine migrations apart from the directory ones and applies them once', async () => {
      const applied = async (table: string) =>
        (await handle.query(`SELECT id FROM ${table} ORDER BY id`)).map((row) => Number(row.id));
      expect(await applied('provisio_engine_migrations')).toEqual(engineMigrations.map((m) => m.id));
      expect(await applied('provisio_migrations')).toEqual(directoryMigrations.map((m) => m.id));
      // A second open finds everything applied and works on the same tables.
      const again = await handle.openAnother();
      expect(await applied('provisio_engine_migrations')).toEqual(engineMigrations.map((m) => m.id));
      const appId = await app();
      await again.engineState.putLink(link(appId, 'from-second'));
      expect(await state.getLink(appId, 'User', 'from-second')).toBeDefined();
    });
  });
}
