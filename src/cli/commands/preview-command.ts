/**
 * `provisio preview NAME [--json]`: what the next cycle would do — creates, updates with each
 * attribute's old and new value, disables, deletes and skips with their reason — planned by the
 * same code as `sync` without the executor, so the target and the engine's state are untouched.
 * Exit 0 (a preview of failures or of a held cycle is still a preview).
 */
import type { Command } from 'commander';
import type { PreviewReport } from '../../engine/cycle/engine-service.js';
import { briefItemView, previewView } from '../../engine/cycle/report-views.js';
import { showValue, withEngine } from './engine-command-support.js';
import { table, type StorageFlags } from './command-support.js';
import { appName } from './option-parsers.js';
import { addStorageOptions } from './storage-options.js';
import { summaryTable } from './sync-command-output.js';
import { progressLine } from './sync-command-progress.js';

export function previewJson(report: PreviewReport) {
  return previewView(report, briefItemView);
}

/** Most skipped objects listed one by one; a large initial preview is mostly skips. */
const LISTED_SKIPS = 20;

export function previewText(report: PreviewReport): string {
  let text = `${report.app}: preview of the next ${report.kind} cycle (the target is not touched)\n`;
  text += summaryTable(report.summary);
  const acting = report.items.filter((i) => i.action !== 'skip' && i.action !== 'none');
  const skipped = report.items.filter((i) => i.action === 'skip' || i.action === 'none');
  if (acting.length > 0) {
    text += 'changes:\n';
    for (const item of acting) {
      const target = item.targetId !== undefined ? ` -> ${item.targetId}` : '';
      text += `  ${item.action} ${item.objectType} ${item.sourceName ?? item.sourceId}${target}${item.reason ? ` (${item.reason})` : ''}\n`;
      text += table(
        item.changes.map((c) => ['      ' + c.attribute, showValue(c.old), '->', showValue(c.new)]),
      );
    }
  }
  if (skipped.length > 0) {
    text += 'skipped:\n';
    text += table(
      skipped
        .slice(0, LISTED_SKIPS)
        .map((i) => ['  ' + i.objectType, i.sourceName ?? i.sourceId, i.reason ?? 'nothing to do']),
    );
    if (skipped.length > LISTED_SKIPS)
      text += `  ... and ${skipped.length - LISTED_SKIPS} more (--json lists all)\n`;
  }
  if (report.wouldHold) {
    text +=
      `next: this cycle would exceed the accidental-deletion threshold and be held; if the deprovisions ` +
      `are meant, run \`provisio apps approve-deletes ${report.app}\` after the cycle holds them\n`;
  }
  return text;
}

export function register(program: Command): void {
  addStorageOptions(
    program
      .command('preview')
      .description('Show what the next cycle would do, without touching the target')
      .argument('<name>', 'the application', appName)
      .option('--json', 'print one JSON object (summary and every planned item)'),
  ).action(async (name: string, flags: StorageFlags & { json?: boolean }) => {
    await withEngine(flags, async (session) => {
      await session.app(name);
      const progress = flags.json ? undefined : progressLine(`preview ${name}`);
      try {
        const report = await session.engine.preview(name, progress ? { onProgress: progress.update } : {});
        progress?.finish();
        process.stdout.write(flags.json ? `${JSON.stringify(previewJson(report))}\n` : previewText(report));
      } finally {
        progress?.finish();
      }
    });
  });
}
