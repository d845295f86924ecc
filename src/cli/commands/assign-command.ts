/**
 * `provisio assign NAME --user <userName|id> | --group <displayName|id> [--role VALUE]`,
 * `unassign NAME --user|--group ... [--role VALUE]` and `assignments NAME [--json]`: who an app
 * provisions when its scope is `assigned`, and in which app roles. A role must be one the app
 * declares; without --role, assign uses the app's default role and unassign removes every role.
 */
import type { Command } from 'commander';
import { CommanderError, Option } from 'commander';
import type { NamedAssignment, PrincipalRef } from '../../engine/apps/apps-service.js';
import { ExitCode } from '../exit-code.js';
import { displayName } from './option-parsers.js';
import { addStorageOptions } from './storage-options.js';
import type { StorageFlags } from './apps-command-context.js';
import { appName, cliActor, table, withAppsService } from './apps-command-context.js';

interface PrincipalFlags extends StorageFlags {
  user?: string;
  group?: string;
  role?: string;
}

/** One assignment in `assignments --json` (documented in docs/engine/applications.md). */
export function assignmentEntry(a: NamedAssignment): Record<string, unknown> {
  return {
    principalType: a.principalType,
    principalId: a.principalId,
    ...(a.principalName !== undefined ? { principalName: a.principalName } : {}),
    role: a.role,
    created: a.created.toISOString(),
  };
}

function principalOf(flags: PrincipalFlags): PrincipalRef {
  if (flags.user !== undefined) return { type: 'User', ref: flags.user };
  if (flags.group !== undefined) return { type: 'Group', ref: flags.group };
  const message = 'give --user <userName|id> or --group <displayName|id>';
  process.stderr.write(`provisio: ${message}\n`);
  throw new CommanderError(ExitCode.usage, 'provisio.assign.usage', message);
}

function describe(principal: PrincipalRef): string {
  return `${principal.type === 'User' ? 'user' : 'group'} '${principal.ref}'`;
}

function principalOptions(command: Command, roleHelp: string): Command {
  return command
    .addOption(
      new Option('--user <user>', 'a user, by userName or id').argParser(displayName).conflicts('group'),
    )
    .addOption(new Option('--group <group>', 'a group, by displayName or id').argParser(displayName))
    .addOption(new Option('--role <value>', roleHelp).argParser(displayName));
}

/** Registers `assign`, `unassign` and `assignments`. */
export function register(program: Command): void {
  addStorageOptions(
    principalOptions(
      program
        .command('assign')
        .description('Assign a user or group to an app, in an app role')
        .argument('<name>', 'the app name', appName),
      "an app role the app declares (default: the app's default role)",
    ),
  ).action(async (name: string, options: PrincipalFlags) => {
    const principal = principalOf(options);
    await withAppsService(options, async (service) => {
      const made = await service.assign(name, principal, options.role, cliActor());
      process.stderr.write(`assigned ${describe(principal)} to '${name}' as ${made.role}\n`);
    });
  });

  addStorageOptions(
    principalOptions(
      program
        .command('unassign')
        .description('Remove a user or group from an app (one role, or every role without --role)')
        .argument('<name>', 'the app name', appName),
      'remove only this role',
    ),
  ).action(async (name: string, options: PrincipalFlags) => {
    const principal = principalOf(options);
    await withAppsService(options, async (service) => {
      if (!(await service.unassign(name, principal, options.role, cliActor()))) {
        const role = options.role !== undefined ? ` in role ${options.role}` : '';
        throw new Error(`${describe(principal)} is not assigned to '${name}'${role}`);
      }
      const role = options.role !== undefined ? ` (role ${options.role})` : '';
      process.stderr.write(`unassigned ${describe(principal)} from '${name}'${role}\n`);
    });
  });

  addStorageOptions(
    program
      .command('assignments')
      .description("List an app's assignments: users and groups with their roles")
      .argument('<name>', 'the app name', appName)
      .option(
        '--json',
        'print JSON: { "app": NAME, "assignments": [ { principalType, principalId, ... } ] }',
      ),
  ).action(async (name: string, options: StorageFlags & { json?: boolean }) => {
    await withAppsService(options, async (service) => {
      const list = await service.listAssignments(name);
      if (options.json) {
        process.stdout.write(
          `${JSON.stringify({ app: name, assignments: list.map(assignmentEntry) }, null, 2)}\n`,
        );
        return;
      }
      if (list.length === 0) {
        process.stderr.write(`no assignments to '${name}'\n`);
        return;
      }
      const rows = list.map((a) => [
        a.principalType,
        a.principalName ?? '',
        a.principalId,
        a.role,
        a.created.toISOString(),
      ]);
      process.stdout.write(table(['TYPE', 'NAME', 'ID', 'ROLE', 'ASSIGNED'], rows));
    });
  });
}
