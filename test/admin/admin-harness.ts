/**
 * A real server with the admin API on 127.0.0.1 over SQLite in a temporary directory (or
 * PostgreSQL in a schema of its own when PROVISIO_TEST_PG_URL is set), sample routes of each
 * role, and helpers to issue admin tokens and console users and to sign in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ConsoleAccess } from '../../src/admin/access/console-access.js';
import type { AdminApi, AdminRole } from '../../src/admin/admin-route.js';
import type { TokenAudience, TokenScope } from '../../src/directory/directory-store.js';
import { openProvisio, runServer, type AdminApiSettings, type RunningServer } from '../../src/main.js';
import { issueToken } from '../../src/server/api-token.js';

/** Sample routes: one per role and method, each answering who called it. */
export const SAMPLE_ROUTES: readonly {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  role: AdminRole;
}[] = [
  { method: 'GET', url: '/sample/viewer', role: 'viewer' },
  { method: 'POST', url: '/sample/operator', role: 'operator' },
  { method: 'PUT', url: '/sample/admin', role: 'admin' },
  { method: 'DELETE', url: '/sample/admin', role: 'admin' },
];

/** What a sample write did: the tests count them to prove a refused request ran nothing. */
export const sampleCalls: string[] = [];

export function registerSampleRoutes(api: AdminApi): void {
  for (const route of SAMPLE_ROUTES) {
    api.route({
      method: route.method,
      url: route.url,
      config: { adminRole: route.role },
      schema: { response: { 200: z.object({ actor: z.string(), role: z.string() }) } },
      handler: async (request) => {
        sampleCalls.push(`${route.method} ${route.url}`);
        return { actor: request.adminActor!.name, role: request.adminActor!.role };
      },
    });
  }
}

export interface AdminHarness {
  readonly server: RunningServer;
  readonly url: string;
  readonly dataDir: string;
  token(name: string, scope: TokenScope, audience?: TokenAudience): Promise<string>;
  close(): Promise<void>;
}

export async function startAdminServer(settings: AdminApiSettings = {}): Promise<AdminHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'provisio-admin-'));
  const server = await runServer({
    dataDir,
    port: 0,
    feedRetentionMs: 0,
    admin: { moreRoutes: registerSampleRoutes, ...settings },
  });
  return {
    server,
    url: server.url,
    dataDir,
    token: async (name, scope, audience = 'admin') =>
      (await issueToken(server.store, name, scope, audience)).token,
    close: async () => {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Adds a console user through a second connection, as `provisio admins create` does. */
export async function addConsoleUser(
  dataDir: string,
  name: string,
  role: AdminRole,
  password: string,
): Promise<void> {
  const database = await openProvisio({ dataDir });
  try {
    const access = await ConsoleAccess.open(database.shared);
    await access.createUser(name, role, password);
  } finally {
    await database.close();
  }
}

/** The session cookie's value in a Set-Cookie header. */
export function sessionCookieOf(setCookie: string | null): string {
  const match = /provisio_session=([^;]*)/.exec(setCookie ?? '');
  if (!match) throw new Error(`no session cookie in ${String(setCookie)}`);
  return match[1]!;
}

/** Signs in over HTTP; returns the cookie header value and the CSRF token. */
export async function signIn(
  url: string,
  username: string,
  password: string,
): Promise<{ cookie: string; csrf: string; setCookie: string }> {
  const response = await fetch(`${url}/admin/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200)
    throw new Error(`sign-in answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { csrfToken: string };
  const setCookie = response.headers.get('set-cookie') ?? '';
  return { cookie: `provisio_session=${sessionCookieOf(setCookie)}`, csrf: body.csrfToken, setCookie };
}
