/**
 * `provisio serve --workers 2` when one worker fails to start after the supervisor's checks (the
 * port binds, the migrations ran): the supervisor stops the worker that did start, exits non-zero
 * and says which worker failed and why. A preloaded module (fixtures/fail-second-worker.mjs,
 * through NODE_OPTIONS, which reaches every worker as it would an agent's) makes the second
 * worker receive bad options once the first one serves. SQLite: the database plays no part here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { afterThisTest, isAlive, runCleanups, serve, tempDir, waitFor } from './serve-process.js';

afterEach(async () => {
  await runCleanups();
});

const PRELOAD = fileURLToPath(new URL('./fixtures/fail-second-worker.mjs', import.meta.url));

describe('serve --workers 2 when a worker fails to start', () => {
  it('stops the worker that started, exits non-zero and names the failed worker and its error', async () => {
    const dir = tempDir();
    const lock = join(dir, 'first-worker.pid');
    const port = await freePort();
    const starting = serve(['--workers', '2', '--port', String(port), '--data-dir', join(dir, 'data')], {
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${PRELOAD}`.trim(),
      FAIL_SECOND_WORKER_LOCK: lock,
      FAIL_SECOND_WORKER_PORT: String(port),
    });
    // serve() rejects when the process exits before its listening line; keep its stderr.
    const failure = await starting.then(
      () => undefined,
      (error: unknown) => String(error instanceof Error ? error.message : error),
    );
    expect(failure, 'serve must not report listening').toBeDefined();
    expect(failure).toMatch(/server exited with 1/);
    expect(failure).toMatch(
      /provisio: worker \d+ failed to start: PROVISIO_CLUSTER_WORKER_OPTIONS is not valid JSON/,
    );

    // The first worker did start and serve before the other failed, and is gone now.
    expect(existsSync(lock)).toBe(true);
    const first = Number(readFileSync(lock, 'utf8'));
    expect(first).toBeGreaterThan(0);
    await waitFor('the first worker to be stopped', () => !isAlive(first), 10_000);
    // Nobody listens on the port any more.
    const probe = createServer();
    afterThisTest(() => new Promise<void>((resolve) => probe.close(() => resolve())));
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen({ host: '127.0.0.1', port, exclusive: true }, resolve);
    });
  }, 120_000);
});
