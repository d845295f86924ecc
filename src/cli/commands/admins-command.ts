/**
 * `provisio admins create NAME --role R --password-stdin`, `admins list`, `admins delete NAME`,
 * `admins reset-password NAME --password-stdin`: the console's users. Passwords come from
 * standard input only (never the command line, where `ps` and the shell history would show them)
 * and are stored as scrypt hashes. Every change is audited with the OS user; deleting a user or
 * resetting their password ends their sessions at once.
 */
import type { Command } from 'commander';
import { CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConsoleAccess } from '../../admin/access/console-access.js';
import { passwordProblem, userNameProblem } from '../../admin/access/console-users.js';
import { ADMIN_ROLES, type AdminRole } from '../../admin/admin-route.js';
import { ExitCode } from '../exit-code.js';
import { cliActor, table, type StorageFlags } from './command-support.js';
import { addStorageOptions } from './storage-options.js';
import { withDatabase } from './with-database.js';

/** A console user name, checked as commander parses it. */
export function consoleUserName(value: string): string {
  const problem = userNameProblem(value);
  if (problem !== undefined)
    throw new InvalidArgumentError(`Expected ${problem.replace(/^a console user name is /, '')}.`);
  return value;
}

/**
 * The whole of standard input, less one trailing line break (what `echo` and a here-string add).
 * An interactive terminal is refused: the password would be echoed as it is typed.
 */
async function readPassword(stdin: NodeJS.ReadableStream & { isTTY?: boolean }): Promise<string> {
  if (stdin.isTTY === true) {
    throw new Error(
      '--password-stdin reads the password from a pipe or file, e.g. printf %s "$PASSWORD" | provisio ...',
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stdin)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function stop(code: number, message: string): never {
  process.stderr.write(`provisio: ${message}\n`);
  throw new CommanderError(code, 'provisio.admins.failed', message);
}

/** Reads and checks the new password before anything is opened: a short one is a usage error. */
async function newPassword(): Promise<string> {
  let password: string;
  try {
    password = await readPassword(process.stdin);
  } catch (error) {
    stop(ExitCode.usage, (error as Error).message);
  }
  const problem = passwordProblem(password);
  if (problem !== undefined) stop(ExitCode.usage, problem);
  return password;
}

async function withAccess<T>(flags: StorageFlags, work: (access: ConsoleAccess) => Promise<T>): Promise<T> {
  return withDatabase(flags, async (database) => work(await ConsoleAccess.open(database)));
}

const STDIN_OPTION = '--password-stdin';

/** Registers `admins` and its subcommands. */
export function register(program: Command): void {
  const admins = program.command('admins').description('Manage the users of the web console (the admin API)');

  addStorageOptions(
    admins
      .command('create')
      .description('Add a console user; the password (at least 12 characters) is read from stdin')
      .argument('<name>', 'the user name they sign in with', consoleUserName)
      .addOption(new Option('--role <role>', 'what they may do').choices(ADMIN_ROLES).makeOptionMandatory())
      .requiredOption(STDIN_OPTION, 'read the password from standard input'),
  ).action(async (name: string, options: StorageFlags & { role: AdminRole }) => {
    const password = await newPassword();
    await withAccess(options, async (access) => {
      if (!(await access.createUser(name, options.role, password, cliActor()))) {
        stop(ExitCode.failed, `a console user named "${name}" already exists`);
      }
      process.stderr.write(`created console user "${name}" (${options.role})\n`);
    });
  });

  addStorageOptions(
    admins.command('list').description('List console users: name, role, created, password changed'),
  ).action(async (options: StorageFlags) => {
    await withAccess(options, async (access) => {
      const users = await access.listUsers();
      if (users.length === 0) {
        process.stderr.write('no console users\n');
        return;
      }
      const rows = users.map((u) => [
        u.name,
        u.role,
        u.created.toISOString(),
        u.passwordChanged.toISOString(),
      ]);
      process.stdout.write(table([['NAME', 'ROLE', 'CREATED', 'PASSWORD CHANGED'], ...rows]));
    });
  });

  addStorageOptions(
    admins
      .command('delete')
      .description('Remove a console user and end their sessions')
      .argument('<name>', 'the user name', consoleUserName),
  ).action(async (name: string, options: StorageFlags) => {
    await withAccess(options, async (access) => {
      if (!(await access.deleteUser(name, cliActor())))
        stop(ExitCode.failed, `no console user named "${name}"`);
      process.stderr.write(`deleted console user "${name}"\n`);
    });
  });

  addStorageOptions(
    admins
      .command('reset-password')
      .description("Set a new password (read from stdin) and end the user's sessions")
      .argument('<name>', 'the user name', consoleUserName)
      .requiredOption(STDIN_OPTION, 'read the new password from standard input'),
  ).action(async (name: string, options: StorageFlags) => {
    const password = await newPassword();
    await withAccess(options, async (access) => {
      if (!(await access.resetPassword(name, password, cliActor()))) {
        stop(ExitCode.failed, `no console user named "${name}"`);
      }
      process.stderr.write(`reset the password of "${name}"; their sessions have ended\n`);
    });
  });
}
