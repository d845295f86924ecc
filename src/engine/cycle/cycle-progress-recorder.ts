/**
 * Writes a running cycle's progress to its row at a bounded rate, so that status requests
 * answered by another process (another `serve` worker, or `serve` while `provisio sync` runs the
 * cycle) show how far it got. The cycle calls `note` for every object; at most one UPDATE is in
 * flight and they start at least `intervalMs` apart, so a cycle of 100,000 objects costs a few
 * hundred small writes and never waits for one. A count noted while a write is due later is
 * written then (a trailing write), so the row does not stay behind when objects slow down.
 */
import type { CycleProgressCounts, EngineStateStore } from '../state/engine-state.js';

/** What other processes' status may lag behind the cycle (and the console's bar with it). */
export const PROGRESS_RECORD_INTERVAL_MS = 250;

export interface CycleProgressRecorderOptions {
  readonly intervalMs?: number;
  readonly now?: () => number;
}

export class CycleProgressRecorder {
  readonly #state: Pick<EngineStateStore, 'recordCycleProgress'>;
  readonly #cycleId: string;
  readonly #intervalMs: number;
  readonly #now: () => number;
  #latest: CycleProgressCounts | undefined;
  #written: CycleProgressCounts | undefined;
  #lastStart = Number.NEGATIVE_INFINITY;
  #inFlight: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(
    state: Pick<EngineStateStore, 'recordCycleProgress'>,
    cycleId: string,
    options: CycleProgressRecorderOptions = {},
  ) {
    this.#state = state;
    this.#cycleId = cycleId;
    this.#intervalMs = options.intervalMs ?? PROGRESS_RECORD_INTERVAL_MS;
    this.#now = options.now ?? Date.now;
  }

  /** The cycle's latest counts; cheap (a write starts only when one is due and none is in flight). */
  note(done: number, total: number | undefined): void {
    if (this.#stopped) return;
    this.#latest = total === undefined ? { done } : { done, total };
    this.#schedule();
  }

  /** No more writes (the cycle is ending); answers once a write in flight has settled. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#inFlight;
  }

  #schedule(): void {
    if (this.#inFlight !== undefined || this.#timer !== undefined || this.#stopped) return;
    const wait = this.#lastStart + this.#intervalMs - this.#now();
    if (wait <= 0) {
      this.#write();
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#write();
    }, wait);
    // A cycle that ends without stop() (a crash) must not keep the process alive for this.
    this.#timer.unref();
  }

  #write(): void {
    const counts = this.#latest;
    if (this.#stopped || counts === undefined || sameCounts(counts, this.#written)) return;
    this.#lastStart = this.#now();
    this.#inFlight = this.#state
      .recordCycleProgress(this.#cycleId, counts)
      .then(
        () => {
          this.#written = counts;
        },
        () => {
          // Progress is a courtesy to other processes: a failed write must not fail the cycle,
          // and the next one carries the counts anyway.
        },
      )
      .finally(() => {
        this.#inFlight = undefined;
        if (!sameCounts(this.#latest, this.#written)) this.#schedule();
      });
  }
}

function sameCounts(a: CycleProgressCounts | undefined, b: CycleProgressCounts | undefined): boolean {
  return a?.done === b?.done && a?.total === b?.total;
}
