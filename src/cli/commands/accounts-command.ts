/**
 * `provisio accounts NAME [--json]`: the accounts Provisio manages in an application, from its
 * links (for access reviews): which directory object each belongs to, its id in the target and
 * whether the engine disabled it. Every account is listed, read a page at a time and printed as it
 * comes: `--json` as one JSON object per line, the table a chunk of rows at a time.
 */
import type { Command } from 'commander';
import { accountView } from '../../engine/cycle/report-views.js';
import type { ManagedAccount } from '../../engine/cycle/engine-service.js';
import { withEngine } from './engine-command-support.js';
import { StreamedTable, type StorageFlags } from './command-support.js';
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
      // The engine reads the links a page at a time; each account is written as it comes.
      const out = new StreamedTable((text) => process.stdout.write(text));
      let accounts = 0;
      for await (const account of session.engine.accounts(name)) {
        accounts++;
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(accountView(account))}\n`);
          continue;
        }
        if (out.count === 0) out.push(ACCOUNT_HEADER);
        out.push(accountRow(account));
      }
      out.flush();
      if (accounts === 0) process.stderr.write(`no accounts managed in ${name} yet\n`);
    });
  });
}
