import type { CycleRecord } from './engine-state.js';

/** One cycle as JSON: what `provisio cycles --json` prints and the admin API answers (cycle-views.ts). */
export interface CycleRecordJson {
  readonly id: string;
  readonly kind: CycleRecord['kind'];
  readonly status: CycleRecord['status'];
  readonly started: string;
  readonly finished?: string;
  /** finished - started; absent while the cycle runs. */
  readonly durationMs?: number;
  /** Counts per action and result. */
  readonly summary: Record<string, number>;
  readonly fromSeq?: number;
  readonly toSeq?: number;
}

export function cycleRecordJson(cycle: CycleRecord): CycleRecordJson {
  const counts: Record<string, number> = {};
  for (const [key, value] of Object.entries(cycle.summary)) {
    // The engine writes only counts here; anything else would not be a count to show.
    if (typeof value === 'number' && Number.isFinite(value)) counts[key] = value;
  }
  return {
    id: cycle.id,
    kind: cycle.kind,
    status: cycle.status,
    started: cycle.started.toISOString(),
    ...(cycle.finished !== undefined
      ? {
          finished: cycle.finished.toISOString(),
          durationMs: Math.max(0, cycle.finished.getTime() - cycle.started.getTime()),
        }
      : {}),
    summary: counts,
    ...(cycle.fromSeq !== undefined ? { fromSeq: cycle.fromSeq } : {}),
    ...(cycle.toSeq !== undefined ? { toSeq: cycle.toSeq } : {}),
  };
}
