/**
 * One worker per app: every cycle (and every on-demand or fixing run) holds the app's lease in
 * the engine's state, renewed at a third of its lifetime while the work runs. A second worker
 * waits up to `waitMs` for it or fails with `AppBusyError` naming the holder; a holder that dies
 * stops renewing and loses the lease when it expires.
 */
import type { EngineStateStore } from '../state/engine-state.js';
import type { Clock } from './engine-clock.js';

/** Another worker holds the app. */
export class AppBusyError extends Error {
  constructor(
    readonly appId: string,
    readonly holder: string,
    readonly expires: Date,
  ) {
    super(`The app is busy: ${holder} holds it until ${expires.toISOString()} (or until it finishes)`);
    this.name = 'AppBusyError';
  }
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
    const result = await state.acquireLease(options.appId, options.holder, options.ttlMs, clock.now());
    if (result.acquired) break;
    if (clock.now().getTime() >= deadline)
      throw new AppBusyError(options.appId, result.holder, result.expires);
    await clock.sleep(Math.min(POLL_MS, Math.max(1, deadline - clock.now().getTime())));
  }
  // A failed renewal is retried at the next tick; the lease outlives two missed renewals.
  const timer = setInterval(
    () => {
      state.acquireLease(options.appId, options.holder, options.ttlMs, clock.now()).catch(() => undefined);
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
