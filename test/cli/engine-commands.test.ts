/**
 * The engine's commands end to end on a SQLite data directory with one application whose
 * connector is a module writing a JSON file: sync (exit codes, --json, the progress line on a
 * terminal only), preview (target untouched), provision, logs, accounts, reconcile and
 * apps approve-deletes.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import pg from 'pg';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { openProvisio } from '../../src/main.js';
import type { ProvisioDatabase } from '../../src/engine/state/open-engine-state.js';
import { withProvisio } from '../support/with-provisio.js';
import { appYaml, driftAndOrphan, engineFixture, type EngineFixture } from './engine-fixture.js';
import { PG_URL } from '../server/server-harness.js';

const fixtures: EngineFixture[] = [];
afterEach(() => {
  for (const f of fixtures.splice(0)) f.dispose();
});

async function withUsers(...userNames: string[]): Promise<EngineFixture> {
  const f = engineFixture();
  fixtures.push(f);
  await f.apply();
  await directory(f, async (database) => {
    for (const userName of userNames) {
      await database.directory.create('User', {
        userName,
        displayName: userName.split('@')[0]!,
        active: true,
      });
    }
  });
  return f;
}

const directory = <T>(f: EngineFixture, work: (d: ProvisioDatabase) => Promise<T>) =>
  withProvisio({ dataDir: f.dataDir }, work);

const SUMMARY_KEYS = ['create', 'update', 'disable', 'delete', 'skip', 'success', 'failure'];

describe('provisio sync', () => {
  it('provisions the users, prints one JSON object and exits 0', async () => {
    const f = await withUsers('ada@example.com', 'bob@example.com');
    const r = await runCli('sync', 'crm', '--json', '--data-dir', f.dataDir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual([
      'app',
      'cycleId',
      'kind',
      'status',
      'started',
      'finished',
      'summary',
      'failures',
    ]);
    expect(report).toMatchObject({ app: 'crm', kind: 'initial', status: 'completed', failures: [] });
    expect(Object.keys(report.summary as object)).toEqual(SUMMARY_KEYS);
    expect(report.summary).toEqual({
      create: 2,
      update: 0,
      disable: 0,
      delete: 0,
      skip: 0,
      success: 2,
      failure: 0,
    });
    expect(Date.parse(report.finished as string)).toBeGreaterThanOrEqual(
      Date.parse(report.started as string),
    );
    expect(
      f
        .target()
        .map((o) => o.attributes.userName)
        .sort(),
    ).toEqual(['ada@example.com', 'bob@example.com']);

    // Nothing changed: the next cycle is incremental and sends nothing.
    const again = await runCli('sync', 'crm', '--json', '--data-dir', f.dataDir);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      kind: 'incremental',
      summary: { create: 0, update: 0 },
    });
  });

  it('prints a plain summary, and draws the progress line only on a terminal', async () => {
    const f = await withUsers('ada@example.com');
    const piped = await runCli('sync', 'crm', '--data-dir', f.dataDir);
    expect(piped.code).toBe(0);
    expect(piped.stdout).toMatch(
      /^crm: completed \(initial cycle [0-9a-f-]+, \d+(\.\d)? m?s\)\n {2}create {3}1 {2}success {2}1\n/,
    );
    expect(piped.stderr).not.toContain('\r');

    await directory(f, (d) => d.directory.create('User', { userName: 'cy@example.com', active: true }));
    const stderr = process.stderr as { isTTY?: boolean };
    const wasTTY = stderr.isTTY;
    stderr.isTTY = true;
    try {
      const tty = await runCli('sync', 'crm', '--restart', '--data-dir', f.dataDir);
      expect(tty.code).toBe(0);
      expect(tty.stderr).toMatch(/\rsync crm /);
      // The line is cleared before the summary.
      expect(tty.stderr).toMatch(/\r +\r$/);
    } finally {
      stderr.isTTY = wasTTY;
    }
  });

  it('exits 1 with the failures and what to do when the target refuses', async () => {
    const f = await withUsers('ada@example.com');
    // A target file that is a directory: every write fails.
    const { mkdirSync } = await import('node:fs');
    mkdirSync(`${f.targetFile}.tmp`);
    const r = await runCli('sync', 'crm', '--data-dir', f.dataDir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/failures:\n {2}User {2}ada@example.com {2}create {2}/);
    expect(r.stdout).toMatch(/next: `provisio logs crm --status failure --cycle [0-9a-f-]+`/);
    // The next cycle picks up a new user, which fails the same way: listed in the JSON object.
    await directory(f, (d) => d.directory.create('User', { userName: 'bob@example.com', active: true }));
    const json = await runCli('sync', 'crm', '--json', '--data-dir', f.dataDir);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as {
      summary: { failure: number };
      failures: Record<string, unknown>[];
    };
    expect(report.summary.failure).toBeGreaterThanOrEqual(1);
    expect(report.failures).toContainEqual(
      expect.objectContaining({ objectType: 'User', sourceName: 'bob@example.com', action: 'create' }),
    );
    expect(Object.keys(report.failures[0]!).slice(0, 3)).toEqual(['objectType', 'sourceId', 'sourceName']);
  });

  it('says there is no such app, with a suggestion', async () => {
    const f = await withUsers();
    const r = await runCli('sync', 'crn', '--data-dir', f.dataDir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "provisio: no application named 'crn'; did you mean 'crm'?\nnext: `provisio apps list` shows the applications\n",
    );
    expect(r.stdout).toBe('');
  });
});

describe('provisio preview', () => {
  it('lists what the cycle would do, with per-attribute values, and touches nothing', async () => {
    const f = await withUsers('ada@example.com');
    const r = await runCli('preview', 'crm', '--json', '--data-dir', f.dataDir);
    expect(r.code).toBe(0);
    const preview = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(preview)).toEqual(['app', 'kind', 'wouldHold', 'summary', 'items']);
    expect(preview).toMatchObject({ app: 'crm', kind: 'initial', wouldHold: false });
    // A preview counts what would be done as it would end if the target accepts it.
    expect(preview.summary).toEqual({
      create: 1,
      update: 0,
      disable: 0,
      delete: 0,
      skip: 0,
      success: 1,
      failure: 0,
    });
    const items = preview.items as {
      action: string;
      sourceName?: string;
      changes: { attribute: string; new: unknown }[];
    }[];
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ objectType: 'User', action: 'create', sourceName: 'ada@example.com' });
    expect(items[0]!.changes).toContainEqual({ attribute: 'userName', old: null, new: 'ada@example.com' });
    expect(f.target()).toEqual([]);

    const text = await runCli('preview', 'crm', '--data-dir', f.dataDir);
    expect(text.stdout).toContain('crm: preview of the next initial cycle (the target is not touched)\n');
    expect(text.stdout).toContain('  create User ada@example.com\n');
    expect(text.stdout).toMatch(/ {6}userName +\(none\) +-> +"ada@example.com"\n/);
    expect(f.target()).toEqual([]);
  });
});

describe('provisio provision, logs and accounts', () => {
  it('provisions one user with its steps, then shows it in the log and the accounts', async () => {
    const f = await withUsers('ada@example.com', 'bob@example.com');
    const dry = await runCli(
      'provision',
      'crm',
      '--user',
      'ada@example.com',
      '--dry-run',
      '--data-dir',
      f.dataDir,
    );
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(
      /^crm: planned for User ada@example.com \(dry run: the target is not touched\)\n/,
    );
    expect(dry.stdout).toMatch(/result: would create/);
    expect(f.target()).toEqual([]);

    const done = await runCli('provision', 'crm', '--user', 'ada@example.com', '--data-dir', f.dataDir);
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/^crm: provisioned User ada@example.com\n/);
    expect(done.stdout).toMatch(/result: create done/);
    expect(f.target().map((o) => o.attributes.userName)).toEqual(['ada@example.com']);

    const logs = await runCli('logs', 'crm', '--json', '--data-dir', f.dataDir);
    expect(logs.code).toBe(0);
    const entries = logs.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries.length).toBeGreaterThanOrEqual(1);
    expect(entries.at(-1)).toMatchObject({
      app: 'crm',
      objectType: 'User',
      sourceName: 'ada@example.com',
      action: 'create',
      status: 'success',
    });
    const filtered = await runCli('logs', 'crm', '--status', 'failure', '--json', '--data-dir', f.dataDir);
    expect(filtered.stdout).toBe('');
    const table = await runCli(
      'logs',
      'crm',
      '--user',
      'ada@example.com',
      '--since',
      '1h',
      '--data-dir',
      f.dataDir,
    );
    expect(table.stdout).toMatch(/^TIME +CYCLE +TYPE +OBJECT +ACTION +STATUS +DETAIL\n/);
    expect(table.stdout).toMatch(/User +ada@example.com +create +success/);

    const accounts = await runCli('accounts', 'crm', '--json', '--data-dir', f.dataDir);
    expect(accounts.code).toBe(0);
    const linked = accounts.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(linked).toHaveLength(1);
    expect(Object.keys(linked[0]!)).toEqual(
      expect.arrayContaining(['objectType', 'sourceId', 'targetId', 'state', 'linked', 'updated']),
    );
    expect(linked[0]).toMatchObject({ objectType: 'User', targetId: f.target()[0]!.id, state: 'active' });
    const human = await runCli('accounts', 'crm', '--data-dir', f.dataDir);
    expect(human.stdout).toMatch(
      /^TYPE +SOURCE +TARGET +STATE +UPDATED\nUser +ada@example.com +t1 +active +\d{4}-/,
    );
  });
});

describe('provisio reconcile', () => {
  it('reports drift, orphans and missing accounts, and --fix converges them', async () => {
    const f = await withUsers('ada@example.com', 'bob@example.com');
    expect((await runCli('sync', 'crm', '--data-dir', f.dataDir)).code).toBe(0);
    // Someone changes ada directly in the target and adds an account of their own.
    driftAndOrphan(f);

    const r = await runCli('reconcile', 'crm', '--json', '--data-dir', f.dataDir);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as {
      drift: { sourceName: string; changes: { attribute: string; old: unknown; new: unknown }[] }[];
      orphans: { targetId: string }[];
      missing: unknown[];
    };
    expect(Object.keys(report)).toEqual(['app', 'fixed', 'summary', 'drift', 'orphans', 'missing']);
    expect(report.drift.map((d) => d.sourceName)).toEqual(['ada@example.com']);
    expect(report.drift[0]!.changes).toContainEqual({
      attribute: 'displayName',
      old: 'changed by hand',
      new: 'ada',
    });
    expect(report.orphans.map((o) => o.targetId)).toEqual(['t99']);

    const fixed = await runCli('reconcile', 'crm', '--fix', '--data-dir', f.dataDir);
    expect(fixed.code).toBe(0);
    expect(f.target().find((o) => o.attributes.userName === 'ada@example.com')!.attributes.displayName).toBe(
      'ada',
    );
    // Orphans are reported, never touched.
    expect(f.target().some((o) => o.id === 't99')).toBe(true);
  });
});

describe('held deletions', () => {
  it('sync exits 3, notifies the webhook and says to approve; apps approve-deletes lets them through', async () => {
    const received: Record<string, unknown>[] = [];
    const receiver = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        received.push(JSON.parse(text) as Record<string, unknown>);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as AddressInfo;
    const f = engineFixture();
    fixtures.push(f);
    await f.apply(`deletionThreshold: 1\nnotificationWebhookUrl: http://127.0.0.1:${port}/hook`);
    const ids = await directory(f, async (d) => {
      const out: string[] = [];
      for (const n of ['a', 'b', 'c'])
        out.push((await d.directory.create('User', { userName: `${n}@example.com`, active: true })).id);
      return out;
    });
    expect((await runCli('sync', 'crm', '--data-dir', f.dataDir)).code).toBe(0);
    await directory(f, async (d) => {
      for (const id of ids.slice(0, 2)) await d.directory.delete('User', id);
    });

    const held = await runCli('sync', 'crm', '--data-dir', f.dataDir);
    expect(held.code).toBe(3);
    expect(held.stdout).toMatch(/^crm: held by the accidental-deletion guard/);
    expect(held.stdout).toContain('run `provisio apps approve-deletes crm`');
    expect(f.target().filter((o) => o.enabled)).toHaveLength(3);
    // The command waited for the notification before it exited.
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      version: 1,
      type: 'deletionsHeld',
      app: 'crm',
      details: { count: 2, threshold: 1 },
    });
    const heldJson = await runCli('sync', 'crm', '--json', '--data-dir', f.dataDir);
    expect(heldJson.code).toBe(3);
    expect(JSON.parse(heldJson.stdout)).toMatchObject({ status: 'held', hold: { count: 2, threshold: 1 } });

    const approved = await runCli('apps', 'approve-deletes', 'crm', '--data-dir', f.dataDir);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toMatch(/^crm: approved 2 held disables and deletes \(threshold 1/);
    const after = await runCli('sync', 'crm', '--json', '--data-dir', f.dataDir);
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout)).toMatchObject({ status: 'completed', summary: { disable: 2 } });
    expect(f.target().filter((o) => o.enabled)).toHaveLength(1);

    const nothing = await runCli('apps', 'approve-deletes', 'crm', '--data-dir', f.dataDir);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(/^provisio: crm has no held deletions to approve\n/);
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  });
});

describe.skipIf(!PG_URL)('the engine commands on PostgreSQL (--database)', () => {
  it('applies, syncs, previews and shows the log in a PostgreSQL schema', async () => {
    const f = engineFixture();
    fixtures.push(f);
    const schema = `t_engine_cli_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA ${schema}`);
      const url = new URL(PG_URL!);
      url.searchParams.set('options', `-c search_path=${schema}`);
      const database = ['--database', url.href, '--data-dir', f.dataDir];
      writeFileSync(join(f.dataDir, 'crm.yaml'), appYaml('crm', f.targetFile));
      expect((await runCli('apps', 'apply', '-f', join(f.dataDir, 'crm.yaml'), ...database)).code).toBe(0);
      const opened = await openProvisio({ databaseUrl: url.href });
      try {
        await opened.directory.create('User', { userName: 'ada@example.com', active: true });
      } finally {
        await opened.close();
      }
      const preview = await runCli('preview', 'crm', '--json', ...database);
      expect(JSON.parse(preview.stdout)).toMatchObject({ summary: { create: 1 } });
      expect(f.target()).toEqual([]);
      const sync = await runCli('sync', 'crm', '--json', ...database);
      expect(sync.code).toBe(0);
      expect(JSON.parse(sync.stdout)).toMatchObject({
        kind: 'initial',
        status: 'completed',
        summary: { create: 1 },
      });
      expect(f.target().map((o) => o.attributes.userName)).toEqual(['ada@example.com']);
      const logs = await runCli('logs', 'crm', '--json', '--action', 'create', ...database);
      expect(logs.stdout.trim().split('\n')).toHaveLength(1);
      const rows = await admin.query(`SELECT count(*)::int AS n FROM ${schema}.engine_apps`);
      expect(rows.rows).toEqual([{ n: 1 }]);
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    }
  });
});
