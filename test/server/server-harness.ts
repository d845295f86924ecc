/**
 * Starts the SCIM server over a real socket against a fresh store: SQLite in a temporary
 * directory, or PostgreSQL in a schema of its own when PROVISIO_TEST_PG_URL is set. Each test
 * file runs the same suite once per available backend.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { openStore } from '../../src/directory/open-store.js';
import type { DirectoryStore, TokenScope } from '../../src/directory/directory-store.js';
import { SchemaRegistry } from '../../src/scim/schema/schema-registry.js';
import { buildServer } from '../../src/server/build-server.js';
import { issueToken } from '../../src/server/api-token.js';
import { dropSchema, freshSchemaName } from '../support/postgres-test-schema.js';
import type { ServerOptionsInput } from '../../src/server/server-options.js';

export const PG_URL = process.env.PROVISIO_TEST_PG_URL;

/** The backends to run against, with a note when PostgreSQL is skipped. */
export const BACKENDS: readonly ('sqlite' | 'postgres')[] = PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];
if (!PG_URL) {
  console.info('PostgreSQL server tests skipped: set PROVISIO_TEST_PG_URL to run them.');
}

/** A running server and what tests need to talk to it. */
export interface TestServer {
  readonly app: FastifyInstance;
  readonly store: DirectoryStore;
  readonly base: string;
  readonly token: string;
  /** Issues another token. */
  issue(name: string, scope: TokenScope): Promise<string>;
  /** fetch against `${base}${path}` with the bearer token and SCIM content type. */
  request(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ScimResponse>;
  close(): Promise<void>;
}

/** A response with its parsed JSON body (undefined when empty). */
export interface ScimResponse {
  readonly status: number;
  readonly headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
  readonly text: string;
}

/** Sends a request and parses the body. */
export async function send(url: string, init: RequestInit): Promise<ScimResponse> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  return { status: response.status, headers: response.headers, body, text };
}

/** Opens a fresh store for `backend`; the returned cleanup drops everything. */
export async function openTestStore(
  backend: 'sqlite' | 'postgres',
  onQuery?: (sql: string) => void,
): Promise<{ store: DirectoryStore; cleanup: () => Promise<void> }> {
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'provisio-server-'));
    const store = await openStore({
      sqliteFile: join(dir, 'directory.sqlite'),
      ...(onQuery ? { onQuery } : {}),
    });
    return {
      store,
      cleanup: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = freshSchemaName();
  const store = await openStore({
    postgresUrl: PG_URL!,
    postgresSchema: schema,
    ...(onQuery ? { onQuery } : {}),
  });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await dropSchema(PG_URL!, schema);
    },
  };
}

/** Starts a server on 127.0.0.1 and a free port, with one read-write token. */
export async function startTestServer(
  backend: 'sqlite' | 'postgres',
  options: ServerOptionsInput = {},
  onQuery?: (sql: string) => void,
): Promise<TestServer> {
  const { store, cleanup } = await openTestStore(backend, onQuery);
  const registry = SchemaRegistry.withCoreSchemas();
  const app = buildServer({ store, registry, options });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}/scim/v2`;
  const token = (await issueToken(store, 'test', 'read-write')).token;
  return {
    app,
    store,
    base,
    token,
    issue: async (name, scope) => (await issueToken(store, name, scope)).token,
    request: (method, path, body, headers = {}) =>
      send(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      }),
    close: async () => {
      await app.close();
      await cleanup();
    },
  };
}

/** The User and Group schema URNs, for request bodies. */
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
