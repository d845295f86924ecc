/**
 * Behind a TLS-terminating reverse proxy the server sees plain HTTP; with `trustProxy` naming the
 * proxy, X-Forwarded-Proto from it makes the session cookie Secure, and X-Forwarded-For is the
 * client address the sign-in throttle counts. Without it, or from an address not named, the
 * headers are a client's claim and change nothing. Real servers on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdminServer, type AdminHarness } from './admin-harness.js';

const PASSWORD = 'correct horse battery';

async function signInVia(url: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${url}/admin/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ username: 'pat', password: PASSWORD }),
  });
}

function attributes(setCookie: string | null): string[] {
  return (setCookie ?? '').split(';').map((part) => part.trim().toLowerCase());
}

describe.each([
  { trusted: ['127.0.0.1'], secure: true, label: 'the proxy is trusted' },
  { trusted: ['loopback'], secure: true, label: 'loopback is trusted' },
  { trusted: ['10.0.0.0/8'], secure: false, label: 'another address is trusted' },
  { trusted: undefined, secure: false, label: 'no proxy is trusted' },
])('X-Forwarded-Proto when $label', ({ trusted, secure }) => {
  let h: AdminHarness;

  beforeAll(async () => {
    h = await startAdminServer({
      server: { server: trusted !== undefined ? { trustProxy: trusted } : {} },
      settings: { throttle: { userFailures: 100, addressFailures: 2, windowMs: 60_000, lockMs: 60_000 } },
    });
    await h.addUser('pat', 'viewer', PASSWORD);
  });
  afterAll(async () => h?.close());

  it(`${secure ? 'sets' : 'does not set'} Secure on the session cookie for an https client`, async () => {
    const response = await signInVia(h.url, { 'x-forwarded-proto': 'https' });
    expect(response.status).toBe(200);
    const cookie = attributes(response.headers.get('set-cookie'));
    expect(cookie).toContain('httponly');
    expect(cookie).toContain('samesite=strict');
    expect(cookie.includes('secure')).toBe(secure);
  });

  it('never sets Secure for a client on plain http', async () => {
    const plain: Record<string, string>[] = [{}, { 'x-forwarded-proto': 'http' }];
    for (const headers of plain) {
      const response = await signInVia(h.url, headers);
      expect(response.status).toBe(200);
      expect(attributes(response.headers.get('set-cookie'))).not.toContain('secure');
    }
  });

  it(`${secure ? 'counts failures per forwarded client' : 'counts failures per socket address'}`, async () => {
    const wrong = (forwardedFor: string) =>
      fetch(`${h.url}/admin/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
        body: JSON.stringify({ username: `nobody-${forwardedFor}`, password: 'wrong password' }),
      });
    // Two failures lock an address; from two forwarded clients that is one each when trusted.
    expect((await wrong('203.0.113.1')).status).toBe(401);
    expect((await wrong('203.0.113.2')).status).toBe(401);
    expect((await wrong('203.0.113.1')).status).toBe(secure ? 401 : 429);
  });
});
