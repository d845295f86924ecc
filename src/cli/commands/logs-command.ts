/**
 * `provisio logs NAME [--status S] [--action A] [--user X] [--cycle ID] [--since T] [--limit N]
 * [--json]`: the provisioning log, the newest `--limit` entries (default 100) that match, printed
 * oldest first like a tail. `--json` prints one JSON object per line (docs/engine/commands.md).
 * Every filter value is checked as it is parsed: a bad one is a usage error (2).
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { logEntryView, type LogEntryView } from '../../engine/cycle/report-views.js';
import type { LogAction, LogStatus, ProvisioningLogEntry } from '../../engine/state/engine-state.js';
import { withEngine } from './engine-command-support.js';
import { table, type StorageFlags } from './command-support.js';
import { appName, countUpTo, displayName, pastTime } from './option-parsers.js';
import { addStorageOptions } from './storage-options.js';

export const LOG_STATUSES: readonly LogStatus[] = ['success', 'failure', 'skipped', 'warning'];
export const LOG_ACTIONS: readonly LogAction[] = [
  'create',
  'update',
  'disable',
  'enable',
  'delete',
  'skip',
  'none',
];

interface LogsFlags extends StorageFlags {
  status?: LogStatus;
  action?: LogAction;
  user?: string;
  cycle?: string;
  since?: Date;
  limit: number;
  json?: boolean;
}

/** One line of `logs --json`: the log entry's view, naming the app. */
export function logEntryJson(entry: ProvisioningLogEntry, app: string): LogEntryView {
  return logEntryView(entry, app);
}

/** What went wrong or why nothing was done, on one line. */
function detail(entry: ProvisioningLogEntry): string {
  const error = entry.error;
  if (error !== undefined) {
    const code = typeof error.code === 'string' ? error.code : 'error';
    const message = typeof error.message === 'string' ? `: ${error.message}` : '';
    // The target's own words, on the same line: newlines would break the table.
    const said = typeof error.detail === 'string' ? ` (target: ${error.detail.replace(/\s+/g, ' ')})` : '';
    const retry = typeof error.retryAt === 'string' ? ` (retry after ${error.retryAt})` : '';
    return `${code}${message}${said}${retry}`;
  }
  return entry.reason ?? '';
}

export function logsText(entries: readonly ProvisioningLogEntry[]): string {
  const rows = [['TIME', 'CYCLE', 'TYPE', 'OBJECT', 'ACTION', 'STATUS', 'DETAIL']];
  for (const e of entries) {
    rows.push([
      e.at.toISOString(),
      e.cycleId,
      e.objectType,
      e.sourceName ?? e.sourceId,
      e.action,
      e.status,
      detail(e),
    ]);
  }
  return table(rows);
}

export function register(program: Command): void {
  addStorageOptions(
    program
      .command('logs')
      .description('Show the provisioning log of an application: each object, step by step')
      .argument('<name>', 'the application', appName)
      .addOption(new Option('--status <status>', 'only entries with this result').choices(LOG_STATUSES))
      .addOption(new Option('--action <action>', 'only entries with this action').choices(LOG_ACTIONS))
      .option('--user <user>', 'only entries about this object (userName, displayName or id)', displayName)
      .option('--cycle <id>', 'only entries of this cycle', displayName)
      .option('--since <time>', 'only entries at or after this time (ISO 8601, or 90m, 2h, 7d ago)', (v) =>
        pastTime(v),
      )
      .addOption(
        new Option('--limit <n>', 'at most this many entries, the newest (1 to 10000)')
          .argParser(countUpTo(10_000))
          .default(100),
      )
      .option('--json', 'print one JSON object per line'),
  ).action(async (name: string, flags: LogsFlags) => {
    await withEngine(flags, async (session) => {
      const app = await session.app(name);
      const entries = await session.state.queryLog({
        appId: app.id,
        ...(flags.status !== undefined ? { status: flags.status } : {}),
        ...(flags.action !== undefined ? { action: flags.action } : {}),
        ...(flags.user !== undefined ? { object: flags.user } : {}),
        ...(flags.cycle !== undefined ? { cycleId: flags.cycle } : {}),
        ...(flags.since !== undefined ? { since: flags.since } : {}),
        limit: flags.limit,
      });
      const chronological = [...entries].reverse();
      if (flags.json) {
        process.stdout.write(chronological.map((e) => `${JSON.stringify(logEntryJson(e, name))}\n`).join(''));
        return;
      }
      if (chronological.length === 0) {
        process.stderr.write('no log entries match\n');
        return;
      }
      process.stdout.write(logsText(chronological));
    });
  });
}
