/**
 * The engine as `serve` runs it: the engine service over the open directory, the runner that
 * provisions every enabled app (engine-runner.ts), and the webhook notifier its events go to.
 * `stop()` ends the apps' cycles after their current operation, releases the leases, gives the
 * webhook a few seconds to deliver what is queued, then lets go of the engine.
 */
import type { ConnectorRegistry } from '../../connectors/spi/connector-registry.js';
import type { ProvisioDatabase } from '../state/open-engine-state.js';
import type { EngineEvent } from '../cycle/engine-service.js';
import { assembleEngine } from './engine-assembly.js';
import {
  DEFAULT_LEASE_TTL_MS,
  leaseHolderName,
  startEngineRunner,
  type EngineRunner,
  type EngineRunnerOptions,
} from './engine-runner.js';
import { silentLog, type RunnerLog } from './runner-log.js';
import { createWebhookNotifier } from './webhook-notifier.js';

/** Tuning for tests and operators; every field has a default (engine-runner.ts). */
export type EngineRuntimeSettings = Pick<
  EngineRunnerOptions,
  'leaseTtlMs' | 'debounceMs' | 'appRefreshMs' | 'statusPollMs'
>;

export interface EngineRuntime {
  readonly runner: EngineRunner;
  stop(): Promise<void>;
}

/** How long `stop()` waits for queued webhook notifications. */
const WEBHOOK_GRACE_MS = 5_000;

export async function startEngineRuntime(
  database: ProvisioDatabase,
  settings: EngineRuntimeSettings & {
    readonly log?: RunnerLog;
    readonly dataDir: string;
    readonly registry: ConnectorRegistry;
  },
): Promise<EngineRuntime> {
  const { log: _log, dataDir, registry, ...runnerSettings } = settings;
  const log = settings.log ?? silentLog;
  const holder = leaseHolderName();
  let runner: EngineRunner | undefined;
  const notifier = createWebhookNotifier({
    urlFor: (app) => runner?.definition(app)?.settings.notificationWebhookUrl,
    log,
  });
  const onEvent = (event: EngineEvent): void => {
    notifier.sink(event);
    logEvent(log, event);
  };
  const assembled = assembleEngine(database, {
    holder,
    // Each app worker holds its lease across cycles; a cycle ending must not hand the app over.
    retainLease: true,
    onEvent,
    dataDir,
    registry,
    leaseTtlMs: settings.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS,
  });
  try {
    runner = await startEngineRunner({
      ...runnerSettings,
      directory: database.directory,
      state: assembled.state,
      engine: assembled.engine,
      holder,
      log,
    });
  } catch (error) {
    await notifier.close(0);
    await assembled.close();
    throw error;
  }
  const running = runner;
  let stopping: Promise<void> | undefined;
  return {
    runner: running,
    stop: () => {
      stopping ??= (async () => {
        try {
          await running.stop();
        } finally {
          await notifier.close(WEBHOOK_GRACE_MS);
          await assembled.close();
        }
      })();
      return stopping;
    },
  };
}

/** The events an operator watching the log wants to see, whether or not a webhook is set. */
function logEvent(log: RunnerLog, event: EngineEvent): void {
  switch (event.type) {
    case 'quarantined':
      log('error', 'app quarantined', {
        app: event.app,
        level: event.quarantine.level,
        reason: event.quarantine.reason,
        nextAttempt: event.quarantine.nextAttempt.toISOString(),
      });
      return;
    case 'quarantineLifted':
      log('info', 'app left quarantine', { app: event.app });
      return;
    case 'deletionsHeld':
      log('error', 'deletions held by the accidental-deletion guard', {
        app: event.app,
        count: event.hold.count,
        threshold: event.hold.threshold,
        next: `provisio apps approve-deletes ${event.app}`,
      });
      return;
    case 'escrowed':
      log('warn', 'object escrowed after repeated failures', {
        app: event.app,
        objectType: event.escrow.objectType,
        sourceId: event.escrow.sourceId,
        attempts: event.escrow.attempts,
      });
      return;
    case 'cycleFinished':
      return; // the runner logs each cycle itself
  }
}
