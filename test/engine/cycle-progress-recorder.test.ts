/**
 * The bounded-rate writer of a running cycle's progress: one write in flight at most, starts at
 * least the interval apart however many objects are noted, the latest counts written last, and
 * nothing after stop(). A failed write neither throws into the cycle nor loses the counts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CycleProgressRecorder } from '../../src/engine/cycle/cycle-progress-recorder.js';
import type { CycleProgressCounts } from '../../src/engine/state/engine-state.js';

/** A state whose writes settle only when the test says so, and that remembers when each began. */
class SlowState {
  readonly writes: { at: number; counts: CycleProgressCounts }[] = [];
  readonly #pending: { resolve: () => void; reject: (error: Error) => void }[] = [];
  inFlight = 0;
  maxInFlight = 0;

  readonly recordCycleProgress = (_id: string, counts: CycleProgressCounts): Promise<boolean> => {
    this.writes.push({ at: Date.now(), counts });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise<boolean>((resolve, reject) => {
      this.#pending.push({
        resolve: () => {
          this.inFlight--;
          resolve(true);
        },
        reject: (error) => {
          this.inFlight--;
          reject(error);
        },
      });
    });
  };

  settle(error?: Error): void {
    const next = this.#pending.shift();
    if (next === undefined) throw new Error('no write in flight');
    if (error === undefined) next.resolve();
    else next.reject(error);
  }
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(0);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('CycleProgressRecorder', () => {
  it('writes the first count at once, then at most once per interval, ending on the latest', async () => {
    const state = new SlowState();
    const recorder = new CycleProgressRecorder(state, 'c1', { intervalMs: 250 });
    for (let done = 1; done <= 10_000; done++) {
      recorder.note(done, 10_000);
      // Objects at 0.1 ms each: a second of work.
      if (done % 10 === 0) {
        await vi.advanceTimersByTimeAsync(1);
        if (state.inFlight > 0) state.settle();
        await vi.advanceTimersByTimeAsync(0);
      }
    }
    await vi.advanceTimersByTimeAsync(250);
    while (state.inFlight > 0) {
      state.settle();
      await vi.advanceTimersByTimeAsync(250);
    }
    expect(state.writes[0]!.counts).toEqual({ done: 1, total: 10_000 });
    expect(state.writes.at(-1)!.counts).toEqual({ done: 10_000, total: 10_000 });
    // A second of objects: about one write per 250 ms, not one per object.
    expect(state.writes.length).toBeGreaterThanOrEqual(4);
    expect(state.writes.length).toBeLessThanOrEqual(6);
    for (let i = 1; i < state.writes.length; i++) {
      expect(state.writes[i]!.at - state.writes[i - 1]!.at).toBeGreaterThanOrEqual(250);
    }
    expect(state.maxInFlight).toBe(1);
    await recorder.stop();
  });

  it('waits for a slow write before the next, and writes what was noted meanwhile', async () => {
    const state = new SlowState();
    const recorder = new CycleProgressRecorder(state, 'c1', { intervalMs: 250 });
    recorder.note(1, undefined);
    recorder.note(2, undefined);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(state.writes.map((w) => w.counts)).toEqual([{ done: 1 }]);
    state.settle();
    await vi.advanceTimersByTimeAsync(0);
    expect(state.writes.map((w) => w.counts)).toEqual([{ done: 1 }, { done: 2 }]);
    state.settle();
    // Nothing new noted: no further writes.
    await vi.advanceTimersByTimeAsync(2_000);
    expect(state.writes).toHaveLength(2);
    await recorder.stop();
  });

  it('swallows a failed write and writes the counts again later', async () => {
    const state = new SlowState();
    const recorder = new CycleProgressRecorder(state, 'c1', { intervalMs: 250 });
    recorder.note(3, 10);
    state.settle(new Error('database is locked'));
    await vi.advanceTimersByTimeAsync(250);
    expect(state.writes.map((w) => w.counts)).toEqual([
      { done: 3, total: 10 },
      { done: 3, total: 10 },
    ]);
    state.settle();
    await recorder.stop();
  });

  it('writes nothing after stop, and stop waits for the write in flight', async () => {
    const state = new SlowState();
    const recorder = new CycleProgressRecorder(state, 'c1', { intervalMs: 250 });
    recorder.note(1, undefined);
    recorder.note(2, undefined);
    let stopped = false;
    const stopping = recorder.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    state.settle();
    await stopping;
    recorder.note(3, undefined);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(state.writes.map((w) => w.counts)).toEqual([{ done: 1 }]);
  });
});
