/**
 * `provisio tokens create --admin` and `provisio admins ...` end to end: through run() with the
 * password on a stand-in stdin, and once as a real process with the password piped in, then used
 * to sign in to a running server. Every change lands in the audit log with the OS user; no
 * password or token secret is ever printed back.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { cliActor } from '../../src/cli/commands/command-support.js';
import { runServer } from '../../src/main.js';
import { call, postSession, signIn } from '../admin/admin-harness.js';
import { runCli } from '../support/run-cli.js';
import { CLI, ROOT } from '../support/spawn-cli.js';
import { withProvisio } from '../support/with-provisio.js';

const PASSWORD = 'twelve chars or more';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'provisio-admins-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI in-process with `input` as its standard input. */
async function withStdin(input: string, ...args: string[]) {
  const original = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  Object.defineProperty(process, 'stdin', { value: Readable.from([Buffer.from(input)]), configurable: true });
  try {
    return await runCli(...args);
  } finally {
    Object.defineProperty(process, 'stdin', original);
  }
}

/** `provisio admins create NAME --role ROLE --password-stdin` with `password` piped in. */
function createUser(dataDir: string, name: string, role: string, password: string) {
  return withStdin(
    password,
    'admins',
    'create',
    name,
    '--role',
    role,
    '--password-stdin',
    '--data-dir',
    dataDir,
  );
}

function auditActions(dataDir: string): Promise<{ actor: string; action: string; text: string }[]> {
  return withProvisio({ dataDir }, async (database) =>
    (await database.engineState.listAudit({})).map((e) => ({
      actor: e.actor,
      action: e.action,
      text: JSON.stringify(e),
    })),
  );
}

describe('provisio tokens --admin', () => {
  it('creates admin tokens with a role (admin by default), lists their kind, revokes either kind, audited', async () => {
    const dataDir = tempDir();
    const admin = await runCli('tokens', 'create', '--name', 'ops', '--admin', '--data-dir', dataDir);
    expect(admin.code).toBe(0);
    expect(admin.stdout).toMatch(/^pvs_[0-9a-f]{16}_[A-Za-z0-9_-]{43}\n$/);
    expect(
      (
        await runCli(
          'tokens',
          'create',
          '--name',
          'look',
          '--admin',
          '--role',
          'viewer',
          '--data-dir',
          dataDir,
        )
      ).code,
    ).toBe(0);
    expect((await runCli('tokens', 'create', '--name', 'entra', '--data-dir', dataDir)).code).toBe(0);

    const list = await runCli('tokens', 'list', '--data-dir', dataDir);
    expect(list.code).toBe(0);
    expect(
      list.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/).slice(0, 3)),
    ).toEqual([
      ['NAME', 'KIND', 'SCOPE'],
      ['entra', 'scim', 'read-write'],
      ['look', 'admin', 'viewer'],
      ['ops', 'admin', 'admin'],
    ]);
    expect(list.stdout).not.toContain(admin.stdout.trim().split('_')[2]);

    const revoked = await runCli('tokens', 'revoke', 'ops', '--data-dir', dataDir);
    expect(revoked.code).toBe(0);
    expect(revoked.stderr).toMatch(/revoked admin token "ops"/);
    expect((await runCli('tokens', 'revoke', 'entra', '--data-dir', dataDir)).code).toBe(0);

    const audit = await auditActions(dataDir);
    expect(audit.map((e) => e.action)).toEqual([
      'token.revoke',
      'token.revoke',
      'token.create',
      'token.create',
      'token.create',
    ]);
    expect(new Set(audit.map((e) => e.actor))).toEqual(new Set([cliActor()]));
    expect(audit.map((e) => e.text).join()).not.toContain(admin.stdout.trim().split('_')[2]);
  });

  it('refuses contradictory flags as usage errors, before opening anything', async () => {
    const dataDir = join(tempDir(), 'never');
    const roleWithoutAdmin = await runCli(
      'tokens',
      'create',
      '--name',
      'x',
      '--role',
      'viewer',
      '--data-dir',
      dataDir,
    );
    expect(roleWithoutAdmin.code).toBe(2);
    expect(roleWithoutAdmin.stderr).toMatch(/--role needs --admin/);
    const readOnlyAdmin = await runCli(
      'tokens',
      'create',
      '--name',
      'x',
      '--admin',
      '--read-only',
      '--data-dir',
      dataDir,
    );
    expect(readOnlyAdmin.code).toBe(2);
    const badRole = await runCli(
      'tokens',
      'create',
      '--name',
      'x',
      '--admin',
      '--role',
      'root',
      '--data-dir',
      dataDir,
    );
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toMatch(/Allowed choices are viewer, operator, admin/);
  });
});

describe('provisio admins', () => {
  it('creates, lists, resets and deletes console users, each change audited, no password echoed', async () => {
    const dataDir = tempDir();
    const created = await createUser(dataDir, 'alice', 'admin', `${PASSWORD}\n`);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toMatch(/created console user "alice" \(admin\)/);
    const again = await createUser(dataDir, 'alice', 'viewer', PASSWORD);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    expect((await createUser(dataDir, 'bob', 'viewer', PASSWORD)).code).toBe(0);

    const list = await runCli('admins', 'list', '--data-dir', dataDir);
    expect(list.code).toBe(0);
    expect(
      list.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/).slice(0, 2)),
    ).toEqual([
      ['NAME', 'ROLE'],
      ['alice', 'admin'],
      ['bob', 'viewer'],
    ]);

    const reset = await withStdin(
      'another long password',
      'admins',
      'reset-password',
      'bob',
      '--password-stdin',
      '--data-dir',
      dataDir,
    );
    expect(reset.code).toBe(0);
    expect(
      (
        await withStdin(
          'another long password',
          'admins',
          'reset-password',
          'nobody',
          '--password-stdin',
          '--data-dir',
          dataDir,
        )
      ).code,
    ).toBe(1);
    expect((await runCli('admins', 'delete', 'bob', '--data-dir', dataDir)).code).toBe(0);
    const missing = await runCli('admins', 'delete', 'bob', '--data-dir', dataDir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no console user named "bob"/);

    const audit = await auditActions(dataDir);
    expect(audit.map((e) => e.action)).toEqual([
      'admin.delete',
      'admin.reset-password',
      'admin.create',
      'admin.create',
    ]);
    expect(new Set(audit.map((e) => e.actor))).toEqual(new Set([cliActor()]));
    const everything =
      [created, again, list, reset, missing].map((r) => r.stdout + r.stderr).join() +
      audit.map((e) => e.text).join();
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain('another long password');
  });

  it('refuses a short password, a bad name, a missing role or a missing --password-stdin as usage errors', async () => {
    const dataDir = join(tempDir(), 'never');
    const short = await createUser(dataDir, 'carol', 'viewer', 'only eleven');
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/the password is too short: it needs at least 12 characters, got 11/);
    const badName = await createUser(dataDir, 'no spaces', 'viewer', PASSWORD);
    expect(badName.code).toBe(2);
    expect(
      (await withStdin(PASSWORD, 'admins', 'create', 'carol', '--password-stdin', '--data-dir', dataDir))
        .code,
    ).toBe(2);
    expect(
      (await withStdin(PASSWORD, 'admins', 'create', 'carol', '--role', 'viewer', '--data-dir', dataDir))
        .code,
    ).toBe(2);
  });

  it("works as a real process with the password piped in; reset-password ends the user's sessions", async () => {
    const dataDir = tempDir();
    const piped = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          CLI,
          'admins',
          'create',
          'dora',
          '--role',
          'operator',
          '--password-stdin',
          '--data-dir',
          dataDir,
        ],
        { cwd: ROOT, env: { ...process.env, PROVISIO_DATABASE_URL: '' }, stdio: ['pipe', 'pipe', 'pipe'] },
      );
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, out }));
      child.stdin.end(`${PASSWORD}\n`);
    });
    expect(piped.code, piped.out).toBe(0);
    expect(piped.out).not.toContain(PASSWORD);

    const server = await runServer({ dataDir, port: 0, feedRetentionMs: 0, admin: true });
    try {
      const session = await signIn(server.url, 'dora', PASSWORD);
      expect(
        (await call(server.url, 'GET', '/admin/v1/session', { cookie: session.cookie })).body.user,
      ).toEqual({
        name: 'dora',
        role: 'operator',
      });
      const reset = await withStdin(
        'a brand new password',
        'admins',
        'reset-password',
        'dora',
        '--password-stdin',
        '--data-dir',
        dataDir,
      );
      expect(reset.code).toBe(0);
      expect((await call(server.url, 'GET', '/admin/v1/session', { cookie: session.cookie })).status).toBe(
        401,
      );
      expect((await postSession(server.url, 'dora', PASSWORD)).status).toBe(401);
      expect((await postSession(server.url, 'dora', 'a brand new password')).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('is served by provisio serve --workers 2, with the idle timeout it was given', async () => {
    const dataDir = tempDir();
    expect((await createUser(dataDir, 'erin', 'viewer', PASSWORD)).code).toBe(0);
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        CLI,
        'serve',
        '--port',
        '0',
        '--workers',
        '2',
        '--no-engine',
        '--log-level',
        'silent',
        '--session-idle-timeout',
        '5m',
        '--data-dir',
        dataDir,
      ],
      {
        cwd: ROOT,
        env: { ...process.env, PROVISIO_DATABASE_URL: '', PROVISIO_WORKERS: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let err = '';
        child.stderr.on('data', (chunk: Buffer) => {
          err += chunk.toString();
          const match = /admin API listening on (http:\/\/[^\s]+)\/admin\/v1/.exec(err);
          if (match) resolve(match[1]!);
        });
        child.on('close', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
      });
      const session = await signIn(url, 'erin', PASSWORD);
      // Several requests: the two workers take turns, and each knows the session.
      for (let i = 0; i < 6; i++) {
        const got = await call(url, 'GET', '/admin/v1/session', { cookie: session.cookie });
        expect(got.status).toBe(200);
        expect(got.body.idleTimeoutSeconds).toBe(300);
      }
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('close', resolve));
    }
  }, 120_000);
});
