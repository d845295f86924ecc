import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from './support/engine-harness.js';
import { createUser, openHarness, patchUser } from './support/engine-harness.js';
import { AppBusyError } from '../../src/engine/cycle/create-engine-service.js';
import { currentLeaseProcess, processStartTime } from '../../src/engine/cycle/lease-process.js';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe('failures', () => {
  it('retries a transient error within the cycle, waiting at least the Retry-After the target asked for', async () => {
    h = await openHarness({ settings: { scope: 'all' } });
    await createUser(h.directory, { userName: 'u@example.com' });
    h.target.faults.failNext(2, { code: 'throttled', retryAfterMs: 700, operations: ['create'] });
    const before = h.clock.time;
    const report = await h.engine.sync(h.app);
    expect(report.status).toBe('completed');
    expect(h.target.count('User')).toBe(1);
    expect(h.target.calls('create')).toBe(3);
    expect(h.clock.time - before).toBeGreaterThanOrEqual(1_400);
  });

  it('escrows an object that keeps failing without blocking the others, and retries it in a later cycle', async () => {
    h = await openHarness({ settings: { scope: 'all' } });
    await createUser(h.directory, { userName: 'good@example.com' });
    const bad = await createUser(h.directory, { userName: 'bad@example.com', title: 'x' });
    await h.engine.sync(h.app);
    await patchUser(h.directory, bad, [{ op: 'replace', path: 'title', value: 'y' }]);
    const good2 = await createUser(h.directory, { userName: 'good2@example.com' });
    void good2;
    h.target.faults.failNext(1, { code: 'schema_violation', operations: ['update'] });
    const report = await h.engine.sync(h.app);
    expect(report.status).toBe('completedWithFailures');
    expect(report.summary).toMatchObject({ create: 1, failure: 1 });
    const escrows = await h.state.listEscrows(h.appId);
    expect(escrows.map((e) => e.sourceId)).toEqual([bad]);
    expect(escrows[0]!.lastError).toMatchObject({ code: 'schema_violation', retryable: false });
    expect(h.events.some((e) => e.type === 'escrowed')).toBe(true);
    // The watermark passed the escrowed change: it is retried from the escrow once due.
    h.clock.advance(60_000);
    const retry = await h.engine.sync(h.app);
    expect(retry.summary.update).toBe(1);
    expect(await h.state.listEscrows(h.appId)).toEqual([]);
    expect(
      h.target.objects('User').find((u) => u.attributes.userName === 'bad@example.com')!.attributes.title,
    ).toBe('y');
  });

  it('finds a create whose answer was lost by matching before retrying it: no duplicate', async () => {
    h = await openHarness({ settings: { scope: 'all' } });
    await createUser(h.directory, { userName: 'u@example.com' });
    h.target.faults.loseAnswers(1, { operations: ['create'] });
    const report = await h.engine.sync(h.app);
    expect(report.status).toBe('completed');
    expect(h.target.count('User')).toBe(1);
    expect(h.target.calls('create')).toBe(1);
  });

  it('after a crash between a create and its link, the next cycle adopts the account instead of creating it again', async () => {
    h = await openHarness({ settings: { scope: 'all' } });
    const u = await createUser(h.directory, { userName: 'u@example.com' });
    h.target.faults.loseAnswers(1, { operations: ['create'], code: 'invalid_response' });
    const first = await h.engine.sync(h.app);
    expect(first.status).not.toBe('completed');
    expect(await h.state.getLink(h.appId, 'User', u)).toBeUndefined();
    await h.engine.sync(h.app, { restart: true });
    expect(h.target.count('User')).toBe(1);
    expect((await h.state.getLink(h.appId, 'User', u))!.targetId).toBe(h.target.objects('User')[0]!.id);
  });

  it('quarantines the app when every operation fails with invalid credentials, and leaves quarantine on the first success', async () => {
    h = await openHarness({ settings: { scope: 'all' } });
    for (let i = 0; i < 4; i++) await createUser(h.directory, { userName: `u${i}@example.com` });
    h.target.faults.failRate(1, { code: 'invalid_credentials' });
    const report = await h.engine.sync(h.app);
    expect(report.status).toBe('quarantined');
    const quarantine = await h.state.getQuarantine(h.appId);
    expect(quarantine).toMatchObject({ level: 1 });
    expect(h.events.some((e) => e.type === 'quarantined')).toBe(true);
    // The watermark did not move: nothing is lost.
    expect(await h.state.getWatermark(h.appId)).toBeUndefined();

    // Before its interval, a quarantined app is not tried at all.
    h.target.resetCounters();
    expect((await h.engine.sync(h.app)).status).toBe('quarantined');
    expect(h.target.calls()).toBe(0);

    // Still failing after the interval: the interval grows.
    h.clock.advance(quarantine!.nextAttempt.getTime() - h.clock.time + 1);
    await h.engine.sync(h.app);
    const second = await h.state.getQuarantine(h.appId);
    expect(second!.level).toBe(2);
    expect(second!.nextAttempt.getTime() - h.clock.time).toBeGreaterThan(
      quarantine!.nextAttempt.getTime() - quarantine!.since.getTime(),
    );

    h.target.faults.clear();
    h.clock.advance(second!.nextAttempt.getTime() - h.clock.time + 1);
    const healed = await h.engine.sync(h.app);
    expect(healed.status).toBe('completed');
    expect(h.target.count('User')).toBe(4);
    expect(await h.state.getQuarantine(h.appId)).toBeUndefined();
    expect(h.events.some((e) => e.type === 'quarantineLifted')).toBe(true);
  });

  it('stops sending work when the target is down, instead of failing every object in turn', async () => {
    h = await openHarness({ settings: { scope: 'all', concurrency: 1 } });
    for (let i = 0; i < 30; i++) await createUser(h.directory, { userName: `u${i}@example.com` });
    // Down after the connection test passed (connection-check.test.ts covers a failed test).
    h.target.faults.failRate(1, { code: 'unavailable', operations: ['find', 'create'] });
    const report = await h.engine.sync(h.app);
    expect(report.status).toBe('quarantined');
    expect(report.connectionError).toBeUndefined();
    // The test, then ten objects (their matching lookups), three attempts each; then the cycle stopped.
    expect(h.target.calls('testConnection')).toBe(1);
    expect(h.target.calls()).toBe(31);
    expect(await h.state.getWatermark(h.appId)).toBeUndefined();
  });

  it('restart clears watermark, escrows and quarantine but keeps links; reset also forgets links', async () => {
    h = await openHarness({ settings: { scope: 'all' } });
    const u = await createUser(h.directory, { userName: 'u@example.com' });
    await h.engine.sync(h.app);
    h.target.faults.failRate(1, { code: 'unavailable' });
    await patchUser(h.directory, u, [{ op: 'replace', path: 'title', value: 'x' }]);
    for (let i = 0; i < 3; i++) await createUser(h.directory, { userName: `more${i}@example.com` });
    await h.engine.sync(h.app);
    expect(await h.state.getQuarantine(h.appId)).toBeDefined();
    h.target.faults.clear();
    const restarted = await h.engine.sync(h.app, { restart: true, actor: 'admin' });
    expect(restarted.kind).toBe('initial');
    expect(restarted.status).toBe('completed');
    expect(await h.state.getQuarantine(h.appId)).toBeUndefined();
    expect(await h.state.listEscrows(h.appId)).toEqual([]);
    expect(h.target.count('User')).toBe(4);
    const audit = await h.state.listAudit({ app: h.app });
    expect(audit.some((a) => a.action === 'restart' && a.actor === 'admin')).toBe(true);

    const reset = await h.engine.sync(h.app, { reset: true });
    expect(reset.kind).toBe('initial');
    // The links are gone, so every account is matched again (adopted), never duplicated.
    expect(h.target.count('User')).toBe(4);
    expect(await h.state.countLinks(h.appId)).toBe(4);
  });
});

describe('scheduler', () => {
  it('starts no more calls per second than the rate limit', async () => {
    h = await openHarness({ settings: { scope: 'all', rateLimitPerSecond: 2, concurrency: 4 } });
    for (let i = 0; i < 6; i++) await createUser(h.directory, { userName: `u${i}@example.com` });
    const before = h.clock.time;
    await h.engine.sync(h.app);
    // 13 calls (the connection test, then a find and a create each) at 2 per second, the first 2
    // from the full bucket.
    expect(h.target.calls()).toBe(13);
    expect(h.target.calls('testConnection')).toBe(1);
    expect(h.clock.time - before).toBeGreaterThanOrEqual(5_400);
  });
});

describe('cancellation', () => {
  it('a cycle stopped through its signal sends nothing more, fails, and leaves the watermark', async () => {
    h = await openHarness({ settings: { scope: 'all' } });
    await createUser(h.directory, { userName: 'u@example.com' });
    const controller = new AbortController();
    controller.abort(new Error('shutting down'));
    await expect(h.engine.sync(h.app, { signal: controller.signal })).rejects.toThrow('shutting down');
    expect(h.target.count('User')).toBe(0);
    expect(await h.state.getWatermark(h.appId)).toBeUndefined();
    expect((await h.state.listCycles(h.appId, 1))[0]!.status).toBe('failed');
  });
});

describe('cancellation during a cycle', () => {
  it('a signal fired mid-cycle lets the current operation finish, starts no other, and the next cycle completes the rest', async () => {
    h = await openHarness({ settings: { scope: 'all', concurrency: 1 } });
    for (let i = 0; i < 5; i++) await createUser(h.directory, { userName: `u${i}@example.com` });
    const controller = new AbortController();
    const stopped = h.engine.sync(h.app, {
      signal: controller.signal,
      onProgress: (done) => {
        if (done === 1) controller.abort(new Error('SIGTERM received'));
      },
    });
    await expect(stopped).rejects.toThrow('SIGTERM received');
    // The operation in flight when the signal fired completed and was linked; nothing after it ran.
    expect(h.target.calls('create')).toBe(1);
    expect(h.target.count('User')).toBe(1);
    expect(await h.state.countLinks(h.appId, 'User')).toBe(1);
    expect(await h.state.getWatermark(h.appId)).toBeUndefined();
    expect((await h.state.listCycles(h.appId, 1))[0]!.status).toBe('failed');
    const next = await h.engine.sync(h.app);
    expect(next.status).toBe('completed');
    expect(next.summary.create).toBe(4);
    expect(h.target.count('User')).toBe(5);
  });
});

describe('lease', () => {
  it('a second worker fails at once naming the holder, or waits for the lease', async () => {
    h = await openHarness({ settings: { scope: 'all' } });
    await createUser(h.directory, { userName: 'u@example.com' });
    await h.state.acquireLease(h.appId, 'serve@host', 60_000, h.clock.now());
    const other = h.otherEngine();
    await expect(other.sync(h.app)).rejects.toThrow(AppBusyError);
    await expect(other.sync(h.app)).rejects.toThrow(/serve@host/);
    // Waiting: the holder's lease expires (it died) while the second worker waits.
    const waited = await other.sync(h.app, { leaseWaitMs: 120_000 });
    expect(waited.status).toBe('completed');
    // The lease is released after the cycle.
    expect((await h.state.acquireLease(h.appId, 'third', 1_000, h.clock.now())).acquired).toBe(true);
  });
  it('takes over at once from a holder on this host whose process is gone', async () => {
    h = await openHarness({ settings: { scope: 'all' } });
    await createUser(h.directory, { userName: 'u@example.com' });
    // A process that has exited: its pid no longer exists.
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const deadPid = Number(child.stdout.toString());
    expect(deadPid).toBeGreaterThan(0);
    const here = currentLeaseProcess();
    await h.state.acquireLease(h.appId, 'killed-sync', 3_600_000, h.clock.now(), {
      process: { host: here.host, pid: deadPid },
    });
    const report = await h.otherEngine().sync(h.app);
    expect(report.status).toBe('completed');
    expect(h.target.count('User')).toBe(1);
  });

  it.skipIf(!existsSync('/proc/self/stat'))(
    'takes over at once when the holder pid now belongs to a process that started later (pid reused)',
    async () => {
      h = await openHarness({ settings: { scope: 'all' } });
      await createUser(h.directory, { userName: 'u@example.com' });
      const here = currentLeaseProcess();
      expect(here.started).toMatch(/^[0-9a-f-]+:\d+$/);
      // A live process that is not the holder: its pid exists, its start time is not the recorded one.
      const unrelated = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
      try {
        const pid = unrelated.pid!;
        const started = processStartTime(pid);
        expect(started).toBeDefined();
        await h.state.acquireLease(h.appId, 'pid-reused', 3_600_000, h.clock.now(), {
          process: { host: here.host, pid, started: `${started!}0` },
        });
        expect((await h.otherEngine().sync(h.app)).status).toBe('completed');
        expect(h.target.count('User')).toBe(1);
        // The same pid with its own start time is the holder alive: waited for, not taken.
        await h.state.acquireLease(h.appId, 'alive', 3_600_000, h.clock.now(), {
          process: { host: here.host, pid, started: started! },
        });
        await expect(h.otherEngine().sync(h.app)).rejects.toThrow(/alive \(pid /);
      } finally {
        unrelated.kill();
      }
    },
  );

  it('waits for the lease of a live holder on this host and of any holder on another host', async () => {
    h = await openHarness({ settings: { scope: 'all' } });
    const here = currentLeaseProcess();
    // This very test process under another holder name: alive.
    await h.state.acquireLease(h.appId, 'live-here', 60_000, h.clock.now(), { process: here });
    const busy = await h
      .otherEngine()
      .sync(h.app)
      .catch((error: unknown) => error);
    expect(busy).toBeInstanceOf(AppBusyError);
    expect((busy as AppBusyError).process).toEqual(here);
    expect((busy as AppBusyError).message).toContain(`live-here (pid ${here.pid} on ${here.host})`);
    await h.state.releaseLease(h.appId, 'live-here');
    // Another host: its pids mean nothing here, so even a pid that does not exist here is waited for.
    await h.state.acquireLease(h.appId, 'elsewhere', 60_000, h.clock.now(), {
      process: { host: `not-${here.host}`, pid: 999_999 },
    });
    await expect(h.otherEngine().sync(h.app)).rejects.toThrow(/elsewhere \(pid 999999 on not-/);
  });

  it('keeps the lease held after a cycle with retainLease, and releases it without', async () => {
    h = await openHarness({ settings: { scope: 'all' } });
    await createUser(h.directory, { userName: 'u@example.com' });
    const retaining = h.otherEngine({ holder: 'serve-worker', retainLease: true });
    expect((await retaining.sync(h.app)).status).toBe('completed');
    expect(await h.state.acquireLease(h.appId, 'probe', 1_000, h.clock.now())).toMatchObject({
      acquired: false,
      holder: 'serve-worker',
      process: currentLeaseProcess(),
    });
    // The holder's next cycle renews its own lease; another engine is refused meanwhile.
    expect((await retaining.sync(h.app)).status).toBe('completed');
    await expect(h.engine.sync(h.app)).rejects.toThrow(/serve-worker/);
    await h.state.releaseLease(h.appId, 'serve-worker');
    expect((await h.engine.sync(h.app)).status).toBe('completed');
    expect(await h.state.acquireLease(h.appId, 'probe', 1_000, h.clock.now())).toMatchObject({
      acquired: true,
    });
  });
});
