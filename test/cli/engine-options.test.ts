/**
 * The engine's commands refuse bad option values as they are parsed: exit code 2, commander's
 * message naming the option, and nothing opened (the data directory is never created).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { appName, countUpTo, durationMs, pastTime } from '../../src/cli/commands/option-parsers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function neverCreated(): string {
  const dir = mkdtempSync(join(tmpdir(), 'provisio-engine-cli-'));
  dirs.push(dir);
  return join(dir, 'never-created');
}

describe('engine option parsers', () => {
  it('reads durations with a unit, or 0', () => {
    expect(durationMs('30s')).toBe(30_000);
    expect(durationMs('2m')).toBe(120_000);
    expect(durationMs(' 1.5h ')).toBe(5_400_000);
    expect(durationMs('0')).toBe(0);
    for (const bad of ['', '30', 'soon', '-1s', 's', '1 2s']) {
      expect(() => durationMs(bad), bad).toThrow(InvalidArgumentError);
    }
  });

  it('reads a past time as ISO 8601 or as a duration back from now', () => {
    const now = () => new Date('2026-01-02T12:00:00Z');
    expect(pastTime('2026-01-01T08:30:00Z', now).toISOString()).toBe('2026-01-01T08:30:00.000Z');
    expect(pastTime('2026-01-01', now).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(pastTime('90m', now).toISOString()).toBe('2026-01-02T10:30:00.000Z');
    expect(pastTime('7d', now).toISOString()).toBe('2025-12-26T12:00:00.000Z');
    for (const bad of ['yesterday', '2026-13-45', '10', '0m', '', '-2h']) {
      expect(() => pastTime(bad, now), bad).toThrow(/ISO 8601 time .* or a duration back from now/);
    }
  });

  it('reads app names and bounded counts', () => {
    expect(appName('scim-demo')).toBe('scim-demo');
    expect(appName('crm.v2_eu')).toBe('crm.v2_eu');
    for (const bad of ['', 'CRM', '-crm', 'a b', 'crm/x', 'x'.repeat(129)]) {
      expect(() => appName(bad), bad).toThrow(/Expected an application name/);
    }
    const limit = countUpTo(10);
    expect(limit('10')).toBe(10);
    for (const bad of ['0', '11', '1.5', 'x', '']) expect(() => limit(bad), bad).toThrow(/from 1 to 10/);
  });
});

describe('engine commands: usage errors', () => {
  const cases: [string[], RegExp][] = [
    [
      ['sync', 'Bad Name'],
      /^error: command-argument value 'Bad Name' is invalid for argument 'name'\. Expected an application name/,
    ],
    [
      ['sync', 'crm', '--restart', '--reset'],
      /^error: option '--restart' cannot be used with option '--reset'/,
    ],
    [
      ['sync', 'crm', '--wait', 'forever'],
      /^error: option '--wait <duration>' argument 'forever' is invalid\./,
    ],
    [['sync'], /^error: missing required argument 'name'/],
    [['preview', 'crm', '--fix'], /^error: unknown option '--fix'/],
    [['provision', 'crm'], /^error: required option '--user <user>' not specified/],
    [['provision', 'crm', '--user', ' '], /^error: option '--user <user>' argument ' ' is invalid\./],
    [
      ['logs', 'crm', '--status', 'failed'],
      /^error: option '--status <status>' argument 'failed' is invalid\. Allowed choices are success, failure, skipped, warning\./,
    ],
    [
      ['logs', 'crm', '--action', 'remove'],
      /^error: option '--action <action>' argument 'remove' is invalid\. Allowed choices are create, update, disable, enable, delete, skip, none\./,
    ],
    [
      ['logs', 'crm', '--since', 'yesterday'],
      /^error: option '--since <time>' argument 'yesterday' is invalid\. Expected an ISO 8601 time/,
    ],
    [['logs', 'crm', '--limit', '0'], /^error: option '--limit <n>' argument '0' is invalid\./],
    [['accounts', 'crm', '--all'], /^error: unknown option '--all'/],
    [['reconcile', 'CRM!'], /is invalid for argument 'name'/],
    [['apps', 'approve-deletes'], /^error: missing required argument 'name'/],
    [
      ['sync', 'crm', '--database', 'mysql://h/db'],
      /^error: option '--database <url>' argument 'mysql:\/\/h\/db' is invalid\./,
    ],
  ];
  for (const [args, message] of cases) {
    it(`${args.join(' ')} is a usage error (2) that opens nothing`, async () => {
      const dataDir = neverCreated();
      const r = await runCli(...args, '--data-dir', dataDir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
      expect(existsSync(dataDir)).toBe(false);
    });
  }

  it('lists the engine commands in the help, with exit code 3', async () => {
    const r = await runCli('--help');
    expect(r.code).toBe(0);
    for (const name of ['sync', 'preview', 'provision', 'logs', 'accounts', 'reconcile', 'apps']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    }
    expect(r.stdout).toMatch(/3 the application is held \(accidental-deletion guard\) or quarantined/);
    const apps = await runCli('apps', '--help');
    expect(apps.stdout).toMatch(/approve-deletes \[options\] <name>/);
    const serve = await runCli('serve', '--help');
    expect(serve.stdout).toMatch(/--no-engine\s+serve the APIs only/);
  });
});
