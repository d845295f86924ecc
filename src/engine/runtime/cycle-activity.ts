/**
 * The cycles running in this process, as the engine's events tell them: which app, which cycle,
 * how far. The admin API's status answers the progress from here; whether a cycle runs at all,
 * and how far one run by another process got, it reads from the state (a cycle row still
 * `running`, with the counters its runner writes).
 */
import type { CycleKind } from '../state/engine-state.js';
import type { EngineEvent } from '../cycle/engine-service.js';

export interface RunningCycle {
  readonly app: string;
  readonly cycleId: string;
  readonly kind: CycleKind;
  readonly started: Date;
  readonly done: number;
  readonly total: number | undefined;
}

/** How many recent cycle ids `hasStarted` remembers. */
const REMEMBERED_STARTS = 256;

export class CycleActivity {
  readonly #running = new Map<string, RunningCycle>();
  readonly #started = new Set<string>();

  /** Feed it every engine event (subscribe it to the event bus). */
  readonly observe = (event: EngineEvent): void => {
    switch (event.type) {
      case 'cycleStarted':
        this.#started.add(event.cycleId);
        if (this.#started.size > REMEMBERED_STARTS) {
          this.#started.delete(this.#started.values().next().value!);
        }
        this.#running.set(event.app, {
          app: event.app,
          cycleId: event.cycleId,
          kind: event.kind,
          started: event.started,
          done: 0,
          total: undefined,
        });
        return;
      case 'cycleProgress': {
        const current = this.#running.get(event.app);
        if (current?.cycleId === event.cycleId) {
          this.#running.set(event.app, { ...current, done: event.done, total: event.total });
        }
        return;
      }
      case 'cycleFinished':
        if (this.#running.get(event.app)?.cycleId === event.report.cycleId) this.#running.delete(event.app);
        return;
      case 'cycleFailed':
        if (this.#running.get(event.app)?.cycleId === event.cycleId) this.#running.delete(event.app);
        return;
      default:
        return;
    }
  };

  /** The app's running cycle in this process, if any. */
  running(app: string): RunningCycle | undefined {
    return this.#running.get(app);
  }

  /** Whether a recent cycle of this id began (and so reports its own end). */
  hasStarted(cycleId: string): boolean {
    return this.#started.has(cycleId);
  }

  /** Forgets the app's cycle (renamed or deleted app). */
  forget(app: string): void {
    this.#running.delete(app);
  }
}
