/**
 * Under TLS the session cookie is also `Secure`. A fastify server with a throwaway self-signed
 * certificate (made by openssl for this run) carries the admin API; the sign-in goes over a real
 * TLS socket on 127.0.0.1.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleAccess } from '../../src/admin/access/console-access.js';
import { mountAdminApi } from '../../src/admin/admin-plugin.js';
import { createAdminServices, type AdminServices } from '../../src/admin/admin-services.js';
import { createBuiltinRegistry } from '../../src/connectors/builtin-kinds.js';
import type { ProvisioDatabase } from '../../src/engine/state/open-engine-state.js';
import { openProvisio } from '../../src/main.js';

const PASSWORD = 'correct horse battery';

let dir: string;
let database: ProvisioDatabase;
let services: AdminServices;
let app: FastifyInstance;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'provisio-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  database = await openProvisio({ dataDir: dir });
  const access = await ConsoleAccess.open(database);
  await access.createUser('tess', 'viewer', PASSWORD, 'test');
  services = createAdminServices({ database, registry: createBuiltinRegistry(), dataDir: dir });
  app = fastify({
    https: { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
  });
  mountAdminApi(app, { services, console: access, version: '0.0.0' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await app?.close();
  await services?.close();
  await database?.close();
  rmSync(dir, { recursive: true, force: true });
});

function signInOverTls(): Promise<{ status: number; setCookie: string[] }> {
  const body = JSON.stringify({ username: 'tess', password: PASSWORD });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/admin/v1/session',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        rejectUnauthorized: false,
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, setCookie: res.headers['set-cookie'] ?? [] }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('the session cookie under TLS', () => {
  it('is Secure, HttpOnly and SameSite=Strict', async () => {
    const answer = await signInOverTls();
    expect(answer.status).toBe(200);
    const attributes = answer.setCookie[0]!.split(';').map((part) => part.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(['secure', 'httponly', 'samesite=strict', 'path=/']));
  });
});
