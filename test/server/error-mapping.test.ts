/**
 * The one error mapper: unexpected failures become a SCIM 500 body logged as an error, client
 * errors are logged at info, and the Authorization header never reaches the log.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { SchemaRegistry } from '../../src/scim/schema/schema-registry.js';
import { buildServer } from '../../src/server/build-server.js';
import { issueToken } from '../../src/server/api-token.js';
import type { DirectoryStore } from '../../src/directory/directory-store.js';
import { ERROR_SCHEMA, openTestStore, send } from './server-harness.js';

describe('error mapping and logging', () => {
  const lines: { level: number; msg: string; [k: string]: unknown }[] = [];
  let raw = '';
  let app: FastifyInstance;
  let store: DirectoryStore;
  let cleanup: () => Promise<void>;
  let base: string;
  let token: string;

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
      options: { logger: { level: 'info', stream } },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/scim/v2`;
    token = (await issueToken(store, 'logged', 'read-write')).token;
  });
  afterAll(async () => {
    await app?.close();
    await cleanup?.();
  });

  it('a 4xx is logged at info and the token is redacted', async () => {
    const r = await send(`${base}/Users?filter=${encodeURIComponent('userName eq')}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(r.status).toBe(400);
    const rejected = lines.find((l) => l.msg === 'request rejected');
    expect(rejected?.level).toBe(30);
    expect(raw).not.toContain(token);
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
