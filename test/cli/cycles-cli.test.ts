/**
 * `provisio cycles NAME` on a SQLite data directory with the JSON-file connector: the cycles
 * `sync` ran, newest first, as a table and as JSON with their kind, duration, counts and outcome;
 * an unknown app and a bad limit stop with their exit codes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { withProvisio } from '../support/with-provisio.js';
import { runCli } from '../support/run-cli.js';
import { engineFixture, type EngineFixture } from './engine-fixture.js';

const fixtures: EngineFixture[] = [];
afterEach(() => {
  for (const f of fixtures.splice(0)) f.dispose();
});

async function addUser(f: EngineFixture, userName: string): Promise<void> {
  await withProvisio({ dataDir: f.dataDir }, (database) =>
    database.directory.create('User', { userName, displayName: userName, active: true }),
  );
}

describe('provisio cycles', () => {
  it('lists the cycles newest first, as JSON and as a table', async () => {
    const f = engineFixture();
    fixtures.push(f);
    await f.apply();
    expect((await runCli('cycles', 'crm', '--data-dir', f.dataDir)).stderr).toBe(
      "no cycle of 'crm' has run yet\n",
    );
    await addUser(f, 'ada@example.com');
    await addUser(f, 'bob@example.com');
    const first = JSON.parse((await runCli('sync', 'crm', '--json', '--data-dir', f.dataDir)).stdout);
    await addUser(f, 'cy@example.com');
    const second = JSON.parse((await runCli('sync', 'crm', '--json', '--data-dir', f.dataDir)).stdout);

    const json = await runCli('cycles', 'crm', '--json', '--data-dir', f.dataDir);
    expect(json.code, json.stderr).toBe(0);
    const listed = JSON.parse(json.stdout) as { app: string; cycles: Record<string, unknown>[] };
    expect(listed.app).toBe('crm');
    expect(listed.cycles.map((c) => c.id)).toEqual([second.cycleId, first.cycleId]);
    expect(listed.cycles[1]).toMatchObject({
      kind: 'initial',
      status: 'completed',
      started: first.started,
      summary: first.summary,
    });
    expect(listed.cycles[0]).toMatchObject({ kind: 'incremental', summary: { create: 1, success: 1 } });
    for (const c of listed.cycles) {
      expect(c.durationMs).toBe(Date.parse(String(c.finished)) - Date.parse(String(c.started)));
    }

    const limited = JSON.parse(
      (await runCli('cycles', 'crm', '--json', '--limit', '1', '--data-dir', f.dataDir)).stdout,
    );
    expect(limited.cycles.map((c: { id: string }) => c.id)).toEqual([second.cycleId]);

    const text = await runCli('cycles', 'crm', '--data-dir', f.dataDir);
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^STARTED\s+DURATION\s+KIND\s+OUTCOME\s+CHANGES\s+CYCLE$/);
    expect(lines[1]).toContain('incremental');
    expect(lines[1]).toContain('create 1, success 1');
    expect(lines[1]).toContain(second.cycleId);
    expect(lines[2]).toMatch(/initial\s+completed\s+create 2, success 2/);
  });

  it('stops on an unknown app (exit 1) and a bad limit (exit 2)', async () => {
    const f = engineFixture();
    fixtures.push(f);
    await f.apply();
    const unknown = await runCli('cycles', 'crn', '--data-dir', f.dataDir);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no application named 'crn'; did you mean 'crm'\?/);
    for (const bad of ['0', '1001', 'ten']) {
      const refused = await runCli('cycles', 'crm', '--limit', bad, '--data-dir', f.dataDir);
      expect(refused.code, bad).toBe(2);
      expect(refused.stderr, bad).toMatch(
        /--limit <n>' argument '.*' is invalid\. Expected a whole number from 1 to 1000/,
      );
    }
  });
});
