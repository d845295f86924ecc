/**
 * The two brakes of a cycle.
 * - The accidental-deletion guard: a cycle's disables and deletes, counted together, above the
 *   threshold (a count, and optionally a percentage of the app's linked objects, the lower one
 *   applying) are not done; the app is held until `approve-deletes`, which lets the next cycle do
 *   as many as were held (plus a tenth, for what changed since). A full pass that read no objects
 *   at all where objects are linked is held whatever the count: an empty read is more likely a
 *   broken source than an empty directory.
 * - Quarantine: when (nearly) every call of a cycle fails for a reason that is the target's, not
 *   one object's (bad credentials, target down), the app is quarantined and retried on a growing
 *   interval (5 minutes doubling up to a day); the first cycle with a success lifts it.
 */
import type { DeletionHold, EngineStateStore, Quarantine } from '../state/engine-state.js';
import type { DeletionThreshold } from '../apps/app-definition.js';
import type { CallStats } from './executor.js';

/** The most deprovisions one cycle may do. */
export function deletionLimit(threshold: DeletionThreshold, linked: number): number {
  const byPercent =
    threshold.percent === undefined ? Infinity : Math.floor((linked * threshold.percent) / 100);
  return Math.min(threshold.count, byPercent);
}

/** The guard's verdict for `count` deprovisions. */
export type GuardVerdict =
  | { readonly hold: false; readonly approvedHold?: DeletionHold }
  | { readonly hold: true; readonly record: DeletionHold };

export async function checkDeletionGuard(
  state: EngineStateStore,
  input: {
    appId: string;
    cycleId: string;
    count: number;
    threshold: DeletionThreshold;
    emptySource: boolean;
    now: Date;
  },
): Promise<GuardVerdict> {
  const existing = await state.getDeletionHold(input.appId);
  if (input.count === 0)
    return existing?.approved ? { hold: false, approvedHold: existing } : { hold: false };
  const linked = await state.countLinks(input.appId);
  const limit = deletionLimit(input.threshold, linked);
  const allowed = existing?.approved
    ? Math.max(limit, existing.count + Math.ceil(existing.count / 10))
    : limit;
  const over = input.count > allowed || (input.emptySource && !existing?.approved);
  if (!over) return existing?.approved ? { hold: false, approvedHold: existing } : { hold: false };
  const record: DeletionHold = {
    appId: input.appId,
    since: existing && !existing.approved ? existing.since : input.now,
    cycleId: input.cycleId,
    count: input.count,
    threshold: limit,
    approved: false,
  };
  await state.setDeletionHold(record);
  return { hold: true, record };
}

export const QUARANTINE_BASE_MS = 5 * 60_000;
export const QUARANTINE_MAX_MS = 24 * 60 * 60_000;
/** Consecutive target-wide failures, with no success, after which a cycle stops sending work. */
export const ABORT_AFTER_CONSECUTIVE = 10;

/** Whether a cycle's calls say the target as a whole is failing. */
export function shouldQuarantine(stats: CallStats, aborted: boolean): boolean {
  if (aborted) return true;
  const total = stats.successes + stats.failures;
  if (total === 0 || stats.targetWideFailures === 0) return false;
  if (stats.successes === 0) return stats.invalidCredentials || stats.targetWideFailures >= 3;
  return stats.targetWideFailures >= 10 && stats.targetWideFailures >= 0.8 * total;
}

/** The next quarantine record after one more failing cycle. */
export function nextQuarantine(
  appId: string,
  previous: Quarantine | undefined,
  reason: string,
  now: Date,
): Quarantine {
  const level = (previous?.level ?? 0) + 1;
  const wait = Math.min(QUARANTINE_MAX_MS, QUARANTINE_BASE_MS * 2 ** (level - 1));
  return { appId, since: previous?.since ?? now, level, nextAttempt: new Date(now.getTime() + wait), reason };
}
