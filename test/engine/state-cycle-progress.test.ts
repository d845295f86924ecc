/**
 * A running cycle's progress kept on its row (migration 0006): written by the process running the
 * cycle, read by another instance on the same database (another `serve` worker, in effect), on
 * SQLite and PostgreSQL; never written once the cycle has ended.
 */
import { describe, expect, it } from 'vitest';
import type { EngineStateStore } from '../../src/engine/state/engine-state.js';
import { TEST_PG_URL } from '../directory/store-harness.js';
import { postgresStateFactory, sqliteStateFactory, useFreshState } from './state-harness.js';
import type { StateFactory, StateHandle } from './state-harness.js';
import { definition } from './state-fixtures.js';

const AT = new Date('2026-03-04T05:06:07.891Z');

function progressSuite(factory: StateFactory): void {
  let handle: StateHandle;
  let state: EngineStateStore;
  useFreshState(factory, (fresh) => {
    handle = fresh;
    state = fresh.database.engineState;
  });

  async function runningCycle(id: string): Promise<string> {
    const app = await state.putApp({
      definition: definition('crm'),
      sealedCredentials: null,
      fullSyncRequired: false,
    });
    await state.startCycle({ id, appId: app.id, kind: 'initial', started: AT, summary: {} });
    return app.id;
  }

  it('shows the progress one instance records to another instance on the same database', async () => {
    const appId = await runningCycle('c1');
    const other = (await handle.openAnother()).engineState;
    expect((await other.listCycles(appId, 1))[0]).not.toHaveProperty('progress');

    expect(await state.recordCycleProgress('c1', { done: 40, total: 100_000 })).toBe(true);
    expect((await other.listCycles(appId, 1))[0]).toMatchObject({
      status: 'running',
      progress: { done: 40, total: 100_000 },
    });
    // An incremental cycle does not know its total: the counter stands alone.
    expect(await state.recordCycleProgress('c1', { done: 2 ** 40 })).toBe(true);
    const [row] = await other.listCycles(appId, 1);
    expect(row!.progress).toEqual({ done: 2 ** 40 });
  });

  it('leaves a finished cycle as it ended, and answers false for an unknown cycle', async () => {
    const appId = await runningCycle('c1');
    expect(await state.recordCycleProgress('c1', { done: 7, total: 9 })).toBe(true);
    await state.finishCycle('c1', 'completed', { create: 9, success: 9 });
    // A write still in flight when the cycle ended must not touch it.
    expect(await state.recordCycleProgress('c1', { done: 8, total: 9 })).toBe(false);
    expect((await state.listCycles(appId, 1))[0]).toMatchObject({
      status: 'completed',
      progress: { done: 7 },
    });
    expect(await state.recordCycleProgress('nope', { done: 1 })).toBe(false);
  });

  it('refuses counters that are not whole non-negative numbers, changing nothing', async () => {
    const appId = await runningCycle('c1');
    await expect(state.recordCycleProgress('c1', { done: -1 })).rejects.toThrow(
      /done must be a non-negative/,
    );
    await expect(state.recordCycleProgress('c1', { done: 1, total: 1.5 })).rejects.toThrow(
      /total must be a non-negative/,
    );
    expect((await state.listCycles(appId, 1))[0]).not.toHaveProperty('progress');
  });

  it('joins a transaction: rolled back with it', async () => {
    const appId = await runningCycle('c1');
    await expect(
      state.transaction(async (trx) => {
        await trx.recordCycleProgress('c1', { done: 5 });
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect((await state.listCycles(appId, 1))[0]).not.toHaveProperty('progress');
  });
}

describe('running cycle progress on SQLite (temp file)', () => {
  progressSuite(sqliteStateFactory());
});

const url = TEST_PG_URL;
if (url !== undefined && url !== '') {
  describe('running cycle progress on PostgreSQL', () => {
    progressSuite(postgresStateFactory(url));
  });
} else {
  describe.skip('running cycle progress on PostgreSQL (set PROVISIO_TEST_PG_URL to run)', () => undefined);
}
