/**
 * The engine runner's scheduling, with the real directory store (SQLite) waking it on commits:
 * the first cycle at once, near-real-time cycles after a commit (a burst coalesced), periodic
 * cycles, one runner per app through the lease (a dead holder replaced after its expiry),
 * quarantined and held apps, definitions re-read while running, errors retried, a clean stop.
 *
 * The apps and leases are the engine's real state store on the same SQLite file. The engine here
 * is a recording one (each `sync` is a call the test can see and hold open), so the assertions
 * are about when the runner starts cycles, which is what it owns.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DirectoryStore } from '../../src/directory/directory-store.js';
import { openProvisioDatabase } from '../../src/engine/state/open-engine-state.js';
import type { AppDefinition } from '../../src/engine/apps/app-definition.js';
import type { AppStatus, CycleReport, SyncOptions } from '../../src/engine/cycle/engine-service.js';
import type { DeletionHold, EngineStateStore, Quarantine } from '../../src/engine/state/engine-state.js';
import { startEngineRunner, type EngineRunner } from '../../src/engine/runtime/engine-runner.js';

const dirs: string[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The directory and the engine's state on one SQLite file, as serve opens them. */
async function open(): Promise<{ dir: DirectoryStore; state: AppsAndLeases }> {
  const folder = mkdtempSync(join(tmpdir(), 'provisio-runner-'));
  dirs.push(folder);
  const database = await openProvisioDatabase({ sqliteFile: join(folder, 'provisio.sqlite') });
  cleanups.push(() => database.close());
  return { dir: database.directory, state: new AppsAndLeases(database.engineState) };
}

function definition(name: string, settings: Partial<AppDefinition['settings']> = {}): AppDefinition {
  const objects = { enabled: true, actions: ['create', 'update', 'delete'] as const, mappings: [] };
  return {
    name,
    enabled: true,
    connector: { kind: 'memory', settings: {}, credentials: {} },
    appRoles: [{ value: 'User', displayName: 'User', default: true }],
    objects: { User: objects, Group: objects },
    settings: {
      scope: 'assigned',
      nestedGroupMembers: false,
      deprovisionAction: 'disable',
      skipOutOfScopeDeletions: false,
      deletionThreshold: { count: 500 },
      concurrency: 4,
      cycleIntervalMs: 60_000,
      nearRealTime: true,
      ...settings,
    },
  };
}

/** The engine's real state store on the same SQLite file, with the tests' short names for apps. */
class AppsAndLeases {
  readonly #ids = new Map<string, string>();
  constructor(readonly store: EngineStateStore) {}

  async put(key: string, def: AppDefinition, fullSyncRequired = false): Promise<void> {
    const stored = await this.store.putApp({
      definition: def,
      sealedCredentials: null,
      fullSyncRequired,
    });
    this.#ids.set(key, stored.id);
  }

  id(key: string): string {
    return this.#ids.get(key)!;
  }

  /** Who holds the app's lease now, or undefined when it is free (then left free). */
  async holder(key: string): Promise<string | undefined> {
    const probe = await this.store.acquireLease(this.id(key), 'probe', 1);
    if (!probe.acquired) return probe.holder;
    await this.store.releaseLease(this.id(key), 'probe');
    return undefined;
  }

  listApps = () => this.store.listApps();
  listPauses = () => this.store.listPauses();
  acquireLease: EngineStateStore['acquireLease'] = (...args) => this.store.acquireLease(...args);
  releaseLease: EngineStateStore['releaseLease'] = (...args) => this.store.releaseLease(...args);
}

interface SyncCall {
  readonly app: string;
  readonly at: number;
  readonly options: SyncOptions | undefined;
}

/** An engine whose cycles are recorded, answer what the test scripts and may be held open. */
class RecordingEngine {
  readonly calls: SyncCall[] = [];
  status_: Partial<Record<string, Partial<AppStatus>>> = {};
  nextStatus: CycleReport['status'] = 'completed';
  quarantine: Quarantine | undefined;
  hold: DeletionHold | undefined;
  fail: Error | undefined;
  delayMs = 0;
  #waiters: (() => void)[] = [];

  sync = async (app: string, options?: SyncOptions): Promise<CycleReport> => {
    const started = new Date();
    this.calls.push({ app, at: Date.now(), options });
    for (const wake of this.#waiters.splice(0)) wake();
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.fail) throw this.fail;
    return {
      cycleId: `c${this.calls.length}`,
      app,
      kind: 'incremental',
      status: this.nextStatus,
      started,
      finished: new Date(),
      summary: { create: 0, update: 0, disable: 0, delete: 0, skip: 0, success: 0, failure: 0 },
      failures: [],
      ...(this.quarantine && this.nextStatus === 'quarantined' ? { quarantine: this.quarantine } : {}),
      ...(this.hold && this.nextStatus === 'held' ? { hold: this.hold } : {}),
    };
  };

  status = async (app: string): Promise<AppStatus> => ({
    app,
    escrows: 0,
    linked: 0,
    ...this.status_[app],
  });

  /** Resolves once `count` cycles have started (rejects after `timeoutMs`). */
  async cycles(count: number, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.calls.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${this.calls.length} of ${count} cycles started`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function runner(
  dir: DirectoryStore,
  state: AppsAndLeases,
  engine: RecordingEngine,
  holder: string,
  extra: { leaseTtlMs?: number; appRefreshMs?: number } = {},
): Promise<EngineRunner> {
  const started = await startEngineRunner({
    directory: dir,
    state,
    engine,
    holder,
    leaseTtlMs: extra.leaseTtlMs ?? 600,
    debounceMs: 10,
    appRefreshMs: extra.appRefreshMs ?? 100,
    statusPollMs: 50,
  });
  cleanups.push(() => started.stop());
  return started;
}

describe('engine runner', () => {
  it('runs a cycle at once, then one shortly after each commit, coalescing a burst', async () => {
    const { dir, state } = await open();
    await state.put('app-1', definition('crm'));
    const engine = new RecordingEngine();
    await runner(dir, state, engine, 'host:1');
    await engine.cycles(1);
    expect(engine.calls[0]).toMatchObject({ app: 'crm', options: { leaseWaitMs: 0, actor: 'serve' } });
    expect(engine.calls[0]!.options?.signal).toBeInstanceOf(AbortSignal);

    const before = Date.now();
    await dir.create('User', { userName: 'ada@example.com' });
    await engine.cycles(2);
    expect(engine.calls[1]!.at - before).toBeLessThan(500);

    // A burst of writes while cycles take time: far fewer cycles than writes, and the last write
    // is followed by a cycle (nothing is left unprocessed).
    engine.delayMs = 50;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => dir.create('User', { userName: `u${i}@example.com` })),
    );
    const lastWrite = Date.now();
    await sleep(400);
    const afterBurst = engine.calls.slice(2);
    expect(afterBurst.length).toBeGreaterThanOrEqual(1);
    expect(afterBurst.length).toBeLessThanOrEqual(4);
    expect(engine.calls.at(-1)!.at).toBeGreaterThanOrEqual(lastWrite - 60);
  });

  it('runs periodic cycles without changes, and none on commits when near-real-time is off', async () => {
    const { dir, state } = await open();
    await state.put('app-1', definition('crm', { cycleIntervalMs: 150, nearRealTime: false }));
    const engine = new RecordingEngine();
    await runner(dir, state, engine, 'host:1');
    await engine.cycles(3, 2_000);
    const gaps = engine.calls.slice(1).map((c, i) => c.at - engine.calls[i]!.at);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(140);

    const count = engine.calls.length;
    await dir.create('User', { userName: 'ada@example.com' });
    await sleep(60);
    expect(engine.calls.length).toBe(count);
  });

  it('lets one runner of two run the app; the other takes over when it stops', async () => {
    const { dir, state } = await open();
    await state.put('app-1', definition('crm'));
    const engineA = new RecordingEngine();
    const engineB = new RecordingEngine();
    const a = await runner(dir, state, engineA, 'host:A');
    await engineA.cycles(1);
    const b = await runner(dir, state, engineB, 'host:B');
    await dir.create('User', { userName: 'ada@example.com' });
    await engineA.cycles(2);
    await sleep(300);
    expect(engineB.calls).toHaveLength(0);
    expect(b.apps()).toEqual([expect.objectContaining({ app: 'crm', holding: false, heldBy: 'host:A' })]);
    // Renewals keep A's lease beyond its first ttl.
    await sleep(500);
    expect(await state.holder('app-1')).toBe('host:A');

    // A releases the lease as it stops, so B takes over at its next try, well before the lease
    // would have expired.
    await a.stop();
    const stoppedAt = Date.now();
    await engineB.cycles(1, 2_000);
    expect(engineB.calls[0]!.at - stoppedAt).toBeLessThan(400);
    expect(await state.holder('app-1')).toBe('host:B');
  });

  it('takes over from a holder that died only once its lease has expired', async () => {
    const { dir, state } = await open();
    await state.put('app-1', definition('crm'));
    const taken = await state.acquireLease(state.id('app-1'), 'dead-host:9', 400);
    expect(taken.acquired).toBe(true);
    const expires = taken.expires.getTime();
    const engine = new RecordingEngine();
    await runner(dir, state, engine, 'host:1');
    await engine.cycles(1, 3_000);
    expect(engine.calls[0]!.at).toBeGreaterThanOrEqual(expires);
    expect(engine.calls[0]!.at - expires).toBeLessThan(400);
  });

  it('waits for a quarantine to end and ignores commits meanwhile', async () => {
    const { dir, state } = await open();
    await state.put('app-1', definition('crm'));
    const engine = new RecordingEngine();
    const nextAttempt = new Date(Date.now() + 500);
    engine.nextStatus = 'quarantined';
    engine.quarantine = { appId: 'app-1', since: new Date(), level: 1, nextAttempt, reason: 'target down' };
    const run = await runner(dir, state, engine, 'host:1');
    await engine.cycles(1);
    engine.nextStatus = 'completed';
    await dir.create('User', { userName: 'ada@example.com' });
    await sleep(150);
    expect(engine.calls).toHaveLength(1);
    expect(run.apps()[0]).toMatchObject({ blocked: 'quarantined' });
    await engine.cycles(2, 2_000);
    expect(engine.calls[1]!.at).toBeGreaterThanOrEqual(nextAttempt.getTime() - 5);
    expect(run.apps()[0]!.blocked).toBeUndefined();
  });

  it('holds still while deletions are held and runs once they are approved', async () => {
    const { dir, state } = await open();
    await state.put('app-1', definition('crm'));
    const engine = new RecordingEngine();
    const hold: DeletionHold = {
      appId: 'app-1',
      since: new Date(),
      cycleId: 'c1',
      count: 600,
      threshold: 500,
      approved: false,
    };
    engine.nextStatus = 'held';
    engine.hold = hold;
    engine.status_.crm = { hold };
    const run = await runner(dir, state, engine, 'host:1');
    await engine.cycles(1);
    await dir.create('User', { userName: 'ada@example.com' });
    await sleep(200);
    expect(engine.calls).toHaveLength(1);
    expect(run.apps()[0]).toMatchObject({ blocked: 'held' });

    engine.nextStatus = 'completed';
    engine.status_.crm = { hold: { ...hold, approved: true } };
    await engine.cycles(2, 2_000);
  });

  it('reads a held or quarantined state when it takes the lease, before any cycle', async () => {
    const { dir, state } = await open();
    await state.put('app-1', definition('crm'));
    const engine = new RecordingEngine();
    engine.status_.crm = {
      quarantine: {
        appId: 'app-1',
        since: new Date(),
        level: 2,
        nextAttempt: new Date(Date.now() + 300),
        reason: 'bad credentials',
      },
    };
    const started = Date.now();
    await runner(dir, state, engine, 'host:1');
    await engine.cycles(1, 2_000);
    expect(engine.calls[0]!.at - started).toBeGreaterThanOrEqual(290);
  });

  it('follows definition changes: a new app starts, a disabled one stops and releases its lease', async () => {
    const { dir, state } = await open();
    await state.put('app-1', definition('crm'));
    const engine = new RecordingEngine();
    const run = await runner(dir, state, engine, 'host:1');
    await engine.cycles(1);

    await state.put('app-2', definition('hr'));
    await engine.cycles(2, 2_000);
    expect(engine.calls[1]!.app).toBe('hr');

    // A changed definition runs a cycle at once.
    await state.put('app-2', definition('hr', { cycleIntervalMs: 120_000 }));
    await engine.cycles(3, 2_000);
    expect(engine.calls[2]!.app).toBe('hr');

    await state.put('app-1', { ...definition('crm'), enabled: false });
    await run.refresh();
    await sleep(50);
    expect(run.apps().map((a) => a.app)).toEqual(['hr']);
    expect(await state.holder('app-1')).toBeUndefined();
    const count = engine.calls.length;
    await dir.create('User', { userName: 'ada@example.com' });
    await engine.cycles(count + 1);
    expect(engine.calls.slice(count).map((c) => c.app)).toEqual(['hr']);
  });

  it('starts no second cycle when its first one clears fullSyncRequired, one when it is set again', async () => {
    const { dir, state } = await open();
    await state.put('app-1', definition('crm', { nearRealTime: false }), true);
    const engine = new RecordingEngine();
    const clearing = engine.sync;
    // As the engine's initial cycle does: the flag is cleared at its end.
    engine.sync = async (app, options) => {
      const report = await clearing(app, options);
      await state.store.setFullSyncRequired(state.id('app-1'), false);
      return report;
    };
    const run = await runner(dir, state, engine, 'host:1');
    await engine.cycles(1);
    // Refreshes read the cleared flag (every 100 ms here); none of them is a reason for a cycle.
    await sleep(400);
    await run.refresh();
    expect(engine.calls).toHaveLength(1);

    await state.store.setFullSyncRequired(state.id('app-1'), true);
    await run.refresh();
    await engine.cycles(2, 2_000);
    await sleep(300);
    expect(engine.calls).toHaveLength(2);
  });

  it('logs a failing cycle and retries it with backoff, without stopping', async () => {
    const { dir, state } = await open();
    await state.put('app-1', definition('crm'));
    const engine = new RecordingEngine();
    engine.fail = new Error('connector module not found');
    const logs: string[] = [];
    const run = await startEngineRunner({
      directory: dir,
      state,
      engine,
      holder: 'host:1',
      leaseTtlMs: 600,
      debounceMs: 10,
      log: (level, message, fields) => logs.push(`${level} ${message} ${String(fields.error ?? '')}`),
    });
    cleanups.push(() => run.stop());
    await engine.cycles(2, 3_000);
    // 1 s after the first failure, not at once.
    expect(engine.calls[1]!.at - engine.calls[0]!.at).toBeGreaterThanOrEqual(950);
    expect(logs).toContain('error cycle failed; retrying connector module not found');
    engine.fail = undefined;
    await engine.cycles(3, 3_000);
  });

  it('stop() lets the current cycle finish, aborts its signal and releases the lease', async () => {
    const { dir, state } = await open();
    await state.put('app-1', definition('crm'));
    const engine = new RecordingEngine();
    engine.delayMs = 300;
    const run = await runner(dir, state, engine, 'host:1');
    await engine.cycles(1);
    const stopping = Date.now();
    await run.stop();
    expect(Date.now() - stopping).toBeGreaterThanOrEqual(250);
    expect(engine.calls[0]!.options?.signal?.aborted).toBe(true);
    expect(await state.holder('app-1')).toBeUndefined();
    const count = engine.calls.length;
    await dir.create('User', { userName: 'ada@example.com' });
    await sleep(100);
    expect(engine.calls).toHaveLength(count);
  });
});
