import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { register as registerAccounts } from './commands/accounts-command.js';
import { register as registerAdmins } from './commands/admins-command.js';
import { register as registerApproveDeletes } from './commands/approve-deletes-command.js';
import { register as registerApps } from './commands/apps-command.js';
import { register as registerAssign } from './commands/assign-command.js';
import { register as registerAudit } from './commands/audit-command.js';
import { register as registerCycles } from './commands/cycles-command.js';
import { register as registerExpr } from './commands/expr-command.js';
import { register as registerLogs } from './commands/logs-command.js';
import { register as registerPreview } from './commands/preview-command.js';
import { register as registerProvision } from './commands/provision-command.js';
import { register as registerReconcile } from './commands/reconcile-command.js';
import { register as registerServe } from './commands/serve-command.js';
import { register as registerSync } from './commands/sync-command.js';
import { register as registerTokens } from './commands/tokens-command.js';
import { ExitCode } from './exit-code.js';

/** Each command lives in its own file under cli/commands and registers itself on the program. */
const commandModules: ReadonlyArray<(program: Command) => void> = [
  registerApps,
  registerAssign,
  registerAudit,
  registerExpr,
  registerServe,
  registerTokens,
  registerAdmins,
  registerSync,
  registerCycles,
  registerPreview,
  registerProvision,
  registerLogs,
  registerAccounts,
  registerReconcile,
  // Joins the `apps` group, so it comes after the module that registers the group.
  registerApproveDeletes,
];

function packageVersion(): string {
  const url = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}

/**
 * Commander stops with exit code 1 for every parse error; those are usage errors here, so that a
 * script can tell "called wrongly" (2) from "ran and failed" (1). Help and --version stay 0.
 */
function usageExit(error: CommanderError): never {
  if (error.exitCode === 0) throw error;
  throw new CommanderError(ExitCode.usage, error.code, error.message);
}

/** Builds the commander program; exported so tests can drive it without a subprocess. */
export function buildProgram(): Command {
  const program = new Command('provisio')
    .description(
      'Identity provisioning: a SCIM 2.0 directory with a change feed, and the mapping-expression language.',
    )
    .version(packageVersion())
    .showHelpAfterError()
    .exitOverride(usageExit)
    .addHelpText(
      'after',
      '\nExit codes: 0 done; 1 the command ran and failed; 2 usage error (unknown option, invalid value);\n' +
        '3 the application is held (accidental-deletion guard) or quarantined.',
    );
  // Subcommands copy the exit override and help settings when they are created, so set them first.
  for (const register of commandModules) register(program);
  return program;
}

/** Runs the CLI and resolves to the process exit code. */
export async function run(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    process.stderr.write(`provisio: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitCode.failed;
  }
}
