/**
 * A write that cannot get SQLite's write lock in time (another process holds it) is answered with
 * 503, Retry-After and a SCIM error body, and writes nothing; in /Bulk the operation reports 503.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/directory/open-store.js';
import { SchemaRegistry } from '../../src/scim/schema/schema-registry.js';
import { buildServer } from '../../src/server/build-server.js';
import { ERROR_SCHEMA, USER_SCHEMA } from './server-harness.js';

const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serverWithLockedDatabase() {
  const dir = mkdtempSync(join(tmpdir(), 'provisio-busy-http-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'provisio.sqlite');
  const store = await openStore({ sqliteFile: file, sqliteLockTimeoutMs: 50 });
  cleanups.push(() => store.close());
  const app = buildServer({
    store,
    registry: SchemaRegistry.withCoreSchemas(),
    options: { authenticate: false, logger: false },
  });
  cleanups.push(() => app.close());
  // Another process's long transaction, holding the write lock for the whole test.
  const other = new Database(file);
  other.exec('BEGIN IMMEDIATE');
  cleanups.push(() => {
    other.exec('ROLLBACK');
    other.close();
  });
  return { app, store };
}

describe('writes while another process holds the SQLite write lock', () => {
  it('POST answers 503 with Retry-After and a SCIM error, and creates nothing', async () => {
    const { app } = await serverWithLockedDatabase();
    const response = await app.inject({
      method: 'POST',
      url: '/scim/v2/Users',
      headers: { 'content-type': 'application/scim+json' },
      payload: { schemas: [USER_SCHEMA], userName: 'blocked' },
    });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.headers['content-type']).toMatch(/^application\/scim\+json/);
    const body = response.json<{ schemas: string[]; status: string; detail: string }>();
    expect(body.schemas).toEqual([ERROR_SCHEMA]);
    expect(body.status).toBe('503');
    expect(body.detail).toMatch(/locked by another process .* nothing was written/);
    // Reads are not held up by the lock.
    const list = await app.inject({
      method: 'GET',
      url: '/scim/v2/Users?filter=userName%20eq%20%22blocked%22',
    });
    expect(list.statusCode).toBe(200);
    expect(list.json<{ totalResults: number }>().totalResults).toBe(0);
  });

  it('a /Bulk operation reports 503; with failOnErrors the whole request answers 503', async () => {
    const { app } = await serverWithLockedDatabase();
    const operation = {
      method: 'POST',
      path: '/Users',
      bulkId: 'a',
      data: { schemas: [USER_SCHEMA], userName: 'bulk' },
    };
    const perOperation = await app.inject({
      method: 'POST',
      url: '/scim/v2/Bulk',
      headers: { 'content-type': 'application/scim+json' },
      payload: { schemas: [BULK_REQUEST], Operations: [operation] },
    });
    expect(perOperation.statusCode).toBe(200);
    const results = perOperation.json<{ Operations: { status: string }[] }>().Operations;
    expect(results.map((r) => r.status)).toEqual(['503']);

    const transactional = await app.inject({
      method: 'POST',
      url: '/scim/v2/Bulk',
      headers: { 'content-type': 'application/scim+json' },
      payload: { schemas: [BULK_REQUEST], failOnErrors: 1, Operations: [operation] },
    });
    expect(transactional.statusCode).toBe(503);
    expect(transactional.headers['retry-after']).toBe('1');
  });
});
