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
    const waited = this.#acquire();
    if (waited !== undefined) await waited;
    try {
      // Without a rate limit there is no token to wait for, and no promise to make for it.
      if (this.#rate !== undefined) await this.#takeToken(this.#rate);
      return await task();
    } finally {
      this.#release();
    }
  }

  /**
   * Runs every item through the scheduler, in order, and waits for all. A few workers (one per slot)
   * take the items in turn instead of one queued task per item: a batch of 500 objects at
   * concurrency 8 made 492 waiting promises and a closure and an async frame per object. Every
   * item runs even when another failed; the first failure is thrown once all are done.
   */
  async all<I, T>(items: readonly I[], work: (item: I) => Promise<T>): Promise<T[]> {
    const results = new Array<T>(items.length);
    let next = 0;
    let failed = false;
    let failure: unknown;
    const worker = async (): Promise<void> => {
      while (next < items.length) {
        const waited = this.#acquire();
        if (waited !== undefined) await waited;
        // Another worker may have taken the last items while this one waited for its slot.
        if (next >= items.length) {
          this.#release();
          return;
        }
        const index = next++;
        try {
          if (this.#rate !== undefined) await this.#takeToken(this.#rate);
          results[index] = await work(items[index]!);
        } catch (error) {
          if (!failed) {
            failed = true;
            failure = error;
          }
        } finally {
          this.#release();
        }
      }
    };
    const workers: Promise<void>[] = [];
    for (let i = 0; i < Math.min(this.#concurrency, items.length); i++) workers.push(worker());
    await Promise.all(workers);
    if (failed) throw failure;
    return results;
  }

  /**
   * Takes a slot: undefined when one was free (nothing to wait for), else a promise resolved when a
   * releasing task hands its slot over. A slot handed over is never counted free in between, so a
   * task arriving at that moment cannot take it as well.
   */
  #acquire(): Promise<void> | undefined {
    if (this.#running < this.#concurrency) {
      this.#running++;
      return undefined;
    }
    return new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const waiter = this.#waiting.shift();
    if (waiter !== undefined) waiter();
    else this.#running--;
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
