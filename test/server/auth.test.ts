/** Bearer-token authentication: 401 with WWW-Authenticate, 403 for read-only writes, revocation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret, parseToken } from '../../src/server/api-token.js';
import {
  BACKENDS,
  ERROR_SCHEMA,
  USER_SCHEMA,
  send,
  startTestServer,
  type TestServer,
} from './server-harness.js';

describe.each(BACKENDS)('authentication (%s)', (backend) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(backend);
  });
  afterAll(async () => {
    await s?.close();
  });

  const get = (headers: Record<string, string>) => send(`${s.base}/Users`, { headers });

  it('401 with a Bearer challenge when the token is absent', async () => {
    const r = await get({});
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Bearer realm="provisio"');
    expect(r.body.schemas).toEqual([ERROR_SCHEMA]);
    expect(r.body.status).toBe('401');
    expect(r.headers.get('content-type')).toMatch(/^application\/scim\+json/);
  });

  it('401 with error="invalid_token" for a wrong, malformed or non-Bearer credential', async () => {
    const [, id] = /^pvs_([0-9a-f]+)_/.exec(s.token)!;
    const wrongSecret = `pvs_${id}_${'A'.repeat(43)}`;
    for (const authorization of [
      `Bearer ${wrongSecret}`,
      'Bearer nonsense',
      `Basic ${Buffer.from('a:b').toString('base64')}`,
      `Bearer ${s.token}x`,
    ]) {
      const r = await get({ authorization });
      expect(r.status, authorization).toBe(401);
      expect(r.headers.get('www-authenticate')).toBe('Bearer realm="provisio", error="invalid_token"');
    }
  });

  it('every SCIM endpoint requires the token', async () => {
    for (const path of [
      '/Users',
      '/Groups',
      '/ServiceProviderConfig',
      '/Schemas',
      '/ResourceTypes',
      '/Users/x',
    ]) {
      expect((await send(`${s.base}${path}`, {})).status, path).toBe(401);
    }
    const post = await send(`${s.base}/Users`, {
      method: 'POST',
      headers: { 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: [USER_SCHEMA], userName: 'anon@x' }),
    });
    expect(post.status).toBe(401);
    expect((await s.store.list('User', { startIndex: 1, count: 10 })).totalResults).toBe(0);
    // A method the path does not support is reported only to an authenticated client.
    const unsupported = await send(`${s.base}/Users/x`, { method: 'POST' });
    expect(unsupported.status).toBe(401);
    expect(unsupported.headers.get('allow')).toBeNull();
  });

  it('the scheme name is case-insensitive (RFC 7235)', async () => {
    expect((await get({ authorization: `bearer ${s.token}` })).status).toBe(200);
  });

  it('a read-only token reads and searches but gets 403 on writes', async () => {
    const token = await s.issue('reader', 'read-only');
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
    expect((await get({ authorization: `Bearer ${token}` })).status).toBe(200);
    const search = await send(`${s.base}/Users/.search`, { method: 'POST', headers: auth, body: '{}' });
    expect(search.status).toBe(200);
    const write = await send(`${s.base}/Users`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ schemas: [USER_SCHEMA], userName: 'ro@x' }),
    });
    expect(write.status).toBe(403);
    expect(write.body.status).toBe('403');
    const del = await send(`${s.base}/Users/some-id`, { method: 'DELETE', headers: auth });
    expect(del.status).toBe(403);
    const bulk = await send(`${s.base}/Bulk`, { method: 'POST', headers: auth, body: '{}' });
    expect(bulk.status).toBe(403);
    expect((await s.store.list('User', { startIndex: 1, count: 10 })).totalResults).toBe(0);
  });

  it('a revoked token is refused within the token cache time (1 s)', async () => {
    const token = await s.issue('short-lived', 'read-write');
    expect((await get({ authorization: `Bearer ${token}` })).status).toBe(200);
    expect(await s.store.revokeToken('short-lived')).toBe(true);
    const revokedAt = Date.now();
    await expect
      .poll(async () => (await get({ authorization: `Bearer ${token}` })).status, {
        timeout: 3000,
        interval: 100,
      })
      .toBe(401);
    expect(Date.now() - revokedAt).toBeLessThan(2500);
  });

  it('a cached token still needs the right secret', async () => {
    const token = await s.issue('cached', 'read-write');
    expect((await get({ authorization: `Bearer ${token}` })).status).toBe(200);
    const [, id] = /^pvs_([0-9a-f]+)_/.exec(token)!;
    const forged = `pvs_${id}_${'B'.repeat(43)}`;
    expect((await get({ authorization: `Bearer ${forged}` })).status).toBe(401);
  });

  it('only a SHA-256 hash of the secret is stored, and use is recorded', async () => {
    const token = await s.issue('hashed', 'read-write');
    const parsed = parseToken(token)!;
    await get({ authorization: `Bearer ${token}` });
    const record = await s.store.findToken(parsed.id);
    expect(record?.secretHash).toBe(hashSecret(parsed.secret));
    expect(record?.secretHash).not.toContain(parsed.secret);
    await expect.poll(async () => (await s.store.findToken(parsed.id))?.lastUsed).not.toBeNull();
  });

  it('/healthz needs no token', async () => {
    expect((await send(s.base.replace('/scim/v2', '/healthz'), {})).status).toBe(200);
  });
});
