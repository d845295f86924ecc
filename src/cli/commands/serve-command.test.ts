import { InvalidArgumentError } from 'commander';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runServer } from '../../main.js';
import { runCli } from '../../../test/support/run-cli.js';
import { proxyList } from './option-parsers.js';
import { feedRetention, sessionIdleTimeout, workerCount } from './serve-command.js';

describe('serve options', () => {
  it('reads a change-feed retention window with its unit, or off', () => {
    expect(feedRetention('7d')).toBe(7 * 24 * 3600 * 1000);
    expect(feedRetention(' 36h ')).toBe(36 * 3600 * 1000);
    expect(feedRetention('90m')).toBe(90 * 60 * 1000);
    expect(feedRetention('2 days')).toBe(2 * 24 * 3600 * 1000);
    expect(feedRetention('off')).toBe(0);
    expect(feedRetention('OFF')).toBe(0);
    expect(feedRetention('0')).toBe(0);
  });

  it('refuses a retention without a unit, unreadable, negative or under a second', () => {
    for (const value of ['10', '7', 'abc', '-1d', '500ms', '', 'd']) {
      expect(() => feedRetention(value), value).toThrow(InvalidArgumentError);
      expect(() => feedRetention(value), value).toThrow(/at least 1s with a unit/);
    }
  });

  it('reads a session idle timeout from 1m to 24h with its unit', () => {
    expect(sessionIdleTimeout('30m')).toBe(30 * 60 * 1000);
    expect(sessionIdleTimeout(' 2h ')).toBe(2 * 3600 * 1000);
    expect(sessionIdleTimeout('1m')).toBe(60 * 1000);
    expect(sessionIdleTimeout('24h')).toBe(24 * 3600 * 1000);
    for (const value of ['30', '59s', '25h', 'off', '', '-5m']) {
      expect(() => sessionIdleTimeout(value), value).toThrow(/from 1m to 24h with a unit/);
    }
  });

  it('reads a list of trusted proxies', () => {
    expect(proxyList('10.0.0.0/8, loopback,::1,fd00::/8,192.168.1.7')).toEqual([
      '10.0.0.0/8',
      'loopback',
      '::1',
      'fd00::/8',
      '192.168.1.7',
    ]);
    for (const value of ['', ' , ', 'localhost', '10.0.0.0/', '10.0.0.0/x', '300.1.1.1']) {
      expect(() => proxyList(value), value).toThrow(/is not a proxy/);
    }
  });

  it('reads a worker count or auto', () => {
    expect(workerCount('3')).toBe(3);
    expect(workerCount('auto')).toBeGreaterThanOrEqual(1);
    for (const value of ['0', '-1', '1.5', '2x', '', '0x2', '1e1']) {
      expect(() => workerCount(value), value).toThrow(/positive integer or 'auto'/);
    }
  });

  it('refuses a PostgreSQL schema without a PostgreSQL URL instead of opening SQLite', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'provisio-serve-schema-')), 'data');
    try {
      await expect(runServer({ postgresSchema: 'provisio', dataDir })).rejects.toThrow(
        'a PostgreSQL schema needs a PostgreSQL database URL: SQLite has no schemas',
      );
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      rmSync(join(dataDir, '..'), { recursive: true, force: true });
    }
  });

  it('refuses a negative retention before opening anything', async () => {
    await expect(runServer({ feedRetentionMs: -1, dataDir: '/nonexistent/never-created' })).rejects.toThrow(
      /feedRetentionMs must be 0/,
    );
  });
});

/**
 * `provisio serve` with one bad option: exit code 2, a message naming the option, the value and
 * what it accepts, and nothing started: the data directory it was given is never created.
 */
describe('serve refuses a bad option before starting anything', () => {
  let root: string;
  let dataDir: string;
  const ENV_NAMES = [
    'PROVISIO_WORKERS',
    'PROVISIO_FEED_RETENTION',
    'PROVISIO_DATABASE_URL',
    'PROVISIO_DATABASE_SCHEMA',
    'PROVISIO_TRUST_PROXY',
  ];
  const saved = new Map(ENV_NAMES.map((name) => [name, process.env[name]]));
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'provisio-serve-options-'));
    dataDir = join(root, 'data');
    for (const name of ENV_NAMES) delete process.env[name];
  });
  afterEach(() => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(root, { recursive: true, force: true });
  });

  async function refused(args: string[], env: Record<string, string> = {}): Promise<string> {
    Object.assign(process.env, env);
    const result = await runCli('serve', '--data-dir', dataDir, ...args);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toBe('');
    expect(existsSync(dataDir)).toBe(false);
    return result.stderr.split('\n')[0]!;
  }

  it('--log-level names the levels it takes', async () => {
    expect(await refused(['--log-level', 'loud'])).toBe(
      "error: option '--log-level <level>' argument 'loud' is invalid. " +
        'Allowed choices are fatal, error, warn, info, debug, trace, silent.',
    );
  });

  it('--public-url wants an absolute http(s) URL without query or fragment', async () => {
    for (const value of [
      'notaurl',
      '/scim',
      'ftp://example.com',
      'https://example.com/?a=1',
      'https://x.com/#f',
    ]) {
      expect(await refused(['--public-url', value]), value).toMatch(
        new RegExp(
          `^error: option '--public-url <url>' argument '${escape(value)}' is invalid\\. Expected .*URL`,
        ),
      );
    }
  });

  it('--port is a whole number from 0 to 65535', async () => {
    for (const value of ['65536', '-1', '', ' ', '80.5', '0x50', 'http']) {
      expect(await refused(['--port', value]), value).toBe(
        `error: option '--port <n>' argument '${value}' is invalid. Expected a port number from 0 to 65535 (0 picks a free port).`,
      );
    }
  });

  it('--host is an IP address or a host name', async () => {
    for (const value of ['http://localhost', '', 'a b', '256.1.1.1', 'host:8080', '-x']) {
      expect(await refused(['--host', value]), value).toMatch(
        /^error: option '--host <address>' argument '.*' is invalid\. Expected an IP address or a host name/,
      );
    }
  });

  it('--body-limit is a positive whole number of bytes', async () => {
    for (const value of ['0', '1e6', '1MB', '-5', '']) {
      expect(await refused(['--body-limit', value]), value).toMatch(
        /Expected a positive whole number of bytes/,
      );
    }
  });

  it('--workers and PROVISIO_WORKERS take auto or a positive integer', async () => {
    expect(await refused(['--workers', 'many'])).toBe(
      "error: option '--workers <n|auto>' argument 'many' is invalid. Expected a positive integer or 'auto' (one worker per CPU).",
    );
    expect(await refused([], { PROVISIO_WORKERS: '0' })).toBe(
      "error: option '--workers <n|auto>' value '0' from env 'PROVISIO_WORKERS' is invalid. Expected a positive integer or 'auto' (one worker per CPU).",
    );
  });

  it('--feed-retention and PROVISIO_FEED_RETENTION take a duration with a unit or off', async () => {
    expect(await refused(['--feed-retention', '10'])).toMatch(
      /^error: option '--feed-retention <duration>' argument '10' is invalid\. Expected a duration of at least 1s with a unit/,
    );
    expect(await refused([], { PROVISIO_FEED_RETENTION: 'forever' })).toMatch(
      /^error: option '--feed-retention <duration>' value 'forever' from env 'PROVISIO_FEED_RETENTION' is invalid\. /,
    );
  });

  it('--database and PROVISIO_DATABASE_URL take a postgres:// URL', async () => {
    expect(await refused(['--database', 'mysql://localhost/db'])).toMatch(
      /^error: option '--database <url>' argument 'mysql:\/\/localhost\/db' is invalid\. Expected a postgres:\/\/ or postgresql:\/\/ URL/,
    );
    expect(await refused([], { PROVISIO_DATABASE_URL: 'localhost:5432' })).toMatch(
      /^error: option '--database <url>' value 'localhost:5432' from env 'PROVISIO_DATABASE_URL' is invalid\. /,
    );
  });

  it('--database-schema and PROVISIO_DATABASE_SCHEMA take a lower-case schema name, with PostgreSQL only', async () => {
    for (const bad of ['Provisio', '1st', 'a-b', 'x'.repeat(64), 'public;drop']) {
      expect(await refused(['--database', 'postgres://h/db', '--database-schema', bad]), bad).toMatch(
        /^error: option '--database-schema <name>' argument '.*' is invalid\. Expected a schema name of lower-case letters, digits and _/,
      );
    }
    expect(await refused(['--database', 'postgres://h/db'], { PROVISIO_DATABASE_SCHEMA: 'Mixed' })).toMatch(
      /^error: option '--database-schema <name>' value 'Mixed' from env 'PROVISIO_DATABASE_SCHEMA' is invalid\. /,
    );
    // SQLite has no schemas: refused rather than ignored, whether from the flag or the environment.
    expect(await refused(['--database-schema', 'provisio'])).toBe(
      'error: --database-schema (or PROVISIO_DATABASE_SCHEMA) needs a PostgreSQL --database (or PROVISIO_DATABASE_URL); SQLite has no schemas',
    );
    expect(await refused([], { PROVISIO_DATABASE_SCHEMA: 'provisio' })).toMatch(
      /^error: --database-schema .* needs a PostgreSQL --database/,
    );
  });

  it('--trust-proxy and PROVISIO_TRUST_PROXY take addresses, CIDR ranges and range names', async () => {
    for (const value of ['everyone', '10.0.0.0/33', '10.0.0.1,', 'fe80::/129', '1.2.3.4/8/1', 'true']) {
      expect(await refused(['--trust-proxy', value]), value).toMatch(
        /^error: option '--trust-proxy <addresses>' argument '.*' is invalid\. .* is not a proxy: expected a comma-separated list of IP addresses, CIDR ranges/,
      );
    }
    expect(await refused([], { PROVISIO_TRUST_PROXY: 'proxy.example.com' })).toMatch(
      /^error: option '--trust-proxy <addresses>' value 'proxy.example.com' from env 'PROVISIO_TRUST_PROXY' is invalid\. "proxy.example.com" is not a proxy/,
    );
  });

  it('--sqlite-sync names its levels', async () => {
    expect(await refused(['--sqlite-sync', 'off'])).toBe(
      "error: option '--sqlite-sync <level>' argument 'off' is invalid. Allowed choices are full, normal.",
    );
  });

  it('--data-dir must not name a file', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, '');
    const result = await runCli('serve', '--data-dir', file);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^error: option '--data-dir <dir>' argument '.*a-file' is invalid\. Expected a directory; a file of that name exists\./,
    );
  });

  it('an unknown option or a missing value is a usage error too', async () => {
    expect(await refused(['--prot', '8080'])).toMatch(/^error: unknown option '--prot'/);
    expect(await refused(['--port'])).toBe("error: option '--port <n>' argument missing");
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
