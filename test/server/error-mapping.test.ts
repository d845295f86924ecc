/**
 * The one error mapper: unexpected failures become a SCIM 500 body logged as an error, client
 * errors are logged at info, and the Authorization header never reaches the log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectoryStore } from '../../src/directory/directory-store.js';
import { captureLog } from './log-capture.js';
import { ERROR_SCHEMA, send, startTestServer, type TestServer } from './server-harness.js';

describe('error mapping and logging', () => {
  const log = captureLog();
  const { lines } = log;
  let server: TestServer;
  let store: DirectoryStore;
  let base: string;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer('sqlite', { logger: { level: 'info', stream: log.stream } });
    ({ store, base, token } = server);
  });
  afterAll(() => server?.close());

  it('a 4xx is logged at info and the token is redacted', async () => {
    const r = await send(`${base}/Users?filter=${encodeURIComponent('userName eq')}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(r.status).toBe(400);
    const rejected = lines.find((l) => l.msg === 'request rejected');
    expect(rejected?.level).toBe(30);
    expect(log.raw()).not.toContain(token);
  });

  it('an unexpected failure is a SCIM 500 logged as an error, with no internals in the body', async () => {
    await store.close();
    const r = await send(`${base}/Users`, { headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(500);
    expect(r.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(r.body).toEqual({ schemas: [ERROR_SCHEMA], status: '500', detail: 'internal server error' });
    expect(lines.some((l) => l.level === 50 && l.msg === 'request failed')).toBe(true);
  });
});
