/**
 * The `provisio tokens` commands through run(), and `provisio serve` end to end: a real process on
 * a free port, a token created by the CLI against the same data directory while it runs, used over
 * HTTP, then a graceful SIGTERM shutdown.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { openDirectory } from '../../src/main.js';
import { verifyToken } from '../../src/server/api-token.js';
import pg from 'pg';
import { dropSchema, freshSchemaName, postgresFlags } from '../support/postgres-test-schema.js';
import { CLI, ROOT, spawnCli } from '../support/spawn-cli.js';
import { PG_URL, USER_SCHEMA, send } from './server-harness.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'provisio-cli-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  vi.restoreAllMocks();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const cli = runCli;

describe('provisio tokens', () => {
  it('create prints one token line; list shows names and scopes, never secrets; revoke removes', async () => {
    const dataDir = tempDir();
    const created = await cli('tokens', 'create', '--name', 'entra', '--data-dir', dataDir);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^pvs_[0-9a-f]{16}_[A-Za-z0-9_-]{43}\n$/);
    const readOnly = await cli('tokens', 'create', '--name', 'auditor', '--read-only', '--data-dir', dataDir);
    expect(readOnly.code).toBe(0);

    const duplicate = await cli('tokens', 'create', '--name', 'entra', '--data-dir', dataDir);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stdout).toBe('');
    expect(duplicate.stderr).toMatch(/already exists/);

    const list = await cli('tokens', 'list', '--data-dir', dataDir);
    expect(list.code).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+KIND\s+SCOPE\s+CREATED\s+LAST USED$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 3))).toEqual([
      ['auditor', 'scim', 'read-only'],
      ['entra', 'scim', 'read-write'],
    ]);
    const secret = created.stdout.trim().split('_').slice(2).join('_');
    expect(list.stdout).not.toContain(secret);

    expect((await cli('tokens', 'revoke', 'entra', '--data-dir', dataDir)).code).toBe(0);
    const missing = await cli('tokens', 'revoke', 'entra', '--data-dir', dataDir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no token named "entra"/);
    const after = await cli('tokens', 'list', '--data-dir', dataDir);
    expect(after.stdout).not.toMatch(/entra/);
  });

  it('create requires --name', async () => {
    const r = await cli('tokens', 'create', '--data-dir', tempDir());
    expect(r.code).not.toBe(0);
  });

  it('a missing, blank or multi-line --name is a usage error (2) and opens no store', async () => {
    const dataDir = join(tempDir(), 'never-created');
    const missing = await cli('tokens', 'create', '--data-dir', dataDir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: required option '--name <name>' not specified/);
    for (const name of ['', '   ', 'two\nlines']) {
      const r = await cli('tokens', 'create', '--name', name, '--data-dir', dataDir);
      expect(r.code, JSON.stringify(name)).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        /^error: option '--name <name>' argument '[^]*' is invalid\. Expected a non-blank name on one line/,
      );
    }
    const revoke = await cli('tokens', 'revoke', ' ', '--data-dir', dataDir);
    expect(revoke.code).toBe(2);
    expect(revoke.stderr).toMatch(/^error: command-argument value ' ' is invalid for argument 'name'\./);
    const noSubcommand = await cli('tokens');
    expect(noSubcommand.code).toBe(2);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('a bad storage option is a usage error for every tokens command', async () => {
    const dataDir = join(tempDir(), 'never-created');
    for (const args of [['create', '--name', 'x'], ['list'], ['revoke', 'x']]) {
      const badUrl = await cli('tokens', ...args, '--data-dir', dataDir, '--database', 'mysql://h/db');
      expect(badUrl.code, args.join(' ')).toBe(2);
      expect(badUrl.stderr).toMatch(
        /^error: option '--database <url>' argument 'mysql:\/\/h\/db' is invalid\./,
      );
      const badSync = await cli('tokens', ...args, '--data-dir', dataDir, '--sqlite-sync', 'fast');
      expect(badSync.code, args.join(' ')).toBe(2);
      expect(badSync.stderr).toMatch(/Allowed choices are full, normal\./);
    }
    expect(existsSync(dataDir)).toBe(false);
  });

  it('in a real process, create prints exactly the token on stdout, so TOKEN=$(provisio tokens create ...) works', async () => {
    const dataDir = tempDir();
    const created = await spawnCli(['tokens', 'create', '--name', 'entra', '--data-dir', dataDir]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^pvs_[0-9a-f]{16}_[A-Za-z0-9_-]{43}\n$/);
    expect(created.stderr).toBe('');
    // The shell's $(...) drops the trailing newline: what is left must be the whole token.
    const token = created.stdout.replace(/\n$/, '');
    const store = await openDirectory({ dataDir });
    try {
      expect((await verifyToken(store, token))?.name).toBe('entra');
    } finally {
      await store.close();
    }
  });
});

describe.skipIf(!PG_URL)('provisio tokens --database (postgres)', () => {
  it('creates, lists and revokes tokens in the PostgreSQL schema --database-schema names', async () => {
    const schema = freshSchemaName();
    const database = postgresFlags(PG_URL!, schema);
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    try {
      // The schema need not exist: the first command creates it.
      const created = await cli('tokens', 'create', '--name', 'pg-token', ...database);
      expect(created.code, created.stderr).toBe(0);
      expect(created.stdout).toMatch(/^pvs_/);
      const rows = await admin.query(`SELECT name, scope FROM ${schema}.api_tokens`);
      expect(rows.rows).toEqual([{ name: 'pg-token', scope: 'read-write' }]);
      expect((await cli('tokens', 'list', ...database)).stdout).toMatch(/pg-token\s+scim\s+read-write/);
      // Another schema of the same database is another Provisio: it has no such token.
      const other = freshSchemaName();
      try {
        expect((await cli('tokens', 'list', ...postgresFlags(PG_URL!, other))).stdout).not.toMatch(
          /pg-token/,
        );
      } finally {
        await dropSchema(PG_URL!, other);
      }
      expect((await cli('tokens', 'revoke', 'pg-token', ...database)).code).toBe(0);
    } finally {
      await admin.end();
      await dropSchema(PG_URL!, schema);
    }
  });
});

describe('provisio serve (end to end)', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    child = undefined;
  });

  it('starts, answers /healthz, accepts a token created while it runs, and shuts down on SIGTERM', async () => {
    const dataDir = tempDir();
    child = spawn(
      process.execPath,
      ['--import', 'tsx', CLI, 'serve', '--port', '0', '--data-dir', dataDir, '--log-level', 'silent'],
      {
        cwd: ROOT,
        env: { ...process.env, PROVISIO_DATABASE_URL: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 30_000);
      child!.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /listening on (http:\/\/\S+)\/scim\/v2/.exec(stderr);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      child!.on('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
    });
    const health = await send(`${url}/healthz`, {});
    expect(health.status).toBe(200);
    expect((await send(`${url}/scim/v2/Users`, {})).status).toBe(401);

    const created = await cli('tokens', 'create', '--name', 'e2e', '--data-dir', dataDir);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    const post = await send(`${url}/scim/v2/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: [USER_SCHEMA], userName: 'e2e@example.com' }),
    });
    expect(post.status).toBe(201);
    expect(post.headers.get('location')).toBe(`${url}/scim/v2/Users/${post.body.id}`);

    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/SIGTERM received/);
  });

  // The other options and variables are covered in-process (src/cli/commands/serve-command.test.ts).
  it('refuses a bad option or environment variable with exit code 2 before opening or listening', async () => {
    const dataDir = join(tempDir(), 'never-created');
    const cases: [string[], Record<string, string>, RegExp][] = [
      [
        ['--log-level', 'loud'],
        {},
        /^error: option '--log-level <level>' argument 'loud' is invalid\. Allowed choices are fatal, error, warn, info, debug, trace, silent\.\n/,
      ],
      [
        ['--public-url', 'notaurl'],
        {},
        /^error: option '--public-url <url>' argument 'notaurl' is invalid\. Expected an absolute http:\/\/ or https:\/\/ URL/,
      ],
      [
        [],
        { PROVISIO_WORKERS: 'lots' },
        /^error: option '--workers <n\|auto>' value 'lots' from env 'PROVISIO_WORKERS' is invalid\./,
      ],
    ];
    for (const [args, env, message] of cases) {
      const r = await spawnCli(['serve', '--port', '0', '--data-dir', dataDir, ...args], env);
      expect(r.code, `${args.join(' ')} ${JSON.stringify(env)}`).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/listening on/);
      expect(r.stdout).toBe('');
    }
    expect(existsSync(dataDir)).toBe(false);
    // Three processes of their own, each starting tsx: slow on a loaded machine.
  }, 90_000);

  it('prunes the change feed beyond the --feed-retention window', async () => {
    const dataDir = tempDir();
    const store = await openDirectory({ dataDir });
    const old = await store.create('User', { userName: 'before-start@example.com' });
    await store.close();
    child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        CLI,
        'serve',
        '--port',
        '0',
        '--data-dir',
        dataDir,
        '--feed-retention',
        '1s',
        '--no-request-log',
      ],
      {
        cwd: ROOT,
        env: { ...process.env, PROVISIO_DATABASE_URL: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    const pruned = await new Promise<{ deleted: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no prune logged: ${stdout}`)), 20_000);
      child!.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const line = stdout.split('\n').find((l) => l.includes('change feed pruned'));
        if (line) {
          clearTimeout(timer);
          resolve(JSON.parse(line) as { deleted: number });
        }
      });
      child!.on('exit', (code) => reject(new Error(`server exited with ${code}: ${stdout}`)));
    });
    expect(pruned.deleted).toBe(1);
    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const reopened = await openDirectory({ dataDir });
    try {
      // The user stays; only its change-feed entry went.
      expect((await reopened.get('User', old.id))?.attributes.userName).toBe('before-start@example.com');
      expect((await reopened.readChanges(0, 10)).status).toBe('resyncRequired');
    } finally {
      await reopened.close();
    }
  });
});
