/**
 * `provisio apps approve-deletes NAME`: lets the deprovisions that the accidental-deletion guard
 * held through on the app's next cycle (recorded in the audit with the OS user). Registered under
 * the `apps` command group: it joins the group when one is registered before it, or creates it.
 * Exit 1 when the app has nothing held.
 */
import type { Command } from 'commander';
import { ExitCode } from '../exit-code.js';
import { cliActor, fail, withEngine, type StorageFlags } from './engine-command-support.js';
import { appName } from './option-parsers.js';
import { addStorageOptions } from './storage-options.js';

/** The `apps` group, as another module registered it, or a new one. */
export function appsGroup(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'apps') ??
    program.command('apps').description('Manage the applications Provisio provisions')
  );
}

export function register(program: Command): void {
  addStorageOptions(
    appsGroup(program)
      .command('approve-deletes')
      .description("Let the deletions held by the accidental-deletion guard through on the app's next cycle")
      .argument('<name>', 'the application', appName),
  ).action(async (name: string, flags: StorageFlags) => {
    await withEngine(flags, async (session) => {
      const app = await session.app(name);
      const status = await session.engine.status(name);
      if (status.hold === undefined) {
        fail(
          ExitCode.failed,
          `${name} has no held deletions to approve`,
          `\`provisio preview ${name}\` shows what the next cycle would do`,
        );
      }
      const hold = await session.engine.approveDeletes(name, cliActor());
      process.stdout.write(
        `${app.definition.name}: approved ${hold.count} held disables and deletes (threshold ${hold.threshold}, held since ${hold.since.toISOString()}, cycle ${hold.cycleId})\n` +
          `next: the next cycle performs them; \`provisio sync ${name}\` runs it now (\`serve\` runs it within seconds)\n`,
      );
    });
  });
}
