/**
 * The per-app limits on requests to a target: at most `concurrency` in flight, and at most
 * `ratePerSecond` started per second as a token bucket (bursts up to one second's worth). Waiting
 * callers are served in order and give up their place when their signal aborts.
 */
export interface RequestLimiterOptions {
  concurrency: number;
  /** Absent: no rate limit. */
  ratePerSecond?: number;
  /** The clock, for tests. */
  now?: () => number;
}

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal;
  onAbort: () => void;
}

/** A concurrency limit and token bucket in one; `acquire` answers the function that releases the slot. */
export class RequestLimiter {
  readonly #concurrency: number;
  readonly #rate: number | undefined;
  readonly #capacity: number;
  readonly #now: () => number;
  #active = 0;
  #tokens: number;
  #refilledAt: number;
  readonly #queue: Waiter[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(options: RequestLimiterOptions) {
    this.#concurrency = options.concurrency;
    this.#rate = options.ratePerSecond;
    this.#capacity = Math.max(1, options.ratePerSecond ?? 1);
    this.#now = options.now ?? (() => performance.now());
    this.#tokens = this.#capacity;
    this.#refilledAt = this.#now();
  }

  /** Requests in flight now. */
  get active(): number {
    return this.#active;
  }

  /**
   * Takes a slot (and a token) at once when one is free and nobody waits before this caller;
   * answers the releaser, or undefined when the caller must `acquire` and wait.
   */
  tryAcquire(): (() => void) | undefined {
    if (this.#queue.length > 0 || this.#active >= this.#concurrency) return undefined;
    if (this.#rate !== undefined) {
      this.#refill();
      if (this.#tokens < 1) return undefined;
      this.#tokens -= 1;
    }
    this.#active++;
    return this.#releaser();
  }

  /** Waits for a slot (and a token); rejects with the signal's reason if it aborts first. */
  acquire(signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<() => void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: () => resolve(this.#releaser()),
        reject,
        signal,
        onAbort: () => {
          const index = this.#queue.indexOf(waiter);
          if (index >= 0) this.#queue.splice(index, 1);
          reject(signal.reason);
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.#queue.push(waiter);
      this.#drain();
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#active--;
      this.#drain();
    };
  }

  #refill(): void {
    if (this.#rate === undefined) return;
    const now = this.#now();
    this.#tokens = Math.min(this.#capacity, this.#tokens + ((now - this.#refilledAt) * this.#rate) / 1000);
    this.#refilledAt = now;
  }

  #drain(): void {
    while (this.#queue.length > 0 && this.#active < this.#concurrency) {
      this.#refill();
      if (this.#rate !== undefined && this.#tokens < 1) {
        this.#wakeForToken();
        return;
      }
      const waiter = this.#queue.shift()!;
      waiter.signal.removeEventListener('abort', waiter.onAbort);
      if (this.#rate !== undefined) this.#tokens -= 1;
      this.#active++;
      waiter.resolve();
    }
  }

  #wakeForToken(): void {
    if (this.#timer !== undefined) return;
    const waitMs = Math.max(1, Math.ceil(((1 - this.#tokens) * 1000) / this.#rate!));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#drain();
    }, waitMs);
  }

  /** Stops the refill timer and rejects every waiter. */
  close(reason: unknown): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const waiter of this.#queue.splice(0)) {
      waiter.signal.removeEventListener('abort', waiter.onAbort);
      waiter.reject(reason);
    }
  }
}
