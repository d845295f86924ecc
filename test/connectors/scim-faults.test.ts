/**
 * Every fault the test target injects reaches the engine as the right ConnectorError, over real
 * HTTP: throttling with its Retry-After, 5xx, timeouts, resets, a write answered 500, malformed
 * answers, refusals; and the limits hold: concurrency, the rate limit, keep-alive reuse.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { ConnectorError, CONNECTOR_ERROR_RETRYABLE } from '../../src/connectors/spi/index.js';
import { scimConnectorFor, startScimTarget, testSignal as signal } from '../support/scim-target/index.js';

const target = await startScimTarget();
const scim = scimConnectorFor(target.url, { timeouts: { connectMs: 1000, requestMs: 400 } });
afterAll(async () => {
  await scim.close!();
  await target.close();
});
beforeEach(() => {
  target.faults.clear();
  target.log.length = 0;
});

let n = 0;
const user = () => ({ objectType: 'User' as const, attributes: { userName: `fault-${++n}@example.com` } });
async function failure(run: Promise<unknown>): Promise<ConnectorError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

describe('faults are classified', () => {
  it('429 with Retry-After is throttled, with the delay for the engine to wait', async () => {
    target.faults.add({ kind: 'throttle', rate: 1, retryAfterSeconds: 7 });
    const error = await failure(scim.create(user(), signal()));
    expect(error).toMatchObject({ code: 'throttled', retryable: true, retryAfterMs: 7000, targetCode: 429 });
  });

  it('429 without Retry-After is throttled without a delay', async () => {
    target.faults.add({ kind: 'throttle', rate: 1 });
    expect(await failure(scim.create(user(), signal()))).toMatchObject({
      code: 'throttled',
      retryAfterMs: undefined,
    });
  });

  it('503 with Retry-After carries the delay; without it, it is unavailable', async () => {
    target.faults.add({ kind: 'error503', rate: 1, retryAfterSeconds: 3 });
    expect(await failure(scim.create(user(), signal()))).toMatchObject({
      code: 'throttled',
      retryAfterMs: 3000,
      targetCode: 503,
    });
    target.faults.clear();
    target.faults.add({ kind: 'error503', rate: 1 });
    expect(await failure(scim.create(user(), signal()))).toMatchObject({
      code: 'unavailable',
      targetCode: 503,
    });
  });

  it('500 is unavailable (retryable)', async () => {
    target.faults.add({ kind: 'error500', rate: 1 });
    expect(await failure(scim.create(user(), signal()))).toMatchObject({
      code: 'unavailable',
      retryable: true,
    });
  });

  it('no answer within requestMs is timeout, and the connector does not wait longer', async () => {
    target.faults.add({ kind: 'timeout', rate: 1 });
    const started = performance.now();
    expect(await failure(scim.create(user(), signal()))).toMatchObject({ code: 'timeout', retryable: true });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('a reset connection is unavailable', async () => {
    target.faults.add({ kind: 'reset', rate: 1 });
    expect(await failure(scim.create(user(), signal()))).toMatchObject({
      code: 'unavailable',
      targetCode: 'ECONNRESET',
    });
    // Idempotent reads are reset too (and retried once on a reused socket): still unavailable.
    expect(await failure(scim.get!({ objectType: 'User', ref: { id: 'u1' } }, signal()))).toMatchObject({
      code: 'unavailable',
    });
  });

  it('a write that succeeds but answers 500 is unavailable; the retry then meets already_exists', async () => {
    target.faults.add({ kind: 'lostAnswer', rate: 1, methods: ['POST'] });
    const request = user();
    expect(await failure(scim.create(request, signal()))).toMatchObject({ code: 'unavailable' });
    expect(target.resources('User').some((u) => u.userName === request.attributes.userName)).toBe(true);
    target.faults.clear();
    expect(await failure(scim.create(request, signal()))).toMatchObject({ code: 'already_exists' });
  });

  it('latency under the timeout is just slower', async () => {
    target.faults.add({ kind: 'latency', rate: 1, latencyMs: 100 });
    const created = await scim.create(user(), signal());
    expect(created.id).toMatch(/^u/u);
  });

  it('an abort while the request is in flight rejects at once as timeout', async () => {
    target.faults.add({ kind: 'latency', rate: 1, latencyMs: 300 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new DOMException('stop', 'AbortError')), 30);
    const started = performance.now();
    expect(await failure(scim.create(user(), controller.signal))).toMatchObject({ code: 'timeout' });
    expect(performance.now() - started).toBeLessThan(250);
  });

  it('400 invalidValue is schema_violation with the target’s detail', async () => {
    const error = await failure(
      scim.create({ objectType: 'User', attributes: { displayName: 'no userName' } }, signal()),
    );
    expect(error).toMatchObject({ code: 'schema_violation', targetCode: 400 });
    expect(error.detail).toBe('invalidValue: userName is required');
  });

  it('401 is invalid_credentials, 403 permission_denied, 404 not_found', async () => {
    const wrong = scimConnectorFor(target.url, {}, { token: 'wrong-token' });
    expect(await failure(wrong.create(user(), signal()))).toMatchObject({
      code: 'invalid_credentials',
      targetCode: 401,
    });
    await wrong.close!();
    target.faults.add({ kind: 'respond', rate: 1, status: 403, body: '{"detail":"read only"}' });
    expect(await failure(scim.create(user(), signal()))).toMatchObject({
      code: 'permission_denied',
      detail: 'read only',
    });
    target.faults.clear();
    expect(await failure(scim.get!({ objectType: 'User', ref: { id: 'missing' } }, signal()))).toMatchObject({
      code: 'not_found',
    });
  });

  it('a refused connection is unavailable', async () => {
    const port = await freePort();
    const c = scimConnectorFor(`http://127.0.0.1:${port}/scim/v2`);
    expect(await failure(c.create(user(), signal()))).toMatchObject({
      code: 'unavailable',
      targetCode: 'ECONNREFUSED',
    });
    await c.close!();
  });
});

describe('malformed answers are invalid_response, never a crash', () => {
  const cases: [
    string,
    { status: number; body: string; contentType?: string; methods?: string[] },
    RegExp,
  ][] = [
    [
      'a create answered without an id',
      { status: 201, body: '{"userName":"x"}', methods: ['POST'] },
      /without an id/u,
    ],
    ['a create answered with an empty body', { status: 201, body: '', methods: ['POST'] }, /no body/u],
    ['an answer that is not JSON', { status: 201, body: '{"id": "u1"', methods: ['POST'] }, /not JSON/u],
    [
      'an HTML page',
      { status: 200, body: '<html>login</html>', contentType: 'text/html', methods: ['POST'] },
      /text\/html/u,
    ],
    ['a JSON array', { status: 201, body: '[1,2]', methods: ['POST'] }, /not a resource/u],
  ];
  for (const [title, answer, message] of cases) {
    it(title, async () => {
      target.faults.add({ kind: 'respond', rate: 1, ...answer });
      const error = await failure(scim.create(user(), signal()));
      expect(error.code).toBe('invalid_response');
      expect(error.message).toMatch(message);
    });
  }

  it('a list answer without totalResults or with a resource without id', async () => {
    target.faults.add({ kind: 'respond', rate: 1, status: 200, body: '{"Resources":[]}', methods: ['GET'] });
    expect(await failure(scim.list!({ objectType: 'User', pageSize: 5 }, signal()))).toMatchObject({
      code: 'invalid_response',
    });
    target.faults.clear();
    target.faults.add({
      kind: 'respond',
      rate: 1,
      status: 200,
      body: '{"totalResults":1,"Resources":[{"userName":"x"}]}',
      methods: ['GET'],
    });
    const error = await failure(
      scim.find!({ objectType: 'User', attribute: 'userName', value: 'x' }, signal()),
    );
    expect(error).toMatchObject({
      code: 'invalid_response',
      message: expect.stringContaining('Resources[0]'),
    });
  });

  it('under random faults of every kind, each failure is a retryable ConnectorError', async () => {
    target.faults.reseed(42);
    for (const kind of ['throttle', 'error500', 'error503', 'reset', 'lostAnswer'] as const) {
      target.faults.add({ kind, rate: 0.1, retryAfterSeconds: 1 });
    }
    target.faults.add({ kind: 'latency', rate: 0.3, latencyMs: 20 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 60 }, () => scim.create(user(), signal())),
    );
    const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    expect(failures.length).toBeGreaterThan(5);
    for (const error of failures) {
      expect(error).toBeInstanceOf(ConnectorError);
      expect(CONNECTOR_ERROR_RETRYABLE[(error as ConnectorError).code]).toBe(true);
    }
  });
});

describe('limits', () => {
  it('at most `concurrency` requests are in flight', async () => {
    const local = await startScimTarget();
    const c = scimConnectorFor(local.url, { concurrency: 3 });
    local.faults.add({ kind: 'latency', rate: 1, latencyMs: 40 });
    await Promise.all(Array.from({ length: 12 }, () => c.create(user(), signal())));
    expect(local.maxInFlight).toBe(3);
    expect(local.connectionsOpened).toBeLessThanOrEqual(3);
    await c.close!();
    await local.close();
  });

  it('keeps connections alive: many requests, no new connection once the pool is warm', async () => {
    const local = await startScimTarget();
    const c = scimConnectorFor(local.url);
    // undici's pool may open a second connection at the first hand-over (its drain notice comes
    // a tick after the answer); from then on every request reuses one of those.
    for (let i = 0; i < 2; i++) await c.create(user(), signal());
    const warm = local.connectionsOpened;
    expect(warm).toBeLessThanOrEqual(2);
    for (let i = 0; i < 20; i++) await c.create(user(), signal());
    expect(local.connectionsOpened).toBe(warm);
    await c.close!();
    await local.close();
  });

  it('rateLimitPerSecond spaces requests as a token bucket', async () => {
    const local = await startScimTarget();
    const c = scimConnectorFor(local.url, { rateLimitPerSecond: 20, concurrency: 16 });
    const started = performance.now();
    // 20 tokens at once, then one each 50 ms: the 30th starts about 500 ms in.
    await Promise.all(Array.from({ length: 30 }, () => c.create(user(), signal())));
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(3000);
    await c.close!();
    await local.close();
  });
});
