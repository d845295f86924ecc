/**
 * Secrets stay secret: with the request log at its most verbose, no admin token, password,
 * session cookie or CSRF token appears in the server's log; the database holds a salted scrypt
 * hash of each console password and a hash of each session id, never the clear values.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessDb } from '../../src/admin/access/access-tables.js';
import { call, postSession, signIn, startAdminServer, type AdminHarness } from './admin-harness.js';

const PASSWORD = 'a very secret passphrase 42';

let h: AdminHarness;
let log = '';

beforeAll(async () => {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      log += chunk.toString();
      done();
    },
  });
  h = await startAdminServer({
    server: { logger: { level: 'trace', stream }, server: { requestLogging: true } },
  });
  await h.addUser('sam', 'admin', PASSWORD);
});
afterAll(async () => h?.close());

describe('admin secrets', () => {
  it('logs no token, password, cookie or CSRF token', async () => {
    const token = await h.token('logged', 'admin');
    const session = await signIn(h.url, 'sam', PASSWORD);
    await call(h.url, 'GET', `/admin/v1/sample/viewer?access_token=${token}`, {
      authorization: `Bearer ${token}`,
    });
    await call(h.url, 'PUT', '/admin/v1/sample/admin', {
      cookie: session.cookie,
      'x-csrf-token': session.csrf,
    });
    await call(h.url, 'PUT', '/admin/v1/sample/admin', {
      cookie: session.cookie,
      'x-csrf-token': `${session.csrf}x`,
    });
    await postSession(h.url, 'sam', `${PASSWORD}!`);
    await call(h.url, 'POST', '/admin/v1/session', {}, { username: 'sam', password: 12345 });
    expect(log).toMatch(/console user signed in/);
    const cookieValue = session.cookie.split('=')[1]!;
    for (const secret of [token, token.split('_')[2]!, PASSWORD, cookieValue, session.csrf]) {
      expect(log).not.toContain(secret);
    }
  });

  it('stores only hashes of passwords and session ids', async () => {
    const session = await signIn(h.url, 'sam', PASSWORD);
    const cookieValue = session.cookie.split('=')[1]!;
    const rows = await h.withDatabase(async (database) => {
      const db = accessDb(database.shared.db);
      return {
        users: await db.selectFrom('console_users').selectAll().execute(),
        sessions: await db.selectFrom('console_sessions').selectAll().execute(),
      };
    });
    const sam = rows.users.find((u) => u.name === 'sam')!;
    expect(sam.password_hash).toMatch(/^\$scrypt\$N=16384,r=8,p=1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(sam.password_hash).not.toContain(PASSWORD);
    expect(rows.sessions.length).toBeGreaterThan(0);
    for (const row of rows.sessions) {
      expect(row.id_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.id_hash).not.toBe(cookieValue);
    }
    // Nor anywhere in the database's files (the WAL included).
    const dataDir = h.storage.dataDir!;
    for (const file of readdirSync(dataDir)) {
      const bytes = readFileSync(join(dataDir, file));
      expect(bytes.includes(Buffer.from(PASSWORD)), file).toBe(false);
      expect(bytes.includes(Buffer.from(cookieValue)), file).toBe(false);
    }
  });
});
