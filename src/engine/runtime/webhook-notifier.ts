/**
 * Sends engine events (quarantine, held deletions, new escrows) to each app's
 * `notificationWebhookUrl` as a JSON POST (webhook-body.ts).
 *
 * The engine must never wait for, or fail because of, a receiver: `sink` only queues and returns.
 * Each URL has its own bounded queue delivered in order by one loop, so a slow or dead receiver
 * delays only its own notifications; when a queue is full the oldest waiting event is dropped (and
 * counted), since the newest tells the most about the app's state now. A delivery is retried with
 * exponential backoff and jitter on network errors, timeouts, 5xx and 429 (honouring Retry-After),
 * and given up after `maxAttempts`; other 4xx answers are not retried, as sending again cannot
 * help. The URL is never logged beyond its origin: webhook URLs often carry a token in their path.
 */
import { randomUUID } from 'node:crypto';
import type { EngineEvent, EngineEventSink } from '../cycle/engine-service.js';
import { webhookBody, type WebhookBody } from './webhook-body.js';

export interface WebhookNotifierOptions {
  /** The webhook URL of an app (by name), or undefined when it has none. */
  readonly urlFor: (app: string) => string | undefined;
  /** Attempts per event, the first included (default 5). */
  readonly maxAttempts?: number;
  /** Per-attempt timeout in milliseconds (default 10,000). */
  readonly timeoutMs?: number;
  /** Delay before the second attempt; doubles each time (default 1,000 ms). */
  readonly backoffMs?: number;
  /** Longest delay between attempts, Retry-After included (default 60,000 ms). */
  readonly maxBackoffMs?: number;
  /** Events waiting per URL before the oldest is dropped (default 1,000). */
  readonly queueLimit?: number;
  /** Where failures are reported; must not throw. Default: nothing. */
  readonly log?: (level: 'warn' | 'error', message: string, fields: Record<string, unknown>) => void;
  readonly fetch?: typeof fetch;
  readonly now?: () => Date;
  /** Jitter source in [0, 1); default Math.random. */
  readonly random?: () => number;
}

export interface WebhookStats {
  readonly delivered: number;
  /** Events given up after every attempt, or refused by a 4xx. */
  readonly failed: number;
  /** Events dropped because their queue was full. */
  readonly dropped: number;
  /** Events waiting or being sent. */
  readonly pending: number;
}

export interface WebhookNotifier {
  /** Queues the event for its app's URL; never throws, never blocks. */
  readonly sink: EngineEventSink;
  /** Resolves once every queue is empty (tests, shutdown). */
  idle(): Promise<void>;
  /**
   * Stops taking events and waits up to `graceMs` (default 5,000) for the queues to drain; what is
   * still waiting then is dropped and retries in progress are abandoned.
   */
  close(graceMs?: number): Promise<void>;
  stats(): WebhookStats;
}

interface Outgoing {
  readonly body: WebhookBody;
}

interface Channel {
  readonly url: string;
  readonly queue: Outgoing[];
  running: boolean;
}

const DEFAULTS = {
  maxAttempts: 5,
  timeoutMs: 10_000,
  backoffMs: 1_000,
  maxBackoffMs: 60_000,
  queueLimit: 1_000,
};

/** The origin of a URL, for logs: never its path, query or user info. */
export function urlOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

/** Retry-After as seconds or an HTTP date, in milliseconds from now; undefined when absent or bad. */
export function retryAfterMs(header: string | null, now: Date): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

type AttemptOutcome =
  | { readonly kind: 'delivered' }
  | { readonly kind: 'retry'; readonly reason: string; readonly afterMs?: number }
  | { readonly kind: 'refused'; readonly reason: string };

export function createWebhookNotifier(options: WebhookNotifierOptions): WebhookNotifier {
  const maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULTS.maxAttempts);
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const backoffMs = options.backoffMs ?? DEFAULTS.backoffMs;
  const maxBackoffMs = options.maxBackoffMs ?? DEFAULTS.maxBackoffMs;
  const queueLimit = Math.max(1, options.queueLimit ?? DEFAULTS.queueLimit);
  const doFetch = options.fetch ?? globalThis.fetch;
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  const log = options.log ?? (() => undefined);

  const channels = new Map<string, Channel>();
  const stopping = new AbortController();
  let closed = false;
  let delivered = 0;
  let failed = 0;
  let dropped = 0;
  let idleWaiters: (() => void)[] = [];

  const pending = (): number => {
    let n = 0;
    for (const channel of channels.values()) n += channel.queue.length + (channel.running ? 1 : 0);
    return n;
  };
  const settleIdle = (): void => {
    if (pending() > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const safeLog: typeof log = (level, message, fields) => {
    try {
      log(level, message, fields);
    } catch {
      // A failing logger must not stop deliveries.
    }
  };

  async function attempt(url: string, body: WebhookBody): Promise<AttemptOutcome> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([timeout, stopping.signal]);
    try {
      const response = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'provisio-webhook/1' },
        body: JSON.stringify(body),
        signal,
      });
      // The answer's body is not needed; reading it lets the connection be reused.
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return { kind: 'delivered' };
      const reason = `HTTP ${response.status}`;
      if (response.status >= 500 || response.status === 429 || response.status === 408) {
        const afterMs = retryAfterMs(response.headers.get('retry-after'), now());
        return { kind: 'retry', reason, ...(afterMs !== undefined ? { afterMs } : {}) };
      }
      return { kind: 'refused', reason };
    } catch (error) {
      if (timeout.aborted) return { kind: 'retry', reason: `no answer within ${timeoutMs} ms` };
      return { kind: 'retry', reason: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Waits `ms`, or less if the notifier is closed meanwhile. */
  function pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (stopping.signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        stopping.signal.removeEventListener('abort', done);
        resolve();
      }
      stopping.signal.addEventListener('abort', done);
    });
  }

  async function deliver(channel: Channel, item: Outgoing): Promise<void> {
    const fields = {
      url: urlOrigin(channel.url),
      app: item.body.app,
      event: item.body.type,
      id: item.body.id,
    };
    for (let n = 1; ; n++) {
      const outcome = await attempt(channel.url, item.body);
      if (outcome.kind === 'delivered') {
        delivered++;
        return;
      }
      if (outcome.kind === 'refused') {
        failed++;
        safeLog('error', 'webhook refused the notification; not retried', {
          ...fields,
          reason: outcome.reason,
        });
        return;
      }
      if (n >= maxAttempts || stopping.signal.aborted) {
        failed++;
        safeLog('error', 'webhook notification given up', { ...fields, attempts: n, reason: outcome.reason });
        return;
      }
      const exponential = backoffMs * 2 ** (n - 1);
      // Full jitter on the upper half, so receivers coming back are not hit by every sender at once.
      const delay = Math.min(maxBackoffMs, outcome.afterMs ?? exponential * (0.5 + random() / 2));
      safeLog('warn', 'webhook notification failed; retrying', {
        ...fields,
        attempt: n,
        reason: outcome.reason,
        retryInMs: Math.round(delay),
      });
      await pause(delay);
    }
  }

  async function drain(channel: Channel): Promise<void> {
    channel.running = true;
    try {
      for (let item = channel.queue.shift(); item !== undefined; item = channel.queue.shift()) {
        if (stopping.signal.aborted) {
          dropped++;
          continue;
        }
        try {
          await deliver(channel, item);
        } catch (error) {
          failed++;
          safeLog('error', 'webhook notification failed', {
            url: urlOrigin(channel.url),
            error: String(error),
          });
        }
      }
    } finally {
      channel.running = false;
      settleIdle();
    }
  }

  const sink: EngineEventSink = (event: EngineEvent) => {
    try {
      if (closed) return;
      const url = options.urlFor(event.app);
      if (url === undefined || url === '') return;
      const body = webhookBody(event, randomUUID(), now());
      if (body === undefined) return;
      let channel = channels.get(url);
      if (channel === undefined) {
        channel = { url, queue: [], running: false };
        channels.set(url, channel);
      }
      if (channel.queue.length >= queueLimit) {
        channel.queue.shift();
        dropped++;
        safeLog('warn', 'webhook queue full; the oldest notification was dropped', {
          url: urlOrigin(url),
          queueLimit,
        });
      }
      channel.queue.push({ body });
      if (!channel.running) void drain(channel);
    } catch (error) {
      safeLog('error', 'webhook notification could not be queued', { error: String(error) });
    }
  };

  const idle = (): Promise<void> =>
    pending() === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve));

  return {
    sink,
    idle,
    async close(graceMs = 5_000) {
      closed = true;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
      stopping.abort();
      await idle();
    },
    stats: () => ({ delivered, failed, dropped, pending: pending() }),
  };
}
