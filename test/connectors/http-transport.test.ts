/**
 * The shared HTTP transport reads answers over a real socket: a body in many chunks (a multi-byte
 * character split between two) arrives whole, an answer past the size bound fails as too_large,
 * a discarded body reads as empty, and a body that stops arriving fails as a timeout.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { HttpTransport, TransportError } from '../../src/connectors/http/http-transport.js';

const text = `${'é'.repeat(5000)}✓`;
const bytes = Buffer.from(text, 'utf8');
const server = createServer((request, response: ServerResponse) => {
  response.writeHead(200, { 'content-type': 'text/plain' });
  if (request.url === '/stall') {
    response.write('part');
    return; // never ends
  }
  if (request.url === '/trickle') {
    // A byte every 50 ms, forever: no gap is long, the whole answer never ends.
    const drip = setInterval(() => response.write('.'), 50);
    response.on('close', () => clearInterval(drip));
    return;
  }
  // Odd-sized chunks, so that two-byte characters are split between chunks.
  let at = 0;
  const next = () => {
    if (at >= bytes.length) return void response.end();
    response.write(bytes.subarray(at, at + 333));
    at += 333;
    setImmediate(next);
  };
  next();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const transports: HttpTransport[] = [];
afterAll(async () => {
  await Promise.all(transports.map((t) => t.close()));
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function transport(maxResponseBytes?: number) {
  const made = new HttpTransport({
    maxSockets: 2,
    connectTimeoutMs: 2000,
    tls: { rejectUnauthorized: true },
    ...(maxResponseBytes !== undefined ? { maxResponseBytes } : {}),
  });
  transports.push(made);
  return made;
}

const get = (
  t: HttpTransport,
  path: string,
  o: { discardBody?: boolean; timeoutMs?: number; signal?: AbortSignal } = {},
) =>
  t.send({
    method: 'GET',
    url: new URL(`${base}${path}`),
    headers: {},
    timeoutMs: o.timeoutMs ?? 5000,
    signal: o.signal ?? AbortSignal.timeout(10_000),
    ...(o.discardBody ? { discardBody: true } : {}),
  });

const failureOf = (pending: Promise<unknown>) =>
  pending.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(TransportError);
      return error as TransportError;
    },
  );

describe('HttpTransport answers', () => {
  it('a body in many chunks arrives whole, multi-byte characters intact', async () => {
    const answer = await get(transport(), '/');
    expect(answer.status).toBe(200);
    expect(answer.body).toBe(text);
  });

  it('an answer past maxResponseBytes fails as too_large', async () => {
    const error = await get(transport(1000), '/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).phase).toBe('too_large');
  });

  it('a discarded body reads as empty, however long it was', async () => {
    const answer = await get(transport(), '/', { discardBody: true });
    expect(answer.body).toBe('');
  });

  it('a body that stops arriving fails as a timeout', async () => {
    const error = await get(transport(), '/stall', { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).phase).toBe('timeout');
  });
});

describe("HttpTransport whole-request deadline and the caller's signal", () => {
  it('an answer that trickles in for longer than timeoutMs fails as a timeout, near the deadline', async () => {
    const started = performance.now();
    const error = await failureOf(get(transport(), '/trickle', { timeoutMs: 400 }));
    const took = performance.now() - started;
    expect(error.phase).toBe('timeout');
    expect(error.message).toBe('no answer within 400 ms');
    expect(took).toBeGreaterThanOrEqual(399);
    // At most one slice (a sixteenth of the timeout) late, plus this machine's scheduling.
    expect(took).toBeLessThan(1500);
  });

  it('requests sharing one signal time out on their own deadlines, the quick ones answered', async () => {
    const t = transport();
    const signal = new AbortController().signal;
    const slow = failureOf(get(t, '/trickle', { timeoutMs: 500, signal }));
    const quick = await Promise.all([1, 2, 3].map(() => get(t, '/', { timeoutMs: 500, signal })));
    for (const answer of quick) expect(answer.body).toBe(text);
    expect((await slow).phase).toBe('timeout');
    // The signal stays usable: a later request under it still gets its answer.
    expect((await get(t, '/', { timeoutMs: 500, signal })).body).toBe(text);
  });

  it("the caller's abort ends every request under its signal as aborted, not as a timeout", async () => {
    const t = transport();
    const caller = new AbortController();
    const pending = [1, 2].map(() =>
      failureOf(get(t, '/trickle', { timeoutMs: 5000, signal: caller.signal })),
    );
    setTimeout(() => caller.abort(), 150);
    for (const error of await Promise.all(pending)) {
      expect(error.phase).toBe('aborted');
      expect(error.message).toBe('the caller aborted');
    }
  });

  it('a signal already aborted sends nothing', async () => {
    const error = await failureOf(get(transport(), '/', { signal: AbortSignal.abort() }));
    expect(error.phase).toBe('aborted');
  });
});
