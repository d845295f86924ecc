/**
 * `provisio accounts NAME [--json]`: the accounts Provisio manages in an application, from its
 * links (for access reviews): which directory object each belongs to, its id in the target and
 * whether the engine disabled it. `--json` prints one JSON object per line, so a large target
 * streams rather than building one document.
 */
import type { Command } from 'commander';
import { accountView } from '../../engine/cycle/report-views.js';
import type { ManagedAccount } from '../../engine/cycle/engine-service.js';
import { withEngine } from './engine-command-support.js';
import { table, type StorageFlags } from './command-support.js';
import { appName } from './option-parsers.js';
import { addStorageOptions } from './storage-options.js';

export function accountRow(account: ManagedAccount): string[] {
  return [
    account.objectType,
    account.sourceName ?? account.sourceId,
    account.targetName ?? account.targetId,
    account.state,
    account.updated.toISOString(),
  ];
}

export const ACCOUNT_HEADER = ['TYPE', 'SOURCE', 'TARGET', 'STATE', 'UPDATED'];

export function register(program: Command): void {
  addStorageOptions(
    program
      .command('accounts')
      .description('List the accounts Provisio manages in an application (for access reviews)')
      .argument('<name>', 'the application', appName)
      .option('--json', 'print one JSON object per line'),
  ).action(async (name: string, flags: StorageFlags & { json?: boolean }) => {
    await withEngine(flags, async (session) => {
      await session.app(name);
      const rows: string[][] = [ACCOUNT_HEADER];
      for await (const account of session.engine.accounts(name)) {
        if (flags.json) process.stdout.write(`${JSON.stringify(accountView(account))}\n`);
        else rows.push(accountRow(account));
      }
      if (flags.json) return;
      if (rows.length === 1) process.stderr.write(`no accounts managed in ${name} yet\n`);
      else process.stdout.write(table(rows));
    });
  });
}
