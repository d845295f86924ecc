/**
 * `provisio tokens create --name NAME [--read-only | --admin [--role R]]`, `tokens list`,
 * `tokens revoke NAME`. A token opens one API: SCIM (the default) or, with `--admin`, the admin
 * API with a role. They open the same database as `serve` (same --data-dir / --database) and work
 * while it runs; every create and revoke is written to the audit log with the OS user.
 */
import type { Command } from 'commander';
import { CommanderError, InvalidArgumentError, Option } from 'commander';
import { createAuditedToken, revokeAuditedToken } from '../../admin/access/token-changes.js';
import { ADMIN_ROLES, type AdminRole } from '../../admin/admin-route.js';
import { isScimError } from '../../scim/scim-error.js';
import { ExitCode } from '../exit-code.js';
import { cliActor, table, type StorageFlags } from './command-support.js';
import { displayName } from './option-parsers.js';
import { addStorageOptions } from './storage-options.js';
import { withDatabase } from './with-database.js';

/** Reports on stderr and stops with exit code 1 (run() turns CommanderError into the code). */
function fail(message: string): never {
  process.stderr.write(`provisio: ${message}\n`);
  throw new CommanderError(ExitCode.failed, 'provisio.tokens.failed', message);
}

interface CreateFlags extends StorageFlags {
  name: string;
  readOnly?: boolean;
  admin?: boolean;
  role?: AdminRole;
}

/** The scope the flags ask for; a contradiction is a usage error, reported before anything opens. */
function scopeOf(options: CreateFlags): 'read-only' | 'read-write' | AdminRole {
  if (options.admin) {
    if (options.readOnly) {
      throw new InvalidArgumentError(
        '--read-only is for SCIM tokens; give an admin token --role viewer instead',
      );
    }
    return options.role ?? 'admin';
  }
  if (options.role !== undefined)
    throw new InvalidArgumentError('--role needs --admin: SCIM tokens have no role');
  return options.readOnly ? 'read-only' : 'read-write';
}

/** Registers `tokens` and its subcommands. */
export function register(program: Command): void {
  const tokens = program
    .command('tokens')
    .description('Manage the bearer tokens of the SCIM API and the admin API');

  const create = tokens
    .command('create')
    .description('Create a token and print it once on stdout (only its hash is stored)')
    .requiredOption('--name <name>', 'a unique name for the token, e.g. the client that uses it', displayName)
    .option('--read-only', 'a SCIM token that allows only reads (GET and POST .search)')
    .option('--admin', 'a token for the admin API (/admin/v1) instead of SCIM')
    .addOption(
      new Option('--role <role>', "the admin token's role (with --admin; default admin)").choices(
        ADMIN_ROLES,
      ),
    );
  addStorageOptions(create).action(async (options: CreateFlags) => {
    let scope: ReturnType<typeof scopeOf>;
    try {
      scope = scopeOf(options);
    } catch (error) {
      create.error(`error: ${(error as Error).message}`, {
        exitCode: ExitCode.usage,
        code: 'provisio.tokens.usage',
      });
    }
    const name = options.name;
    await withDatabase(options, async (database) => {
      try {
        const issued = await createAuditedToken(
          database,
          { name, scope, audience: options.admin ? 'admin' : 'scim' },
          cliActor(),
        );
        process.stdout.write(`${issued.token}\n`);
      } catch (error) {
        if (isScimError(error) && error.status === 409) fail(`a token named "${name}" already exists`);
        throw error;
      }
    });
  });

  addStorageOptions(
    tokens
      .command('list')
      .description(
        "List tokens: name, kind (scim or admin), scope (a SCIM token's) or role (an admin token's), created, last used; never the secret",
      ),
  ).action(async (options: StorageFlags) => {
    await withDatabase(options, async (database) => {
      const records = await database.directory.listTokens();
      if (records.length === 0) {
        process.stderr.write('no tokens\n');
        return;
      }
      const rows = records.map((r) => [
        r.name,
        r.audience,
        r.scope,
        r.created.toISOString(),
        r.lastUsed ? r.lastUsed.toISOString() : 'never',
      ]);
      process.stdout.write(table([['NAME', 'KIND', 'SCOPE', 'CREATED', 'LAST USED'], ...rows]));
    });
  });

  addStorageOptions(
    tokens
      .command('revoke')
      .description('Revoke (delete) a token of either kind by name')
      .argument('<name>', 'the token name', displayName),
  ).action(async (name: string, options: StorageFlags) => {
    await withDatabase(options, async (database) => {
      const revoked = await revokeAuditedToken(database, name, cliActor());
      if (revoked === undefined) fail(`no token named "${name}"`);
      process.stderr.write(`revoked ${revoked.audience} token "${name}"\n`);
    });
  });
}
