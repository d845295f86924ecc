/**
 * `provisio reconcile NAME [--fix] [--json]`: lists the target's accounts and compares them with
 * what the mappings give: drift (a linked account whose values differ), orphans (accounts no link
 * or match claims; reported, never touched) and missing accounts. `--fix` converges drift and
 * missing. Exit 0 when the run completed (drift found is a result, not a failure: `--json` counts
 * it for scripts), 1 when `--fix` had failures.
 */
import type { Command } from 'commander';
import type { ReconcileReport } from '../../engine/cycle/engine-service.js';
import { briefItemView, reconcileView } from '../../engine/cycle/report-views.js';
import { ExitCode } from '../exit-code.js';
import { exitWith, showValue, withEngine } from './engine-command-support.js';
import { table, type StorageFlags } from './command-support.js';
import { appName } from './option-parsers.js';
import { addStorageOptions } from './storage-options.js';
import { summaryTable } from './sync-command-output.js';

export function reconcileJson(report: ReconcileReport) {
  return reconcileView(report, briefItemView);
}

export function reconcileText(report: ReconcileReport): string {
  const app = report.app;
  let text = `${app}: ${report.drift.length} drifted, ${report.orphans.length} orphaned, ${report.missing.length} missing${report.fixed ? ' (fixed: drift and missing converged)' : ''}\n`;
  if (report.drift.length > 0) {
    text += 'drift (linked accounts whose values differ from the mappings):\n';
    for (const item of report.drift) {
      text += `  ${item.objectType} ${item.sourceName ?? item.sourceId} -> ${item.targetId}\n`;
      text += table(
        item.changes.map((c) => ['      ' + c.attribute, showValue(c.old), '->', showValue(c.new)]),
      );
    }
  }
  if (report.orphans.length > 0) {
    text += 'orphans (accounts nobody manages; left as they are):\n';
    text += table(report.orphans.map((o) => ['  ' + o.objectType, o.name ?? o.targetId, o.targetId]));
  }
  if (report.missing.length > 0) {
    text += 'missing (in scope, no account in the target):\n';
    text += table(report.missing.map((m) => ['  ' + m.objectType, m.sourceName ?? m.sourceId]));
  }
  if (report.fixed) text += summaryTable(report.summary);
  if (!report.fixed && report.drift.length + report.missing.length > 0) {
    text += `next: \`provisio reconcile ${app} --fix\` converges the drift and creates the missing accounts\n`;
  }
  if (report.fixed && report.summary.failure > 0) {
    text += `next: \`provisio logs ${app} --status failure\` shows why the fixes failed\n`;
  }
  return text;
}

export function register(program: Command): void {
  addStorageOptions(
    program
      .command('reconcile')
      .description("Compare the target's accounts with the mappings: drift, orphans and missing accounts")
      .argument('<name>', 'the application', appName)
      .option('--fix', 'converge the drift and create the missing accounts (orphans are left alone)')
      .option('--json', 'print one JSON object'),
  ).action(async (name: string, flags: StorageFlags & { fix?: boolean; json?: boolean }) => {
    await withEngine(flags, async (session) => {
      await session.app(name);
      const report = await session.engine.reconcile(name, { fix: flags.fix === true });
      process.stdout.write(flags.json ? `${JSON.stringify(reconcileJson(report))}\n` : reconcileText(report));
      exitWith(report.fixed && report.summary.failure > 0 ? ExitCode.failed : ExitCode.ok);
    });
  });
}
