import { listenForNotifications } from './pg-notification-listener.js';

/**
 * A dedicated PostgreSQL connection that LISTENs on the change channel and reports each NOTIFY's
 * seq, so every store process wakes when any process commits a change. Reconnects after a drop;
 * consumers lose nothing meanwhile, because the feed itself is the source of truth and they read
 * it from their watermark.
 */
export interface PgChangeListener {
  close(): Promise<void>;
}

export interface PgChangeListenerOptions {
  /**
   * Reads the feed's settled bound (`readSettledFeed` in postgres-adapter.ts). When given, the
   * listener reports only settled seqs: a NOTIFY for a seq that a reader could not get yet (a
   * lower seq is still in flight) is reported once it can, and the bound is probed again, with
   * backoff, until it catches up. Without it every NOTIFY is reported at once.
   */
  readonly settledThrough?: () => Promise<number>;
  /**
   * Whether anything in this process listens for changes now. While nothing does, NOTIFYs are
   * only noted: probing the settled bound reads `pg_locks` on a pooled connection, and under a
   * steady stream of writes it would run back to back for nobody.
   */
  readonly wanted?: () => boolean;
}

/** First and longest wait between two probes of the settled bound while it lags behind. */
const FIRST_PROBE_DELAY_MS = 5;
const LONGEST_PROBE_DELAY_MS = 1000;
/**
 * Least time from the start of one probe to the start of the next. Under a stream of commits every
 * NOTIFY would otherwise start a probe as soon as the last one returned, reading `pg_locks` on a
 * pooled connection hundreds of times a second; waking other processes up to this much later costs
 * them nothing that matters.
 */
const MIN_PROBE_INTERVAL_MS = 5;

/**
 * Starts listening; resolves once LISTEN is in effect.
 *
 * Why probing is needed at all: writers commit in parallel, so a NOTIFY can announce seq N+1
 * while the transaction holding N is open, and a reader woken by it finds nothing new. When that
 * transaction commits, its own NOTIFY follows; but when it rolls back (or its connection dies) no
 * NOTIFY ever comes, and without a probe a reader would sleep until some later write. Probing
 * also reports the bound as it advances under continuous load, where it may never catch up with
 * the highest seq notified.
 */
export async function startPgChangeListener(
  connectionString: string,
  channel: string,
  onSeq: (seq: number) => void,
  options: PgChangeListenerOptions = {},
): Promise<PgChangeListener> {
  const settle =
    options.settledThrough === undefined
      ? undefined
      : settledReporter(options.settledThrough, onSeq, options.wanted ?? (() => true));
  const listener = await listenForNotifications(connectionString, channel, (payload) => {
    const seq = Number(payload);
    if (!Number.isFinite(seq)) return;
    if (settle) settle.notified(seq);
    else onSeq(seq);
  });
  return {
    async close() {
      settle?.stop();
      await listener.close();
    },
  };
}

/** Turns NOTIFY seqs into reports of settled seqs (see PgChangeListenerOptions.settledThrough). */
function settledReporter(
  settledThrough: () => Promise<number>,
  onSeq: (seq: number) => void,
  wanted: () => boolean,
): { notified(seq: number): void; stop(): void } {
  let stopped = false;
  let highestNotified = 0;
  let reported = 0;
  let probing = false;
  let probeAgain = false;
  let delay = FIRST_PROBE_DELAY_MS;
  let timer: NodeJS.Timeout | undefined;
  let lastProbeStart = -Infinity;

  /** Probes now, or as soon as MIN_PROBE_INTERVAL_MS allows (probe itself waits for it). */
  const probeSoon = (): void => {
    if (probing) {
      probeAgain = true;
      return;
    }
    if (timer) clearTimeout(timer);
    void probe();
  };

  const probe = async (): Promise<void> => {
    timer = undefined;
    // Nobody to tell: stop here; the next NOTIFY after someone subscribes starts probing again.
    if (stopped || !wanted()) return;
    // The spacing is kept here, for every way a probe starts. A timer counts from the event loop's
    // cached clock and can fire a little early by performance.now(): then it is simply set again.
    const early = lastProbeStart + MIN_PROBE_INTERVAL_MS - performance.now();
    if (early > 0) {
      timer = setTimeout(() => void probe(), early);
      return;
    }
    probing = true;
    probeAgain = false;
    const pending = (async () => settledThrough())();
    // Stamped once the probe is under way, so no probe can start sooner than the interval after it.
    lastProbeStart = performance.now();
    let settled: number | undefined;
    try {
      settled = await pending;
    } catch {
      // The database is away or the store is closing: probe again later (or not, once stopped).
    }
    probing = false;
    if (stopped) return;
    const report = settled === undefined ? reported : Math.min(settled, highestNotified);
    if (report > reported) {
      reported = report;
      delay = FIRST_PROBE_DELAY_MS;
      onSeq(report);
    }
    if (reported >= highestNotified) return;
    if (probeAgain) {
      probeSoon();
      return;
    }
    timer = setTimeout(() => void probe(), delay);
    delay = Math.min(delay * 2, LONGEST_PROBE_DELAY_MS);
  };

  return {
    notified(seq) {
      if (seq > highestNotified) highestNotified = seq;
      // A NOTIFY may be the commit that releases the bound: look now, not after the backoff.
      probeSoon();
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
