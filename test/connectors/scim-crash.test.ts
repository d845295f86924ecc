/**
 * Crash test: an initial cycle of many users into the SCIM test target runs in a child process
 * that is killed with SIGKILL at random points, restarted, and finally left to finish. The target
 * accepts duplicate userNames here (as some applications do), so any account created twice would
 * show: the restarted engine must match what the killed one created, never create it again.
 *
 * SCIM_CRASH_USERS (default 2,000) and SCIM_CRASH_KILLS (default 3) size it; the size is
 * SCIM_CRASH_USERS=20000, which takes many minutes on a shared machine (about 90 s for 2,000 at a
 * load average of 15), so the default run is smaller.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openProvisioDatabase } from '../../src/engine/state/open-engine-state.js';
import { appDefinition, mulberry } from '../engine/support/engine-harness.js';
import { startScimTarget } from '../support/scim-target/index.js';

const USERS = Number(process.env.SCIM_CRASH_USERS ?? 2_000);
const KILLS = Number(process.env.SCIM_CRASH_KILLS ?? 3);
const child = fileURLToPath(new URL('../support/scim-target/sync-child.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'provisio-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the child; with `killWhen`, kills it (SIGKILL) as soon as `killWhen()` turns true. */
function runChild(args: string[], killWhen?: () => boolean): Promise<ChildRun> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const poll =
      killWhen === undefined
        ? undefined
        : setInterval(() => {
            if (killWhen()) proc.kill('SIGKILL');
          }, 5);
    proc.on('exit', (code, signal) => {
      if (poll) clearInterval(poll);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

describe('crash test over SCIM', () => {
  it(`an initial cycle of ${USERS} users killed ${KILLS} times converges with no duplicate account`, async () => {
    const target = await startScimTarget({ profile: { uniqueUserNames: false } });
    const sqliteFile = join(dir, 'provisio.sqlite');
    try {
      const database = await openProvisioDatabase({ sqliteFile });
      for (let start = 0; start < USERS; start += 500) {
        await Promise.all(
          Array.from({ length: Math.min(500, USERS - start) }, (_, k) =>
            database.directory.create('User', {
              userName: `crash${start + k}@example.com`,
              displayName: `Crash ${start + k}`,
              active: true,
            }),
          ),
        );
      }
      const definition = appDefinition({
        name: 'crash',
        settings: { scope: 'all', deletionThreshold: { count: 1_000_000 } },
      });
      await database.engineState.putApp({
        definition: {
          ...definition,
          connector: { kind: 'scim', settings: { baseUrl: target.url }, credentials: {} },
        },
        sealedCredentials: null,
        fullSyncRequired: true,
      });
      await database.close();

      const random = mulberry(Number(process.env.CONVERGENCE_SEED ?? 20261207));
      const kills: number[] = [];
      for (let k = 0; k < KILLS; k++) {
        const before = target.resources('User').length;
        if (before >= USERS) break;
        // Killed at a random point of the remaining work, measured by what the target holds.
        const at = before + 1 + Math.floor(random() * ((USERS - before) * 0.8));
        const run = await runChild(
          [sqliteFile, 'crash', target.url],
          () => target.resources('User').length >= at,
        );
        expect(run.signal ?? run.stderr, 'the run was killed, not failed').toBe('SIGKILL');
        kills.push(target.resources('User').length);
      }
      const last = await runChild([sqliteFile, 'crash', target.url]);
      expect(last.code, last.stderr).toBe(0);
      const report = JSON.parse(last.stdout.trim().split('\n').at(-1)!) as { status: string };
      expect(report.status).toBe('completed');

      const names = target.resources('User').map((u) => String(u.userName));
      expect(new Set(names).size, 'no duplicate account').toBe(names.length);
      expect(names.length).toBe(USERS);
      // The kills happened in the middle of the cycle, not all before or after it.
      expect(kills.length, `users held after each kill: ${kills.join(', ')}`).toBe(KILLS);
      expect(
        kills.every((n) => n > 0 && n < USERS),
        `users held after each kill: ${kills.join(', ')}`,
      ).toBe(true);
    } finally {
      await target.close();
    }
  }, 600_000);
});
