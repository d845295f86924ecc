/**
 * A real server for the application routes: SCIM API, admin API and (unless asked otherwise) the
 * engine's runner, on 127.0.0.1 over SQLite in a temporary directory, or PostgreSQL in a schema of
 * its own; a SCIM test target the apps provision into; admin tokens of each role; helpers to call
 * the admin API and to create directory users over SCIM.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AdminRole } from '../../src/admin/admin-route.js';
import { runServer, type RunningServer } from '../../src/main.js';
import { issueToken } from '../../src/server/api-token.js';
import { dropSchema, freshSchemaName } from '../support/postgres-test-schema.js';
import { startScimTarget, type ScimTarget } from '../support/scim-target/index.js';
import { scimAppYaml } from '../support/scim-app-yaml.js';

/** A parsed answer body: the tests read into it freely and assert its shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Body = any;

export interface RoutesHarness {
  readonly server: RunningServer;
  /** The server's data directory, for CLI runs against the same database. */
  readonly dataDir: string;
  readonly url: string;
  readonly target: ScimTarget;
  /** Bearer tokens of each admin role, and a SCIM token. */
  readonly tokens: Readonly<Record<AdminRole | 'scim', string>>;
  call(
    method: string,
    path: string,
    options?: { role?: AdminRole; body?: unknown; type?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; type: string | null; json: Body; text: string }>;
  createUser(userName: string, extra?: Record<string, unknown>): Promise<string>;
  /** The app YAML provisioning users into the target. */
  appYaml(name: string, extra?: string): string;
  close(): Promise<void>;
}

export async function startRoutesServer(
  options: { engine?: boolean; postgresUrl?: string } = {},
): Promise<RoutesHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'provisio-admin-routes-'));
  const schema = options.postgresUrl !== undefined ? freshSchemaName() : undefined;
  const target = await startScimTarget();
  const server = await runServer({
    dataDir,
    port: 0,
    feedRetentionMs: 0,
    admin: {},
    ...(options.postgresUrl !== undefined
      ? { databaseUrl: options.postgresUrl, postgresSchema: schema }
      : {}),
    engine: options.engine === false ? false : { appRefreshMs: 100, debounceMs: 10, statusPollMs: 100 },
  });
  const tokens = {
    viewer: (await issueToken(server.store, 'v', 'viewer', 'admin')).token,
    operator: (await issueToken(server.store, 'o', 'operator', 'admin')).token,
    admin: (await issueToken(server.store, 'a', 'admin', 'admin')).token,
    scim: (await issueToken(server.store, 's', 'read-write', 'scim')).token,
  };
  const url = server.url;
  return {
    server,
    dataDir,
    url,
    target,
    tokens,
    call: async (method, path, o = {}) => {
      const headers: Record<string, string> = {
        authorization: `Bearer ${tokens[o.role ?? 'admin']}`,
        ...o.headers,
      };
      let body: string | undefined;
      if (o.body !== undefined) {
        headers['content-type'] = o.type ?? 'application/json';
        body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
      }
      const response = await fetch(`${url}/admin/v1${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.status, type: response.headers.get('content-type'), json, text };
    },
    createUser: async (userName, extra = {}) => {
      const response = await fetch(`${url}/scim/v2/Users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.scim}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName,
          displayName: userName.split('@')[0],
          active: true,
          ...extra,
        }),
      });
      if (response.status !== 201)
        throw new Error(`create user: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { id: string }).id;
    },
    appYaml: (name, extra = '') => scimAppYaml({ name, targetUrl: target.url, extra }),
    close: async () => {
      await server.close();
      await target.close();
      rmSync(dataDir, { recursive: true, force: true });
      if (options.postgresUrl !== undefined && schema !== undefined)
        await dropSchema(options.postgresUrl, schema);
    },
  };
}

/** Waits until `check` returns something other than undefined, or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
