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

const get = (t: HttpTransport, path: string, o: { discardBody?: boolean; timeoutMs?: number } = {}) =>
  t.send({
    method: 'GET',
    url: new URL(`${base}${path}`),
    headers: {},
    timeoutMs: o.timeoutMs ?? 5000,
    signal: AbortSignal.timeout(10_000),
    ...(o.discardBody ? { discardBody: true } : {}),
  });

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
