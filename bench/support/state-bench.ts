/**
 * What the benchmarks of the engine's state read with: an app of no connector's work stored for
 * its rows to belong to, and the wall time of a query run many times, as p50 / p99.
 */
import type { EngineStateStore, StoredAppWithSecrets } from '../../src/engine/state/engine-state.js';
import { provisioningApp } from '../../test/support/provisioning-app.js';

/** Stores the app `bench` (kind memory, no mappings), whose rows the benchmark then seeds. */
export function putBenchApp(state: EngineStateStore): Promise<StoredAppWithSecrets> {
  return state.putApp({
    definition: provisioningApp({
      name: 'bench',
      connector: { kind: 'memory', settings: {}, credentials: {} },
      user: [],
      group: [],
    }),
    sealedCredentials: null,
    fullSyncRequired: false,
  });
}

/** Runs `run` `warmups` times untimed (caches, prepared statements), then `runs` times timed. */
export async function timeRuns(
  run: (i: number) => Promise<unknown>,
  options: { readonly warmups: number; readonly runs: number },
): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < options.warmups; i++) await run(i);
  const times: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    const start = performance.now();
    await run(i);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return {
    p50: times[Math.floor(options.runs * 0.5)]!,
    p99: times[Math.min(options.runs - 1, Math.floor(options.runs * 0.99))]!,
  };
}
