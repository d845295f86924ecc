/**
 * A real server with the admin API on 127.0.0.1 over SQLite in a temporary directory, or
 * PostgreSQL in a schema of its own when PROVISIO_TEST_PG_URL is set; sample routes of each role;
 * helpers to issue admin tokens, add console users and sign in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ConsoleAccess } from '../../src/admin/access/console-access.js';
import type { AdminApi, AdminRole } from '../../src/admin/admin-route.js';
import type { TokenAudience, TokenScope } from '../../src/directory/directory-store.js';
import type { ProvisioDatabase } from '../../src/engine/state/open-engine-state.js';
import {
  runServer,
  type AdminApiSettings,
  type RunningServer,
  type RunServerOptions,
  type StorageOptions,
} from '../../src/main.js';
import { issueToken } from '../../src/server/api-token.js';
import { dropSchema, freshSchemaName } from '../support/postgres-test-schema.js';
import { withProvisio } from '../support/with-provisio.js';

export const PG_URL = process.env.PROVISIO_TEST_PG_URL;
export type Backend = 'sqlite' | 'postgres';
export const BACKENDS: readonly Backend[] = PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];
if (!PG_URL) console.info('PostgreSQL admin API tests skipped: set PROVISIO_TEST_PG_URL to run them.');

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

/** Every sample call that reached its handler: a refused request must add nothing here. */
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

/** Where one test file's database lives, and how to remove it. */
export interface TestStorage {
  readonly storage: StorageOptions;
  drop(): Promise<void>;
}

export function testStorage(backend: Backend): TestStorage {
  if (backend === 'postgres') {
    const schema = freshSchemaName();
    return {
      storage: { databaseUrl: PG_URL!, postgresSchema: schema },
      drop: () => dropSchema(PG_URL!, schema),
    };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'provisio-admin-'));
  return { storage: { dataDir }, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
}

export interface AdminHarness {
  readonly server: RunningServer;
  readonly url: string;
  readonly port: number;
  readonly storage: StorageOptions;
  token(name: string, scope: TokenScope, audience?: TokenAudience): Promise<string>;
  /** A second connection to the same database, as another process (the CLI) would have. */
  withDatabase<T>(work: (database: ProvisioDatabase, access: ConsoleAccess) => Promise<T>): Promise<T>;
  addUser(name: string, role: AdminRole, password: string): Promise<void>;
  close(): Promise<void>;
}

/** Starts a server on `storage` (a fresh one of `backend` when not given). */
export async function startAdminServer(
  options: {
    backend?: Backend;
    storage?: TestStorage;
    settings?: AdminApiSettings;
    server?: RunServerOptions;
  } = {},
): Promise<AdminHarness> {
  const owned = options.storage === undefined;
  const storage = options.storage ?? testStorage(options.backend ?? 'sqlite');
  const server = await runServer({
    ...storage.storage,
    port: 0,
    feedRetentionMs: 0,
    ...options.server,
    admin: { moreRoutes: registerSampleRoutes, ...options.settings },
  });
  const withDatabase = <T>(work: (database: ProvisioDatabase, access: ConsoleAccess) => Promise<T>) =>
    withProvisio(storage.storage, async (database) => work(database, await ConsoleAccess.open(database)));
  return {
    server,
    url: server.url,
    port: Number(new URL(server.url).port),
    storage: storage.storage,
    token: async (name, scope, audience = 'admin') =>
      (await issueToken(server.store, name, scope, audience)).token,
    withDatabase,
    addUser: async (name, role, password) => {
      await withDatabase(async (_database, access) => {
        await access.createUser(name, role, password, 'test');
      });
    },
    close: async () => {
      await server.close();
      if (owned) await storage.drop();
    },
  };
}

/** The session cookie's value in a Set-Cookie header. */
export function sessionCookieOf(setCookie: string | null): string {
  const match = /provisio_session=([^;]*)/.exec(setCookie ?? '');
  if (!match) throw new Error(`no session cookie in ${String(setCookie)}`);
  return match[1]!;
}

export interface SignedIn {
  /** The Cookie header value. */
  readonly cookie: string;
  readonly csrf: string;
  readonly setCookie: string;
}

/** POST /admin/v1/session; the raw answer. */
export function postSession(url: string, username: string, password: string): Promise<Response> {
  return fetch(`${url}/admin/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
}

/** Signs in over HTTP; throws unless it succeeds. */
export async function signIn(url: string, username: string, password: string): Promise<SignedIn> {
  const response = await postSession(url, username, password);
  if (response.status !== 200)
    throw new Error(`sign-in answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { csrfToken: string };
  const setCookie = response.headers.get('set-cookie') ?? '';
  return { cookie: `provisio_session=${sessionCookieOf(setCookie)}`, csrf: body.csrfToken, setCookie };
}

/** What `call` answers; the body is parsed JSON, loosely typed as tests read into it. */
export interface CallResult {
  readonly status: number;
  readonly headers: Headers;
  readonly type: string | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
  readonly text: string;
}

/** One admin API call with fetch: status, content type, headers and parsed body. */
export async function call(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<CallResult> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return {
    status: response.status,
    headers: response.headers,
    type: response.headers.get('content-type'),
    body: parsed,
    text,
  };
}
