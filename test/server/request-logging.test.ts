/**
 * Access logging: with a logger, every request writes fastify's two info lines by default;
 * `requestLogging: false` drops them and keeps the rejected-request lines. Credentials in URLs are
 * redacted, and only real failures are logged at error level.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectoryStore } from '../../src/directory/directory-store.js';
import { captureLog } from './log-capture.js';
import { rawRequest } from './raw-http.js';
import { send, startTestServer, USER_SCHEMA, type TestServer } from './server-harness.js';

async function logsOf(requestLogging: boolean | undefined): Promise<{ msg: string; level: number }[]> {
  const { stream, lines } = captureLog();
  const { base, token, close } = await startTestServer('sqlite', {
    logger: { level: 'info', stream },
    ...(requestLogging === undefined ? {} : { requestLogging }),
  });
  try {
    const headers = { authorization: `Bearer ${token}` };
    expect((await send(`${base}/Users`, { headers })).status).toBe(200);
    expect((await send(`${base}/Users/nope`, { headers })).status).toBe(404);
    return lines;
  } finally {
    await close();
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
  const log = captureLog<Line>();
  const { lines, clear } = log;
  let server: TestServer;
  let store: DirectoryStore;
  let port: number;
  let base: string;
  let token: string;
  let readOnly: string;

  beforeAll(async () => {
    // A long token cache, so that the last test still authenticates after closing the store.
    server = await startTestServer('sqlite', {
      logger: { level: 'info', stream: log.stream },
      tokenCacheMs: 60_000,
    });
    ({ store, base, token } = server);
    port = (server.app.server.address() as AddressInfo).port;
    readOnly = await server.issue('reader', 'read-only');
  });
  afterAll(() => server?.close());
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
    for (const secret of [...secrets, token]) expect(log.raw()).not.toContain(secret);
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
