/**
 * The connection test before cycles: a target that refuses the credentials or cannot be reached
 * fails the first cycle at once, in the connector's words, and quarantines the app; a passed test
 * is not repeated for every cycle; a quarantined app is tested again before its retry.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from './support/engine-harness.js';
import { createUser, openHarness } from './support/engine-harness.js';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe('testConnection before cycles', () => {
  it('fails the first cycle at once with the connector words and quarantines the app', async () => {
    h = await openHarness({ settings: { scope: 'all' } });
    for (let i = 0; i < 5; i++) await createUser(h.directory, { userName: `u${i}@example.com` });
    h.target.faults.failNext(1, { code: 'invalid_credentials', operations: ['testConnection'] });
    const report = await h.engine.sync(h.app);
    expect(report.status).toBe('quarantined');
    expect(report.connectionError).toMatchObject({ code: 'invalid_credentials', retryable: false });
    expect(report.quarantine?.reason).toMatch(/^test connection failed: invalid_credentials: /);
    expect(report.quarantine?.reason).toContain(report.connectionError!.message);
    expect(report.summary).toMatchObject({ create: 0, failure: 0 });
    // Not one object was tried: no lookups, no creates, no escrows, no log entries.
    expect(h.target.calls()).toBe(1);
    expect(h.target.calls('testConnection')).toBe(1);
    expect(await h.state.listEscrows(h.appId)).toEqual([]);
    expect(await h.state.queryLog({ appId: h.appId })).toEqual([]);
    expect(await h.state.getQuarantine(h.appId)).toMatchObject({ level: 1 });
    expect((await h.state.listCycles(h.appId, 1))[0]).toMatchObject({ status: 'quarantined' });
    expect(await h.state.getWatermark(h.appId)).toBeUndefined();
    expect(h.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['cycleStarted', 'quarantined', 'cycleFinished']),
    );

    // The quarantined app's retry tests again; the target is fine now, so the cycle runs and
    // the quarantine is lifted.
    const quarantine = (await h.state.getQuarantine(h.appId))!;
    h.clock.advance(quarantine.nextAttempt.getTime() - h.clock.time + 1);
    const healed = await h.engine.sync(h.app);
    expect(healed.status).toBe('completed');
    expect(h.target.calls('testConnection')).toBe(2);
    expect(h.target.count('User')).toBe(5);
    expect(await h.state.getQuarantine(h.appId)).toBeUndefined();
  });

  it('tests once per opened connector: later cycles of the same engine do not repeat it', async () => {
    h = await openHarness({ settings: { scope: 'all' } });
    await createUser(h.directory, { userName: 'a@example.com' });
    expect((await h.engine.sync(h.app)).status).toBe('completed');
    await createUser(h.directory, { userName: 'b@example.com' });
    expect((await h.engine.sync(h.app)).status).toBe('completed');
    expect(h.target.calls('testConnection')).toBe(1);
    // Another process (a second engine: `provisio sync`) tests before its own first cycle.
    expect((await h.otherEngine().sync(h.app)).status).toBe('completed');
    expect(h.target.calls('testConnection')).toBe(2);
    // Preview reads the target but changes nothing: no test, no quarantine.
    await h.engine.preview(h.app);
    expect(h.target.calls('testConnection')).toBe(2);
  });

  it('retries a transient failure of the test like any call', async () => {
    h = await openHarness({ settings: { scope: 'all' } });
    await createUser(h.directory, { userName: 'a@example.com' });
    h.target.faults.failNext(2, { code: 'unavailable', operations: ['testConnection'] });
    const report = await h.engine.sync(h.app);
    expect(report.status).toBe('completed');
    expect(h.target.calls('testConnection')).toBe(3);
    expect(h.target.count('User')).toBe(1);
  });

  it('an unreachable target fails fast after the retries, and is tested again after a quarantine ends', async () => {
    h = await openHarness({ settings: { scope: 'all' } });
    await createUser(h.directory, { userName: 'a@example.com' });
    await h.engine.sync(h.app);
    // The target goes down for every call: the cycle's own calls quarantine the app.
    h.target.faults.failRate(1, { code: 'unavailable' });
    for (let i = 0; i < 12; i++) await createUser(h.directory, { userName: `more${i}@example.com` });
    expect((await h.engine.sync(h.app)).status).toBe('quarantined');
    const before = h.target.calls('testConnection');
    const quarantine = (await h.state.getQuarantine(h.appId))!;
    h.clock.advance(quarantine.nextAttempt.getTime() - h.clock.time + 1);
    h.target.resetCounters();
    const retry = await h.engine.sync(h.app);
    expect(before).toBe(1);
    expect(retry.status).toBe('quarantined');
    expect(retry.connectionError).toMatchObject({ code: 'unavailable' });
    // Three attempts of the test (the retry policy), nothing else.
    expect(h.target.calls()).toBe(3);
    expect(await h.state.getQuarantine(h.appId)).toMatchObject({ level: 2 });
  });

  it('a passed test lifts the quarantine of a cycle with nothing to send; one passed test does not outweigh failing objects', async () => {
    h = await openHarness({ settings: { scope: 'all' } });
    await createUser(h.directory, { userName: 'a@example.com' });
    await h.engine.sync(h.app);
    // A new process meets a target refusing its credentials: quarantined, with nothing changed.
    const cli = h.otherEngine();
    h.target.faults.failNext(1, { code: 'invalid_credentials', operations: ['testConnection'] });
    expect((await cli.sync(h.app)).status).toBe('quarantined');
    const quarantine = (await h.state.getQuarantine(h.appId))!;
    h.clock.advance(quarantine.nextAttempt.getTime() - h.clock.time + 1);
    const lifted = await cli.sync(h.app);
    expect(lifted.status).toBe('completed');
    expect(lifted.summary.create + lifted.summary.update).toBe(0);
    expect(await h.state.getQuarantine(h.appId)).toBeUndefined();

    // The test passes but every object's call fails: the cycle's own calls decide, and quarantine.
    for (let i = 0; i < 5; i++) await createUser(h.directory, { userName: `b${i}@example.com` });
    h.target.faults.failRate(1, { code: 'invalid_credentials', operations: ['find', 'create'] });
    const failing = await h.otherEngine().sync(h.app);
    expect(failing.status).toBe('quarantined');
    expect(failing.connectionError).toBeUndefined();
  });
});
