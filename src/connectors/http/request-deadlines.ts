/**
 * Whole-request deadlines without an AbortController, a timer and an abort listener per request.
 * Requests sent under the same caller signal whose deadlines fall in the same slice of time (a
 * sixteenth of the timeout, at most a second) share one timer: when the slice ends, every request
 * still in it has passed its own deadline and is aborted. A deadline thus fires at most one slice
 * late and never early. The caller's signal is followed by one listener per slice. A slice that
 * empties before it ends is taken down at once, so nothing lingers after the last request.
 */

/** The deadline one request shares with the others of its slice. */
export interface Deadline {
  /** True once the slice ended: the request ran out of time (rather than being aborted). */
  readonly timedOut: boolean;
  /** Called once when the request is settled, with the `abort` it joined with. */
  leave(abort: () => void): void;
}

/** The longest a deadline fires late. */
const MAX_SLICE_MS = 1000;
const SLICES_PER_TIMEOUT = 16;

class Slice implements Deadline {
  readonly #timer: NodeJS.Timeout;
  readonly #onCallerAbort: () => void;
  /** How to abort each request still in the slice. */
  readonly #aborts = new Set<() => void>();
  #done = false;
  timedOut = false;

  constructor(
    private readonly caller: AbortSignal,
    private readonly holder: Map<number, Slice>,
    private readonly end: number,
    waitMs: number,
  ) {
    this.#onCallerAbort = () => this.#finish(false);
    caller.addEventListener('abort', this.#onCallerAbort, { once: true });
    this.#timer = setTimeout(() => this.#finish(true), Math.ceil(waitMs));
  }

  enter(abort: () => void): this {
    this.#aborts.add(abort);
    return this;
  }

  leave(abort: () => void): void {
    this.#aborts.delete(abort);
    if (this.#aborts.size === 0 && !this.#done) this.#takeDown();
  }

  #finish(timedOut: boolean): void {
    if (this.#done) return;
    this.timedOut = timedOut;
    this.#takeDown();
    for (const abort of [...this.#aborts]) abort();
  }

  #takeDown(): void {
    this.#done = true;
    clearTimeout(this.#timer);
    this.caller.removeEventListener('abort', this.#onCallerAbort);
    if (this.holder.get(this.end) === this) this.holder.delete(this.end);
  }
}

export class RequestDeadlines {
  /** Open slices by caller signal, then by the time they end. */
  readonly #slices = new WeakMap<AbortSignal, Map<number, Slice>>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /**
   * The deadline of a request sent now under `caller` that may take `timeoutMs` in all; `abort`
   * is called if the deadline passes or the caller aborts before the request leaves.
   */
  join(caller: AbortSignal, timeoutMs: number, abort: () => void): Deadline {
    const width = Math.min(MAX_SLICE_MS, Math.max(1, timeoutMs / SLICES_PER_TIMEOUT));
    const now = this.now();
    // The first slice boundary at or after this request's deadline.
    const end = Math.ceil((now + timeoutMs) / width) * width;
    let open = this.#slices.get(caller);
    if (open === undefined) {
      open = new Map();
      this.#slices.set(caller, open);
    }
    let slice = open.get(end);
    if (slice === undefined) {
      slice = new Slice(caller, open, end, end - now);
      open.set(end, slice);
    }
    return slice.enter(abort);
  }
}
