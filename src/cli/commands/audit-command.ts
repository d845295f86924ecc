/**
 * `provisio audit [--app NAME] [--limit N] [--json]`: the configuration changes (apply, delete,
 * assign, unassign, ...), newest first, with who made them. Before and after never hold a secret:
 * credentials appear as `${VAR}` or `<secret>`.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { auditEntryJson } from '../../engine/state/audit-entry-json.js';
import type { AuditEntry } from '../../engine/state/engine-state.js';
import type { JsonValue } from '../../shared/json.js';
import { isJsonObject } from '../../shared/json.js';
import { addStorageOptions } from './storage-options.js';
import type { StorageFlags } from './command-support.js';
import { withAppsService } from './apps-command-context.js';
import { table } from './command-support.js';
import { appName } from './option-parsers.js';

/** Most entries one listing may ask for. */
const MAX_AUDIT_LIMIT = 10_000;

/** 1 to 10,000 entries. */
export function auditLimit(value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_AUDIT_LIMIT) {
    throw new InvalidArgumentError(`Expected a whole number from 1 to ${MAX_AUDIT_LIMIT}.`);
  }
  return n;
}

/** A few words on what an entry changed, for the table. */
function summary(entry: AuditEntry): string {
  const side = (entry.after ?? entry.before) as JsonValue | undefined;
  if (!isJsonObject(side)) return '';
  if (typeof side.principalType === 'string') {
    const who = typeof side.principalName === 'string' ? side.principalName : String(side.principalId);
    const role = typeof side.role === 'string' ? ` as ${side.role}` : '';
    return `${side.principalType.toLowerCase()} ${who}${role}`;
  }
  if (typeof side.assignmentsRemoved === 'number') return `${side.assignmentsRemoved} assignments removed`;
  return '';
}

/** Registers `audit`. */
export function register(program: Command): void {
  addStorageOptions(
    program
      .command('audit')
      .description('Show configuration changes, newest first')
      .option('--app <name>', 'only the changes to this app', appName)
      .option('--limit <n>', 'at most this many entries (default 100)', auditLimit)
      .option('--json', 'print JSON: { "entries": [ { id, at, actor, action, app?, before?, after? } ] }'),
  ).action(async (options: StorageFlags & { app?: string; limit?: number; json?: boolean }) => {
    await withAppsService(options, async (service) => {
      const entries = await service.audit({
        ...(options.app !== undefined ? { app: options.app } : {}),
        ...(options.limit !== undefined ? { limit: options.limit } : {}),
      });
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ entries: entries.map(auditEntryJson) }, null, 2)}\n`);
        return;
      }
      if (entries.length === 0) {
        process.stderr.write('no audit entries\n');
        return;
      }
      const rows = entries.map((e) => [e.at.toISOString(), e.actor, e.action, e.app ?? '', summary(e)]);
      process.stdout.write(table([['AT', 'ACTOR', 'ACTION', 'APP', 'CHANGE'], ...rows]));
    });
  });
}
