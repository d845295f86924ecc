/**
 * One worker per app: every cycle (and every on-demand or fixing run) holds the app's lease in
 * the engine's state, renewed at a third of its lifetime while the work runs. A second worker
 * waits up to `waitMs` for it or fails with `AppBusyError` naming the holder. A holder that dies
 * stops renewing: on the same host, where its pid provably no longer exists (or now belongs to a
 * process that started at another time), its lease is taken over at once (`claimLease`); from
 * another host it is lost when it expires.
 */
import type { EngineStateStore, LeaseProcess, LeaseResult } from '../state/engine-state.js';
import type { Clock } from './engine-clock.js';
import { currentLeaseProcess, isHolderGone } from './lease-process.js';

/** Another worker holds the app. */
export class AppBusyError extends Error {
  constructor(
    readonly appId: string,
    readonly holder: string,
    readonly expires: Date,
    /** Where the holder runs, when it recorded it. */
    readonly process?: LeaseProcess,
  ) {
    super(
      `The app is busy: ${describeLeaseHolder(holder, process)} holds it until ${expires.toISOString()} (or until it finishes)`,
    );
    this.name = 'AppBusyError';
  }
}

/** `name (pid 123 on host-a)`: who holds a lease, for messages. */
export function describeLeaseHolder(holder: string, process: LeaseProcess | undefined): string {
  return process === undefined ? holder : `${holder} (pid ${process.pid} on ${process.host})`;
}

/** What `claimLease` judges liveness with; tests replace it, everything else takes the defaults. */
export interface LeaseLiveness {
  readonly self?: LeaseProcess;
  readonly exists?: (pid: number) => boolean;
  /** When the process with a pid started (lease-process.ts, processStartTime). */
  readonly startOf?: (pid: number) => string | undefined;
}

/**
 * Takes or renews the app's lease for `holder`, recording this process with it. Refused by a
 * holder that is provably dead (same host, its pid gone or reused), it takes the lease over from exactly
 * that holder in one conditional write, so of two workers replacing the same dead holder one wins.
 */
export async function claimLease(
  state: Pick<EngineStateStore, 'acquireLease'>,
  appId: string,
  holder: string,
  ttlMs: number,
  now: Date = new Date(),
  liveness: LeaseLiveness = {},
): Promise<LeaseResult> {
  const self = liveness.self ?? currentLeaseProcess();
  const first = await state.acquireLease(appId, holder, ttlMs, now, { process: self });
  if (first.acquired || first.process === undefined) return first;
  if (!isHolderGone(first.process, self, liveness.exists, liveness.startOf)) return first;
  return state.acquireLease(appId, holder, ttlMs, now, { process: self, replacing: first.holder });
}

const POLL_MS = 250;

export interface LeaseOptions {
  readonly appId: string;
  readonly holder: string;
  readonly ttlMs: number;
  readonly waitMs: number;
  /**
   * Leave the lease held when the work ends: for a caller that holds the lease itself across
   * cycles (serve's app worker). Releasing it would open a gap in which another worker takes the app.
   */
  readonly retain?: boolean;
}

/** Runs `work` while holding the app's lease; always releases it. */
export async function withLease<T>(
  state: EngineStateStore,
  clock: Clock,
  options: LeaseOptions,
  work: () => Promise<T>,
): Promise<T> {
  const deadline = clock.now().getTime() + Math.max(0, options.waitMs);
  for (;;) {
    const result = await claimLease(state, options.appId, options.holder, options.ttlMs, clock.now());
    if (result.acquired) break;
    if (clock.now().getTime() >= deadline)
      throw new AppBusyError(options.appId, result.holder, result.expires, result.process);
    await clock.sleep(Math.min(POLL_MS, Math.max(1, deadline - clock.now().getTime())));
  }
  // A failed renewal is retried at the next tick; the lease outlives two missed renewals.
  const timer = setInterval(
    () => {
      claimLease(state, options.appId, options.holder, options.ttlMs, clock.now()).catch(() => undefined);
    },
    Math.max(10, Math.floor(options.ttlMs / 3)),
  );
  timer.unref();
  try {
    return await work();
  } finally {
    clearInterval(timer);
    if (!options.retain) await state.releaseLease(options.appId, options.holder).catch(() => undefined);
  }
}
