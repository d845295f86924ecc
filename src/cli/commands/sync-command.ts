/**
 * `provisio sync NAME [--restart | --reset] [--wait DURATION] [--json]`: one cycle in the
 * foreground (initial when the app has no watermark, else incremental), a progress line on
 * stderr when it is a terminal, then the summary. Exit 0 only for a completed cycle without
 * failures, 1 on failures, 3 when the app is held or quarantined. While another process (`serve`)
 * holds the app's lease, `sync` waits up to `--wait` (default 0) and then says who holds it.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { ExitCode } from '../exit-code.js';
import { busyHolder, exitWith, fail, withEngine } from './engine-command-support.js';
import { cliActor, type StorageFlags } from './command-support.js';
import { appName, durationMs } from './option-parsers.js';
import { addStorageOptions } from './storage-options.js';
import { cycleExitCode, cycleJson, cycleText } from './sync-command-output.js';
import { progressLine } from './sync-command-progress.js';

interface SyncFlags extends StorageFlags {
  restart?: boolean;
  reset?: boolean;
  wait: number;
  json?: boolean;
}

export function register(program: Command): void {
  addStorageOptions(
    program
      .command('sync')
      .description('Run one provisioning cycle of an application now, in the foreground')
      .argument('<name>', 'the application', appName)
      .addOption(
        new Option(
          '--restart',
          'first clear the watermark, escrows and quarantine (links are kept)',
        ).conflicts('reset'),
      )
      .addOption(new Option('--reset', 'like --restart, and also forget every link to target accounts'))
      .addOption(
        new Option('--wait <duration>', 'how long to wait while another process runs the app (e.g. 30s)')
          .argParser(durationMs)
          .default(0, '0'),
      )
      .option('--json', 'print one JSON object instead of the summary')
      .addHelpText(
        'after',
        '\nExit codes: 0 completed without failures; 1 failures (or the app is busy); 2 usage error;\n' +
          '3 held by the accidental-deletion guard or quarantined.',
      ),
  ).action(async (name: string, flags: SyncFlags) => {
    await withEngine(flags, async (session) => {
      await session.app(name);
      const progress = flags.json ? undefined : progressLine(`sync ${name}`);
      let report;
      try {
        report = await session.engine.sync(name, {
          ...(flags.restart ? { restart: true } : {}),
          ...(flags.reset ? { reset: true } : {}),
          actor: cliActor(),
          leaseWaitMs: flags.wait,
          ...(progress ? { onProgress: progress.update } : {}),
        });
      } catch (error) {
        progress?.finish();
        const busy = busyHolder(error);
        if (busy) {
          fail(
            ExitCode.failed,
            `${name} is being provisioned by ${busy.holder} (lease until ${busy.expires.toISOString()})`,
            `that process runs its cycles already; wait for it with \`provisio sync ${name} --wait 2m\`, or stop it first`,
            `a holder on another host that died loses the lease when it expires; one on this host is replaced at once`,
          );
        }
        throw error;
      }
      progress?.finish();
      process.stdout.write(flags.json ? `${JSON.stringify(cycleJson(report))}\n` : cycleText(report));
      exitWith(cycleExitCode(report));
    });
  });
}
