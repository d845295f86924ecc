/**
 * The change feed's retention policy: a timer that prunes the entries older than the retention
 * window (DirectoryStore.pruneChanges), so the feed stays bounded however long the server runs.
 * A consumer whose watermark falls behind the pruned horizon is told to resync (readChanges).
 */
import type { DirectoryStore } from '../directory-store.js';

/** How long change-feed entries are kept by default: a consumer may stop for a week and resume. */
export const DEFAULT_FEED_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** Longest pause between prunes: about one hour's entries at most wait beyond the window. */
const MAX_PRUNE_INTERVAL_MS = 60 * 60 * 1000;
const MIN_PRUNE_INTERVAL_MS = 1000;

export interface FeedRetentionOptions {
  /** Entries older than this many milliseconds are pruned. */
  readonly retentionMs: number;
  /** Pause between prunes; default a tenth of the window, between 1 s and 1 h. */
  readonly intervalMs?: number;
  /**
   * Delay of the first prune. Default: a random part of the interval (at most 10 s), so that the
   * workers of `serve --workers N` started together do not all prune at the same moment.
   */
  readonly firstDelayMs?: number;
  /** Told after each prune that deleted something. */
  readonly onPruned?: (deleted: number, olderThan: Date) => void;
  /** Told when a prune fails (the database is busy or unreachable); the next one runs as planned. */
  readonly onError?: (error: unknown) => void;
}

/** A running retention policy. */
export interface FeedRetention {
  /** Stops the timer and waits for a prune in progress, so the store can be closed after it. */
  stop(): Promise<void>;
}

/** The default pause between prunes for a retention window. */
export function pruneIntervalFor(retentionMs: number): number {
  return Math.min(MAX_PRUNE_INTERVAL_MS, Math.max(MIN_PRUNE_INTERVAL_MS, Math.floor(retentionMs / 10)));
}

/** Starts pruning `store`'s change feed on a timer. The timer does not keep the process alive. */
export function startFeedRetention(store: DirectoryStore, options: FeedRetentionOptions): FeedRetention {
  const { retentionMs } = options;
  if (!Number.isFinite(retentionMs) || retentionMs <= 0) {
    throw new Error(`feed retention must be a positive number of milliseconds, got ${retentionMs}`);
  }
  const intervalMs = options.intervalMs ?? pruneIntervalFor(retentionMs);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = false;

  const prune = (): Promise<number> => {
    running = (async () => {
      const olderThan = new Date(Date.now() - retentionMs);
      try {
        const deleted = await store.pruneChanges(olderThan);
        if (deleted > 0) options.onPruned?.(deleted, olderThan);
        return deleted;
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  const schedule = (delayMs: number): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      prune().then(
        () => schedule(intervalMs),
        (error: unknown) => {
          options.onError?.(error);
          schedule(intervalMs);
        },
      );
    }, delayMs);
    timer.unref();
  };
  schedule(options.firstDelayMs ?? Math.floor(Math.random() * Math.min(intervalMs, 10_000)));

  return {
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
