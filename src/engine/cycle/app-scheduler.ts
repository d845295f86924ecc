/**
 * One scheduler per app: at most `concurrency` operations toward the target at once, and no more
 * than `rateLimitPerSecond` started per second (a token bucket holding one second's worth, so a
 * quiet app may burst up to the limit and a busy one is spread evenly).
 */
import type { Clock } from './engine-clock.js';

export class AppScheduler {
  readonly #concurrency: number;
  readonly #rate: number | undefined;
  readonly #clock: Clock;
  #running = 0;
  readonly #waiting: (() => void)[] = [];
  #tokens: number;
  #refilledAt: number;

  constructor(options: { concurrency: number; rateLimitPerSecond?: number; clock: Clock }) {
    this.#concurrency = Math.max(1, Math.floor(options.concurrency));
    this.#rate =
      options.rateLimitPerSecond !== undefined && options.rateLimitPerSecond > 0
        ? options.rateLimitPerSecond
        : undefined;
    this.#clock = options.clock;
    this.#tokens = this.#rate ?? 0;
    this.#refilledAt = this.#clock.now().getTime();
  }

  /** Runs `task` when a slot (and a token) is free. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#concurrency) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#running++;
    try {
      // Without a rate limit there is no token to wait for, and no promise to make for it.
      if (this.#rate !== undefined) await this.#takeToken(this.#rate);
      return await task();
    } finally {
      this.#running--;
      this.#waiting.shift()?.();
    }
  }

  /** Runs every item through the scheduler and waits for all. */
  async all<I, T>(items: readonly I[], work: (item: I) => Promise<T>): Promise<T[]> {
    return Promise.all(items.map((item) => this.run(() => work(item))));
  }

  /** Takes one token for an operation (called per connector call, not per object). */
  async #takeToken(rate: number): Promise<void> {
    for (;;) {
      const now = this.#clock.now().getTime();
      this.#tokens = Math.min(rate, this.#tokens + ((now - this.#refilledAt) / 1000) * rate);
      this.#refilledAt = now;
      if (this.#tokens >= 1) {
        this.#tokens -= 1;
        return;
      }
      await this.#clock.sleep(Math.ceil(((1 - this.#tokens) / rate) * 1000));
    }
  }

  /**
   * One more token for an extra call of the same object (retries, member writes); undefined when
   * there is nothing to wait for (no rate limit), so the caller need not await anything.
   */
  throttle(): Promise<void> | undefined {
    return this.#rate === undefined ? undefined : this.#takeToken(this.#rate);
  }
}
