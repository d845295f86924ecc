/**
 * The engine as `serve` runs it: the engine service over the open directory, the runner that
 * provisions every enabled app (engine-runner.ts), and the webhook notifier its events go to.
 * `stop()` ends the apps' cycles after their current operation, releases the leases, gives the
 * webhook a few seconds to deliver what is queued, then lets go of the engine.
 */
import type { ConnectorRegistry } from '../../connectors/spi/connector-registry.js';
import type { ProvisioDatabase } from '../state/open-engine-state.js';
import type { EngineEvent, EngineService } from '../cycle/engine-service.js';
import { CycleActivity } from './cycle-activity.js';
import { createEngineEventBus, type EngineEventBus } from './engine-event-bus.js';
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
  /** The engine service the runner's cycles run through (same lease holder as the runner). */
  readonly engine: EngineService;
  /** Every event of this process's engine: subscribe to follow cycles (the admin API's events). */
  readonly events: EngineEventBus;
  /** The cycles running in this process, with their progress. */
  readonly activity: CycleActivity;
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
  const events = createEngineEventBus();
  const activity = new CycleActivity();
  events.subscribe(notifier.sink);
  events.subscribe((event) => logEvent(log, event));
  events.subscribe(activity.observe);
  const onEvent = events.emit;
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
    engine: assembled.engine,
    events,
    activity,
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
    case 'cycleStarted':
    case 'cycleProgress':
    case 'cycleFailed':
      return; // the runner logs each cycle itself
  }
}
