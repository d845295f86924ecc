/**
 * `provisio provision NAME --user USER [--dry-run] [--json]`: one user (userName or id) through the
 * whole pipeline now, printing each step — import, scope, match, action, result — as the
 * provisioning log records it. With `--dry-run` the steps are planned and the target is untouched.
 * Exit 0 when the user was provisioned or nothing was needed, 1 when it failed.
 */
import type { Command } from 'commander';
import type { JsonObject, JsonValue } from '../../shared/json.js';
import type { ProvisionReport } from '../../engine/cycle/engine-service.js';
import { plannedItemView } from '../../engine/cycle/report-views.js';
import { ExitCode } from '../exit-code.js';
import { exitWith, showValue, withEngine } from './engine-command-support.js';
import { type StorageFlags } from './command-support.js';
import { appName, displayName } from './option-parsers.js';
import { addStorageOptions } from './storage-options.js';

/**
 * One step as a line: its name, then its fields as `key=value` (values as JSON). An action's
 * attribute changes are left out: they follow, one per line.
 */
export function stepLine(step: JsonObject): string {
  const name = typeof step.step === 'string' ? step.step : 'step';
  const fields = Object.entries(step)
    .filter(([key]) => key !== 'step' && key !== 'changes')
    .map(([key, value]) => `${key}=${formatField(value)}`);
  return `  ${name.padEnd(7)} ${fields.join(' ')}`.trimEnd();
}

function formatField(value: JsonValue): string {
  return typeof value === 'string' && /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
}

export function provisionText(report: ProvisionReport, user: string): string {
  const item = report.item;
  let text = `${report.app}: ${report.dryRun ? 'planned for' : 'provisioned'} ${item.objectType} ${item.sourceName ?? user}${report.dryRun ? ' (dry run: the target is not touched)' : ''}\n`;
  const steps =
    report.dryRun || report.entries.length === 0 ? item.steps : report.entries.flatMap((e) => e.steps);
  for (const step of steps) text += `${stepLine(step)}\n`;
  if (item.changes.length > 0) {
    text += 'changes:\n';
    for (const c of item.changes) text += `  ${c.attribute}: ${showValue(c.old)} -> ${showValue(c.new)}\n`;
  }
  const failed = report.entries.find((e) => e.status === 'failure');
  const outcome = report.dryRun
    ? `would ${item.action}${item.reason ? ` (${item.reason})` : ''}`
    : failed
      ? `failed: ${String(failed.error?.code ?? 'error')}${typeof failed.error?.message === 'string' ? `: ${failed.error.message}` : ''}`
      : `${item.action} done${item.targetId ? ` (target id ${item.targetId})` : ''}`;
  text += `result: ${outcome}\n`;
  if (failed)
    text += `next: \`provisio logs ${report.app} --user ${user} --status failure\` keeps every attempt\n`;
  return text;
}

export function provisionJson(report: ProvisionReport) {
  return {
    app: report.app,
    dryRun: report.dryRun,
    item: plannedItemView(report.item),
    entries: report.entries.map((e) => ({
      action: e.action,
      status: e.status,
      ...(e.reason !== undefined ? { reason: e.reason } : {}),
      ...(e.targetId !== undefined ? { targetId: e.targetId } : {}),
      steps: [...e.steps],
      ...(e.error !== undefined ? { error: e.error } : {}),
    })),
  };
}

export function register(program: Command): void {
  addStorageOptions(
    program
      .command('provision')
      .description('Provision one user into an application now, printing every step')
      .argument('<name>', 'the application', appName)
      .requiredOption('--user <user>', "the user's userName or id", displayName)
      .option('--dry-run', 'plan the steps only; the target is not touched')
      .option('--json', 'print one JSON object'),
  ).action(async (name: string, flags: StorageFlags & { user: string; dryRun?: boolean; json?: boolean }) => {
    await withEngine(flags, async (session) => {
      await session.app(name);
      const report = await session.engine.provisionUser(name, flags.user, { dryRun: flags.dryRun === true });
      process.stdout.write(
        flags.json ? `${JSON.stringify(provisionJson(report))}\n` : provisionText(report, flags.user),
      );
      exitWith(report.entries.some((e) => e.status === 'failure') ? ExitCode.failed : ExitCode.ok);
    });
  });
}
