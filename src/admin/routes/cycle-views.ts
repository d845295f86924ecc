/**
 * The cycle history as the admin API answers it (`GET /apps/{name}/cycles`, and `recentCycles` in
 * the status): one row per cycle from the engine's state, with its kind, start, end, duration,
 * counts per action and result, and outcome. The page cursor is the last cycle's start and id,
 * opaque to clients.
 */
import { z } from 'zod';
import { cycleRecordJson } from '../../engine/state/cycle-record-json.js';
import type { CycleKey, CycleRecord } from '../../engine/state/engine-state.js';

const isoTime = z.string().describe('ISO 8601 time');

export const cycleSchema = z.object({
  id: z.string(),
  kind: z.enum(['initial', 'incremental', 'onDemand', 'reconcile']),
  status: z
    .enum(['running', 'completed', 'completedWithFailures', 'held', 'quarantined', 'failed'])
    .describe('the outcome; `running` while it runs'),
  started: isoTime,
  finished: isoTime.optional(),
  durationMs: z.number().int().optional().describe('finished - started; absent while it runs'),
  summary: z
    .record(z.string(), z.number())
    .describe('counts per action and result: create, update, disable, delete, skip, success, failure'),
  fromSeq: z.number().int().optional().describe('the change-feed position it started from'),
  toSeq: z.number().int().optional().describe('the change-feed position it reached'),
});

export type CycleJson = z.infer<typeof cycleSchema>;

/** How many cycles the status carries as `recentCycles`. */
export const RECENT_CYCLES = 10;

/** One cycle as the API answers it: the same JSON as `provisio cycles --json`. */
export function cycleJson(cycle: CycleRecord): CycleJson {
  return cycleRecordJson(cycle);
}

/** The cursor that continues a listing after `cycle`. */
export function cycleCursor(cycle: CycleRecord): string {
  return Buffer.from(JSON.stringify([cycle.started.toISOString(), cycle.id]), 'utf8').toString('base64url');
}

/** A cursor back into the key it was made from; undefined when it is not one of ours. */
export function readCycleCursor(cursor: string): CycleKey | undefined {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
  const [started, id] = parsed as unknown[];
  if (typeof started !== 'string' || typeof id !== 'string' || id.length === 0 || id.length > 200)
    return undefined;
  const at = new Date(started);
  if (Number.isNaN(at.getTime()) || at.toISOString() !== started) return undefined;
  return { started: at, id };
}
