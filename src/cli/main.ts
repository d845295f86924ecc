import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { register as registerExpr } from './commands/expr-command.js';
import { register as registerServe } from './commands/serve-command.js';
import { register as registerTokens } from './commands/tokens-command.js';

/** Each command lives in its own file under cli/commands and registers itself on the program. */
const commandModules: ReadonlyArray<(program: Command) => void> = [
  registerExpr,
  registerServe,
  registerTokens,
];

function packageVersion(): string {
  const url = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}

/** Builds the commander program; exported so tests can drive it without a subprocess. */
export function buildProgram(): Command {
  const program = new Command('provisio')
    .description('Identity provisioning: a SCIM 2.0 directory, a provisioning engine and connectors.')
    .version(packageVersion())
    .showHelpAfterError()
    .exitOverride();
  for (const register of commandModules) register(program);
  return program;
}

/** Runs the CLI and resolves to the process exit code. */
export async function run(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    process.stderr.write(`provisio: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
