/**
 * `provisio cycles NAME [--limit N] [--json]`: the app's last cycles, newest first, from the
 * engine's state: when each started, how long it took, its kind, what it did (counts per action
 * and result) and how it ended. The same rows as `GET /admin/v1/apps/{name}/cycles`.
 */
import type { Command } from 'commander';
import { cycleRecordJson, type CycleRecordJson } from '../../engine/state/cycle-record-json.js';
import type { StorageFlags } from './command-support.js';
import { table } from './command-support.js';
import { showDuration, withEngine } from './engine-command-support.js';
import { appName, countUpTo } from './option-parsers.js';
import { addStorageOptions } from './storage-options.js';

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;

/** `create 3, success 3`: the counts that are not zero. */
function changes(summary: CycleRecordJson['summary']): string {
  const parts = Object.entries(summary)
    .filter(([, n]) => n > 0)
    .map(([key, n]) => `${key} ${n}`);
  return parts.length > 0 ? parts.join(', ') : 'nothing to do';
}

/** Registers `cycles`. */
export function register(program: Command): void {
  addStorageOptions(
    program
      .command('cycles')
      .description("Show an app's last cycles, newest first: start, duration, kind, counts and outcome")
      .argument('<name>', 'the application', appName)
      .option(
        `--limit <n>`,
        `at most this many (1-${MAX_LIMIT}, default ${DEFAULT_LIMIT})`,
        countUpTo(MAX_LIMIT),
      )
      .option(
        '--json',
        'print JSON: { "app", "cycles": [ { id, kind, status, started, finished?, durationMs?, summary } ] }',
      ),
  ).action(async (name: string, options: StorageFlags & { limit?: number; json?: boolean }) => {
    await withEngine(options, async (session) => {
      const app = await session.app(name);
      const cycles = (await session.state.listCycles(app.id, options.limit ?? DEFAULT_LIMIT)).map(
        cycleRecordJson,
      );
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ app: app.definition.name, cycles }, null, 2)}\n`);
        return;
      }
      if (cycles.length === 0) {
        process.stderr.write(`no cycle of '${app.definition.name}' has run yet\n`);
        return;
      }
      const rows = cycles.map((c) => [
        c.started,
        c.durationMs !== undefined ? showDuration(c.durationMs) : 'running',
        c.kind,
        c.status,
        changes(c.summary),
        c.id,
      ]);
      process.stdout.write(table([['STARTED', 'DURATION', 'KIND', 'OUTCOME', 'CHANGES', 'CYCLE'], ...rows]));
    });
  });
}
