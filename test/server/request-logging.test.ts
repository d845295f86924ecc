/**
 * Access logging: with a logger, every request writes fastify's two info lines by default;
 * `requestLogging: false` drops them and keeps the rejected-request lines. Credentials in URLs are
 * redacted, and only real failures are logged at error level.
 */
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectoryStore } from '../../src/directory/directory-store.js';
import { SchemaRegistry } from '../../src/scim/schema/schema-registry.js';
import { issueToken } from '../../src/server/api-token.js';
import { buildServer } from '../../src/server/build-server.js';
import { rawRequest } from './raw-http.js';
import { openTestStore, send, USER_SCHEMA } from './server-harness.js';

async function logsOf(requestLogging: boolean | undefined): Promise<{ msg: string; level: number }[]> {
  const { store, cleanup } = await openTestStore('sqlite');
  const lines: { msg: string; level: number }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      callback();
    },
  });
  const app = buildServer({
    store,
    registry: SchemaRegistry.withCoreSchemas(),
    options: {
      logger: { level: 'info', stream },
      ...(requestLogging === undefined ? {} : { requestLogging }),
    },
  });
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/scim/v2`;
    const { token } = await issueToken(store, 'logged', 'read-write');
    const headers = { authorization: `Bearer ${token}` };
    expect((await send(`${base}/Users`, { headers })).status).toBe(200);
    expect((await send(`${base}/Users/nope`, { headers })).status).toBe(404);
    return lines;
  } finally {
    await app.close();
    await cleanup();
  }
}

describe('request logging', () => {
  it('logs every request at info by default', async () => {
    const lines = await logsOf(undefined);
    expect(lines.filter((l) => l.msg === 'incoming request')).toHaveLength(2);
    expect(lines.filter((l) => l.msg === 'request completed')).toHaveLength(2);
  });

  it('requestLogging: false drops the access lines but keeps rejections', async () => {
    const lines = await logsOf(false);
    expect(lines.some((l) => l.msg === 'incoming request' || l.msg === 'request completed')).toBe(false);
    expect(lines.some((l) => l.msg === 'request rejected' && l.level === 30)).toBe(true);
  });
});

describe('what the log says about URLs and failures', () => {
  type Line = {
    level: number;
    msg: string;
    reqId?: string;
    req?: { url: string };
    url?: string;
    status?: number;
  };
  let lines: Line[] = [];
  let raw = '';
  let app: FastifyInstance;
  let store: DirectoryStore;
  let cleanup: () => Promise<void>;
  let port: number;
  let base: string;
  let token: string;
  let readOnly: string;

  beforeAll(async () => {
    ({ store, cleanup } = await openTestStore('sqlite'));
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        raw += chunk.toString();
        for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line));
        callback();
      },
    });
    app = buildServer({
      store,
      registry: SchemaRegistry.withCoreSchemas(),
      // A long token cache, so that the last test still authenticates after closing the store.
      options: { logger: { level: 'info', stream }, tokenCacheMs: 60_000 },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}/scim/v2`;
    token = (await issueToken(store, 'logged', 'read-write')).token;
    readOnly = (await issueToken(store, 'reader', 'read-only')).token;
  });
  afterAll(async () => {
    await app?.close();
    await cleanup?.();
  });

  const clear = (): void => {
    lines = [];
    raw = '';
  };
  const auth = () => ({ authorization: `Bearer ${token}` });

  it('credential-looking query parameters are redacted from every logged URL', async () => {
    clear();
    const secrets = ['S3cret-One', 'S3cret-Two', 'S3cret-Three', 'S3cret-Four', 'S3cret-Five'];
    expect((await send(`${base}/Users?access_token=${secrets[0]}&count=1`, { headers: auth() })).status).toBe(
      200,
    );
    // The token only in the URL (RFC 6750 §2.3): refused, and still not logged.
    expect((await send(`${base}/Users?access_token=${token}`, {})).status).toBe(401);
    expect((await send(`${base}/Nope?client_secret=${secrets[1]}`, { headers: auth() })).status).toBe(404);
    expect(
      (await send(`${base}/Users?password=${secrets[2]}&api_key=${secrets[3]}`, { headers: auth() })).status,
    ).toBe(200);
    const fragment = await rawRequest(port, 'GET', `/scim/v2/Users#access_token=${secrets[4]}`, auth());
    expect(fragment.status).toBe(200);
    for (const secret of [...secrets, token]) expect(raw).not.toContain(secret);
    const urls = lines.filter((l) => l.msg === 'incoming request').map((l) => l.req?.url);
    expect(urls).toEqual([
      '/scim/v2/Users?access_token=[REDACTED]&count=1',
      '/scim/v2/Users?access_token=[REDACTED]',
      '/scim/v2/Nope?client_secret=[REDACTED]',
      '/scim/v2/Users?password=[REDACTED]&api_key=[REDACTED]',
      '/scim/v2/Users#access_token=[REDACTED]',
    ]);
    expect(lines.find((l) => l.msg === 'no such endpoint')?.url).toBe(
      '/scim/v2/Nope?client_secret=[REDACTED]',
    );
  });

  it("/Me's deliberate 501 and every 4xx are logged at info, never at error", async () => {
    clear();
    const ro = { authorization: `Bearer ${readOnly}`, 'content-type': 'application/scim+json' };
    const user = JSON.stringify({ schemas: [USER_SCHEMA], userName: 'x@example.com' });
    const cases: [number, Promise<{ status: number }>][] = [
      [501, send(`${base}/Me`, { headers: auth() })],
      [501, send(`${base}/Me`, { method: 'POST', headers: ro, body: user })],
      [401, send(`${base}/Users`, {})],
      [403, send(`${base}/Users`, { method: 'POST', headers: ro, body: user })],
      [404, send(`${base}/Users/nope`, { headers: auth() })],
      [405, send(`${base}/Schemas`, { method: 'DELETE', headers: auth() })],
      [400, send(`${base}/Users?filter=${encodeURIComponent('userName eq')}`, { headers: auth() })],
    ];
    for (const [status, response] of cases) expect((await response).status).toBe(status);
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
    const rejected = lines.filter((l) => l.msg === 'request rejected');
    expect(rejected.map((l) => l.status).sort()).toEqual([400, 401, 403, 404, 405, 501, 501].sort());
    expect(rejected.every((l) => l.level === 30)).toBe(true);
  });

  it('a real failure is still a 500 logged at error', async () => {
    clear();
    await store.close();
    const r = await send(`${base}/Users`, { headers: auth() });
    expect(r.status).toBe(500);
    const failed = lines.filter((l) => l.level === 50);
    expect(failed.map((l) => l.msg)).toEqual(['request failed']);
  });
});
