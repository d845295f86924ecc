/**
 * The notification webhook against a real HTTP receiver on 127.0.0.1: the body's exact shape,
 * retries after 5xx and 429 (Retry-After), giving up after the last attempt, no retry on 4xx,
 * timeouts, the bounded queue, and a sink that neither blocks nor throws.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/cycle/engine-service.js';
import { retryAfterMs, urlOrigin, createWebhookNotifier } from '../../src/engine/runtime/webhook-notifier.js';
import { webhookBody } from '../../src/engine/runtime/webhook-body.js';

interface Received {
  readonly method: string;
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: unknown;
}

/** A receiver whose answers are scripted: the i-th request gets `answers[i]` (the last repeats). */
async function receiver(
  answers: ((res: ServerResponse) => void)[],
): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        contentType: req.headers['content-type'],
        body: JSON.parse(text) as unknown,
      });
      const answer = answers[Math.min(received.length - 1, answers.length - 1)]!;
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/secret-token-123`, received, server };
}

const status =
  (code: number, headers: Record<string, string> = {}) =>
  (res: ServerResponse) => {
    res.writeHead(code, headers).end();
  };

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const at = new Date('2026-01-02T03:04:05.000Z');
const quarantined: EngineEvent = {
  type: 'quarantined',
  app: 'crm',
  quarantine: {
    appId: 'b6f1e7a0-0000-4000-8000-000000000001',
    since: at,
    level: 2,
    nextAttempt: new Date('2026-01-02T04:04:05.000Z'),
    reason: 'most operations failed: invalidCredentials',
  },
};
const held: EngineEvent = {
  type: 'deletionsHeld',
  app: 'crm',
  hold: {
    appId: 'b6f1e7a0-0000-4000-8000-000000000001',
    since: at,
    cycleId: 'cycle-7',
    count: 612,
    threshold: 500,
    approved: false,
  },
};
const escrowed: EngineEvent = {
  type: 'escrowed',
  app: 'crm',
  escrow: {
    appId: 'b6f1e7a0-0000-4000-8000-000000000001',
    objectType: 'User',
    sourceId: 'u-1',
    attempts: 3,
    firstFailure: at,
    nextAttempt: new Date('2026-01-02T03:34:05.000Z'),
    lastError: {
      code: 'schemaViolation',
      message: 'userName too long',
      retryable: false,
      // Anything beyond code, message and retryable stays out of the body.
      request: { authorization: 'Bearer should-never-leave' },
    },
  },
};

const fast = { backoffMs: 10, maxBackoffMs: 50, now: () => at, random: () => 0.5 };

describe('webhook body', () => {
  it('has one documented shape per notified event, built field by field', () => {
    expect(webhookBody(quarantined, 'id-1', at)).toEqual({
      version: 1,
      id: 'id-1',
      type: 'quarantined',
      app: 'crm',
      at: '2026-01-02T03:04:05.000Z',
      text: 'Provisioning of crm is quarantined (level 2): most operations failed: invalidCredentials. Next attempt 2026-01-02T04:04:05.000Z.',
      details: {
        since: '2026-01-02T03:04:05.000Z',
        level: 2,
        nextAttempt: '2026-01-02T04:04:05.000Z',
        reason: 'most operations failed: invalidCredentials',
      },
    });
    expect(webhookBody(held, 'id-2', at)).toEqual({
      version: 1,
      id: 'id-2',
      type: 'deletionsHeld',
      app: 'crm',
      at: '2026-01-02T03:04:05.000Z',
      text: 'Provisioning of crm is held: a cycle would disable or delete 612 objects (threshold 500). Run `provisio apps approve-deletes crm` to let them through.',
      details: { since: '2026-01-02T03:04:05.000Z', cycleId: 'cycle-7', count: 612, threshold: 500 },
    });
    const escrow = webhookBody(escrowed, 'id-3', at);
    expect(escrow).toEqual({
      version: 1,
      id: 'id-3',
      type: 'escrowed',
      app: 'crm',
      at: '2026-01-02T03:04:05.000Z',
      text: 'A User keeps failing in crm (3 attempts); it is retried in later cycles.',
      details: {
        objectType: 'User',
        sourceId: 'u-1',
        attempts: 3,
        firstFailure: '2026-01-02T03:04:05.000Z',
        nextAttempt: '2026-01-02T03:34:05.000Z',
        error: { code: 'schemaViolation', message: 'userName too long', retryable: false },
      },
    });
    expect(JSON.stringify(escrow)).not.toContain('should-never-leave');
    expect(webhookBody({ type: 'quarantineLifted', app: 'crm' }, 'id-4', at)).toEqual({
      version: 1,
      id: 'id-4',
      type: 'quarantineLifted',
      app: 'crm',
      at: '2026-01-02T03:04:05.000Z',
      text: 'Provisioning of crm left quarantine.',
      details: {},
    });
  });

  it('reads Retry-After as seconds or an HTTP date, and logs only the origin of a URL', () => {
    expect(retryAfterMs('3', at)).toBe(3000);
    expect(retryAfterMs(new Date(at.getTime() + 2000).toUTCString(), at)).toBe(2000);
    expect(retryAfterMs('soon', at)).toBeUndefined();
    expect(retryAfterMs(null, at)).toBeUndefined();
    expect(urlOrigin('https://user:pw@hooks.example.com/T0/B1/xyz?k=1')).toBe('https://hooks.example.com');
    expect(urlOrigin('not a url')).toBe('(invalid URL)');
  });
});

describe('webhook notifier', () => {
  it('POSTs the JSON body to the app URL and ignores apps without one and cycleFinished', async () => {
    const { url, received } = await receiver([status(204)]);
    const notifier = createWebhookNotifier({ urlFor: (app) => (app === 'crm' ? url : undefined), ...fast });
    notifier.sink(quarantined);
    notifier.sink({ ...quarantined, app: 'other' });
    notifier.sink({
      type: 'cycleFinished',
      app: 'crm',
      report: {
        cycleId: 'c',
        app: 'crm',
        kind: 'incremental',
        status: 'completed',
        started: at,
        finished: at,
        summary: { create: 0, update: 0, disable: 0, delete: 0, skip: 0, success: 0, failure: 0 },
        failures: [],
      },
    });
    await notifier.idle();
    expect(received).toHaveLength(1);
    expect(received[0]!.method).toBe('POST');
    expect(received[0]!.path).toBe('/hooks/secret-token-123');
    expect(received[0]!.contentType).toBe('application/json');
    const body = received[0]!.body as Record<string, unknown>;
    expect(body).toMatchObject({ version: 1, type: 'quarantined', app: 'crm', at: at.toISOString() });
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(notifier.stats()).toEqual({ delivered: 1, failed: 0, dropped: 0, pending: 0 });
    await notifier.close();
  });

  it('retries after a 500 with the same event id, in order, and delivers', async () => {
    const { url, received } = await receiver([status(500), status(503), status(200)]);
    const logs: string[] = [];
    const notifier = createWebhookNotifier({
      urlFor: () => url,
      ...fast,
      log: (level, message, fields) => logs.push(`${level} ${message} ${JSON.stringify(fields)}`),
    });
    notifier.sink(held);
    notifier.sink(escrowed);
    await notifier.idle();
    const ids = received.map((r) => (r.body as { id: string; type: string }).id);
    const types = received.map((r) => (r.body as { type: string }).type);
    expect(types).toEqual(['deletionsHeld', 'deletionsHeld', 'deletionsHeld', 'escrowed']);
    expect(new Set(ids.slice(0, 3)).size).toBe(1);
    expect(ids[3]).not.toBe(ids[0]);
    expect(notifier.stats()).toMatchObject({ delivered: 2, failed: 0 });
    expect(logs.filter((l) => l.includes('retrying'))).toHaveLength(2);
    // The path (with its token) is never logged.
    expect(logs.join('\n')).not.toContain('secret-token-123');
    await notifier.close();
  });

  it('gives up after maxAttempts and goes on with the next event', async () => {
    const { url, received } = await receiver([status(500), status(500), status(500), status(200)]);
    const logs: string[] = [];
    const notifier = createWebhookNotifier({
      urlFor: () => url,
      ...fast,
      maxAttempts: 3,
      log: (level, message) => logs.push(`${level} ${message}`),
    });
    notifier.sink(quarantined);
    notifier.sink(held);
    await notifier.idle();
    expect(received.map((r) => (r.body as { type: string }).type)).toEqual([
      'quarantined',
      'quarantined',
      'quarantined',
      'deletionsHeld',
    ]);
    expect(notifier.stats()).toMatchObject({ delivered: 1, failed: 1 });
    expect(logs).toContain('error webhook notification given up');
    await notifier.close();
  });

  it('does not retry a 4xx other than 408 and 429', async () => {
    const { url, received } = await receiver([status(404)]);
    const notifier = createWebhookNotifier({ urlFor: () => url, ...fast });
    notifier.sink(quarantined);
    await notifier.idle();
    expect(received).toHaveLength(1);
    expect(notifier.stats()).toMatchObject({ delivered: 0, failed: 1 });
    await notifier.close();
  });

  it('waits as long as Retry-After says on a 429', async () => {
    const { url, received } = await receiver([status(429, { 'retry-after': '1' }), status(200)]);
    const notifier = createWebhookNotifier({ urlFor: () => url, ...fast, maxBackoffMs: 5_000 });
    const started = Date.now();
    notifier.sink(quarantined);
    await notifier.idle();
    expect(received).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    await notifier.close();
  });

  it('times out a receiver that never answers and retries', async () => {
    let calls = 0;
    const { url } = await receiver([
      () => {
        calls++; // never answered
      },
      (res) => {
        calls++;
        res.writeHead(200).end();
      },
    ]);
    const notifier = createWebhookNotifier({ urlFor: () => url, ...fast, timeoutMs: 200 });
    notifier.sink(quarantined);
    await notifier.idle();
    expect(calls).toBe(2);
    expect(notifier.stats()).toMatchObject({ delivered: 1, failed: 0 });
    await notifier.close();
  });

  it('keeps a bounded queue, drops the oldest, and the sink returns at once without throwing', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { url, received } = await receiver([
      (res) => {
        void gate.then(() => res.writeHead(200).end());
      },
    ]);
    const notifier = createWebhookNotifier({ urlFor: () => url, ...fast, queueLimit: 2 });
    const started = performance.now();
    for (let level = 1; level <= 5; level++) {
      notifier.sink({ ...quarantined, quarantine: { ...quarantined.quarantine, level } } as EngineEvent);
    }
    expect(performance.now() - started).toBeLessThan(50);
    // A receiver URL that cannot be parsed or a throwing lookup never reaches the caller.
    const broken = createWebhookNotifier({
      urlFor: () => {
        throw new Error('lookup failed');
      },
    });
    expect(() => broken.sink(quarantined)).not.toThrow();
    const badUrl = createWebhookNotifier({ urlFor: () => 'not a url', ...fast, maxAttempts: 1 });
    expect(() => badUrl.sink(quarantined)).not.toThrow();
    await badUrl.idle();
    expect(badUrl.stats()).toMatchObject({ failed: 1 });

    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    await notifier.idle();
    const levels = received.map((r) => (r.body as { details: { level: number } }).details.level);
    // Level 1 was in flight; 2 and 3 were dropped for 4 and 5.
    expect(levels).toEqual([1, 4, 5]);
    expect(notifier.stats()).toEqual({ delivered: 3, failed: 0, dropped: 2, pending: 0 });
    await notifier.close();
  });

  it('close() abandons retries after the grace period', async () => {
    const { url } = await receiver([status(500)]);
    const notifier = createWebhookNotifier({
      urlFor: () => url,
      backoffMs: 10_000,
      maxBackoffMs: 10_000,
    });
    notifier.sink(quarantined);
    const started = Date.now();
    await notifier.close(100);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(notifier.stats()).toMatchObject({ pending: 0, failed: 1 });
    notifier.sink(held);
    expect(notifier.stats().pending).toBe(0);
  });
});
