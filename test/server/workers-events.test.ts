/**
 * `provisio serve --workers 2`: a cycle runs in the one worker holding its app's lease, yet every
 * event stream, on either worker, gets its start, progress and end, and a pause made through
 * either. Real processes on one real port, the SCIM test target as the application; on SQLite (a
 * polled table carries the events) and on PostgreSQL (NOTIFY) when PROVISIO_TEST_PG_URL is set.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { afterThisTest, runCleanups, waitFor } from './serve-process.js';
import { BACKENDS } from './server-harness.js';
import { startTwoWorkersApp } from './two-workers-app.js';
import { scimAppYaml } from '../support/scim-app-yaml.js';
import { openSseStream, type SseStream } from '../support/sse-stream.js';

afterEach(async () => {
  vi.restoreAllMocks();
  await runCleanups();
});

/** Streams connected at once: the cluster deals connections to the workers in turn, so both get some. */
const STREAMS = 4;
const USERS = 12;

describe.each(BACKENDS)('serve --workers 2: events of one worker reach streams on both (%s)', (backend) => {
  it('streams the start, progress and end of a cycle run in one worker, and a pause, to every stream', async () => {
    const { server, target, prefix, admin, app } = await startTwoWorkersApp(backend, USERS);

    const streams: SseStream[] = [];
    for (let i = 0; i < STREAMS; i++) {
      streams.push(
        await openSseStream(`${server.url}/admin/v1/events`, { authorization: `Bearer ${admin}` }),
      );
    }
    afterThisTest(() => streams.forEach((s) => s.close()));
    const adminCall = (method: string, path: string, body?: string) =>
      fetch(`${server.url}/admin/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${admin}`,
          ...(body !== undefined ? { 'content-type': 'application/yaml' } : {}),
        },
        ...(body !== undefined ? { body } : {}),
      });
    // Applying the app makes the worker that takes its lease run a first, initial cycle.
    const put = await adminCall(
      'PUT',
      `/apps/${app}`,
      scimAppYaml({ name: app, targetUrl: target.url, mappings: [] }),
    );
    expect(put.status, await put.text()).toBe(201);
    afterThisTest(async () => void (await adminCall('DELETE', `/apps/${app}`)));

    // The streams follow every app (this one does not exist yet when they open).
    const finished = (s: SseStream) =>
      s.events.find((e) => e.event === 'cycleFinished' && e.data.app === app);
    await waitFor(
      'every stream to see the cycle end',
      () => streams.every((s) => finished(s) !== undefined),
      90_000,
    );
    const cycleId = finished(streams[0]!)!.data.cycleId as string;
    for (const [i, stream] of streams.entries()) {
      const mine = stream.events.filter((e) => e.data.cycleId === cycleId);
      expect(mine[0], `stream ${i}`).toMatchObject({ event: 'cycleStarted', data: { app, kind: 'initial' } });
      expect(
        mine.some((e) => e.event === 'cycleProgress' && e.data.done > 0),
        `stream ${i}`,
      ).toBe(true);
      expect(mine.at(-1), `stream ${i}`).toMatchObject({
        event: 'cycleFinished',
        data: { app, status: 'completed', summary: { create: USERS, success: USERS } },
      });
      // Nothing twice: a worker's own events are not echoed back to it by the relay.
      expect(
        mine.filter((e) => e.event === 'cycleStarted'),
        `stream ${i}`,
      ).toHaveLength(1);
      expect(
        mine.filter((e) => e.event === 'cycleFinished'),
        `stream ${i}`,
      ).toHaveLength(1);
    }
    expect(target.resources('User')).toHaveLength(USERS);

    // A pause made through whichever worker answers reaches the streams on both.
    const pause = await adminCall('POST', `/apps/${app}/pause`);
    expect(pause.status).toBe(200);
    await waitFor(
      'every stream to see the pause',
      () => streams.every((s) => s.events.some((e) => e.event === 'paused' && e.data.app === app)),
      30_000,
    );
    for (const stream of streams) {
      const paused = stream.events.filter((e) => e.event === 'paused' && e.data.app === app);
      expect(paused.map(({ event, data }) => ({ event, data }))).toEqual([
        { event: 'paused', data: expect.objectContaining({ app, actor: `admin-token:${prefix}admin` }) },
      ]);
    }
  }, 180_000);
});
