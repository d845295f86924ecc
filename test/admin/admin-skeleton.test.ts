/** The admin API's skeleton end to end: a token of each role, a session with its CSRF token. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startAdminServer, type AdminHarness } from './admin-harness.js';

let h: AdminHarness;

beforeAll(async () => {
  h = await startAdminServer();
  await h.addUser('olga', 'operator', 'correct horse battery');
});
afterAll(async () => h?.close());

async function call(method: string, path: string, headers: Record<string, string>) {
  const response = await fetch(`${h.url}/admin/v1${path}`, { method, headers });
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}

describe('admin API skeleton', () => {
  it('answers each role by the route it needs', async () => {
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      const auth = { authorization: `Bearer ${await h.token(`t-${role}`, role)}` };
      expect((await call('GET', '/sample/viewer', auth)).status).toBe(200);
      expect((await call('POST', '/sample/operator', auth)).status).toBe(role === 'viewer' ? 403 : 200);
      expect((await call('PUT', '/sample/admin', auth)).status).toBe(role === 'admin' ? 200 : 403);
    }
  });

  it('refuses no credential with a 401 problem', async () => {
    const answer = await call('GET', '/sample/viewer', {});
    expect(answer.status).toBe(401);
    expect(answer.type).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(answer.body)).toMatchObject({
      type: 'https://provisio.dev/problems/unauthorized',
      status: 401,
    });
  });

  it('takes a session, and its writes only with the CSRF token', async () => {
    const { cookie, csrf } = await signIn(h.url, 'olga', 'correct horse battery');
    expect((await call('GET', '/sample/viewer', { cookie })).status).toBe(200);
    const missing = await call('POST', '/sample/operator', { cookie });
    expect(missing.status).toBe(403);
    expect(JSON.parse(missing.body).type).toBe('https://provisio.dev/problems/csrf');
    expect((await call('POST', '/sample/operator', { cookie, 'x-csrf-token': `${csrf}x` })).status).toBe(403);
    expect((await call('POST', '/sample/operator', { cookie, 'x-csrf-token': csrf })).status).toBe(200);
    expect((await call('PUT', '/sample/admin', { cookie, 'x-csrf-token': csrf })).status).toBe(403);
  });

  it('serves the OpenAPI document without a credential', async () => {
    const answer = await call('GET', '/openapi.json', {});
    expect(answer.status).toBe(200);
    const doc = JSON.parse(answer.body) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/admin/v1/session');
  });
});
