/**
 * What `sync` prints: with `--json` one JSON object (docs/engine/commands.md, the stable shape),
 * otherwise a plain summary that ends with the reason for a failure and what to do next. Also
 * decides the exit code: 0 only for a completed cycle without failures, 3 when the app is held or
 * quarantined, 1 otherwise.
 */
import type { JsonObject } from '../../shared/json.js';
import type { CycleReport, CycleSummary } from '../../engine/cycle/engine-service.js';
import type { DeletionHold, ProvisioningLogEntry } from '../../engine/state/engine-state.js';
import { holdView, quarantineView, summaryView } from '../../engine/cycle/report-views.js';
import { ExitCode } from '../exit-code.js';
import { showDuration } from './engine-command-support.js';
import { table } from './command-support.js';

/** One failed object, as `sync --json` lists it. */
export function failureJson(entry: ProvisioningLogEntry): JsonObject {
  const error = entry.error ?? {};
  return {
    objectType: entry.objectType,
    sourceId: entry.sourceId,
    ...(entry.sourceName !== undefined ? { sourceName: entry.sourceName } : {}),
    action: entry.action,
    ...(typeof error.code === 'string' ? { code: error.code } : {}),
    ...(typeof error.message === 'string' ? { message: error.message } : {}),
    ...(typeof error.retryAt === 'string' ? { retryAt: error.retryAt } : {}),
  };
}

export function cycleJson(report: CycleReport): JsonObject {
  return {
    app: report.app,
    cycleId: report.cycleId,
    kind: report.kind,
    status: report.status,
    started: report.started.toISOString(),
    finished: report.finished.toISOString(),
    summary: summaryView(report.summary),
    failures: report.failures.map(failureJson),
    ...(report.hold !== undefined ? { hold: cycleHold(report.hold) } : {}),
    ...(report.quarantine !== undefined ? { quarantine: quarantineView(report.quarantine) } : {}),
    ...(report.connectionError !== undefined
      ? { connectionError: report.connectionError as unknown as JsonObject }
      : {}),
  };
}

/** The hold as `sync --json` shows it: the hold's view without the cycle id (the report's own). */
function cycleHold(hold: DeletionHold): JsonObject {
  const { cycleId: _cycleId, ...rest } = holdView(hold);
  return rest;
}

export function cycleExitCode(report: CycleReport): number {
  if (report.status === 'held' || report.status === 'quarantined') return ExitCode.blocked;
  if (report.status === 'completed' && report.summary.failure === 0) return ExitCode.ok;
  return ExitCode.failed;
}

/** The counts as two aligned columns: actions, then results. */
export function summaryTable(summary: CycleSummary): string {
  const actions: [string, number][] = [
    ['create', summary.create],
    ['update', summary.update],
    ['disable', summary.disable],
    ['delete', summary.delete],
    ['skip', summary.skip],
  ];
  const results: [string, number][] = [
    ['success', summary.success],
    ['failure', summary.failure],
  ];
  return table(
    actions.map(([name, n], i) => {
      const result = results[i];
      return ['  ' + name, String(n), ...(result ? [result[0], String(result[1])] : [])];
    }),
  );
}

/** Most failures listed in the human summary; the rest are counted and left to `logs`. */
const LISTED_FAILURES = 10;

export function failureLines(failures: readonly ProvisioningLogEntry[]): string {
  const shown = failures.slice(0, LISTED_FAILURES).map((entry) => {
    const error = entry.error ?? {};
    const code = typeof error.code === 'string' ? error.code : 'error';
    const message = typeof error.message === 'string' ? `: ${error.message}` : '';
    const retry = typeof error.retryAt === 'string' ? ` (retried after ${error.retryAt})` : '';
    return [
      '  ' + entry.objectType,
      entry.sourceName ?? entry.sourceId,
      entry.action,
      `${code}${message}${retry}`,
    ];
  });
  const more =
    failures.length > LISTED_FAILURES ? `  ... and ${failures.length - LISTED_FAILURES} more\n` : '';
  return table(shown) + more;
}

/** The human summary of a cycle, every line for stdout. */
export function cycleText(report: CycleReport): string {
  const took = showDuration(report.finished.getTime() - report.started.getTime());
  let text = `${report.app}: ${describeStatus(report.status)} (${report.kind} cycle ${report.cycleId}, ${took})\n`;
  text += summaryTable(report.summary);
  if (report.failures.length > 0) text += `failures:\n${failureLines(report.failures)}`;
  text += nextSteps(report)
    .map((line) => `next: ${line}\n`)
    .join('');
  return text;
}

function describeStatus(status: CycleReport['status']): string {
  switch (status) {
    case 'completed':
      return 'completed';
    case 'completedWithFailures':
      return 'completed with failures';
    case 'held':
      return 'held by the accidental-deletion guard';
    case 'quarantined':
      return 'quarantined';
    case 'failed':
      return 'failed';
    case 'running':
      return 'still running';
  }
}

/** What the administrator can do about the outcome, as commands to run. */
export function nextSteps(report: CycleReport): string[] {
  const app = report.app;
  if (report.status === 'held') {
    const hold = report.hold;
    return [
      hold
        ? `the cycle would disable or delete ${hold.count} objects, above the threshold of ${hold.threshold}; nothing was deprovisioned`
        : 'the cycle would disable or delete more objects than the threshold allows; nothing was deprovisioned',
      `\`provisio preview ${app}\` lists them; if they are meant to go, run \`provisio apps approve-deletes ${app}\`, else fix the assignments or scope`,
    ];
  }
  if (report.status === 'quarantined') {
    const q = report.quarantine;
    return [
      q
        ? `quarantined since ${q.since.toISOString()} (level ${q.level}): ${q.reason}; the next attempt is at ${q.nextAttempt.toISOString()}`
        : 'most operations failed, so the app is quarantined',
      report.connectionError !== undefined
        ? `the connection test failed before any object was read; check the connector's settings, credentials and the target, then \`provisio sync ${app} --restart\` leaves quarantine now`
        : `\`provisio logs ${app} --status failure --cycle ${report.cycleId}\` shows why; once fixed, \`provisio sync ${app} --restart\` leaves quarantine now`,
    ];
  }
  if (report.summary.failure > 0 || report.status === 'failed') {
    return [
      `\`provisio logs ${app} --status failure --cycle ${report.cycleId}\` shows every step of the failures; failed objects are retried in later cycles`,
    ];
  }
  return [];
}
