/**
 * `provisio tokens create --name NAME [--read-only]`, `tokens list`, `tokens revoke NAME`.
 * They open the same store as `serve` (same --data-dir / --database) and work while it runs:
 * SQLite in WAL mode lets this process write while the server holds the database open.
 */
import type { Command } from 'commander';
import { CommanderError } from 'commander';
import type { DirectoryStore } from '../../directory/directory-store.js';
import { isScimError } from '../../scim/scim-error.js';
import { openDirectory } from '../../main.js';
import { issueToken } from '../../server/api-token.js';
import { ExitCode } from '../exit-code.js';
import { displayName } from './option-parsers.js';
import { addStorageOptions, storageOptionsFrom } from './storage-options.js';

interface StorageFlags {
  dataDir?: string;
  database?: string;
}

async function withStore<T>(flags: StorageFlags, work: (store: DirectoryStore) => Promise<T>): Promise<T> {
  const store = await openDirectory(storageOptionsFrom(flags));
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** Reports on stderr and stops with exit code 1 (run() turns CommanderError into the code). */
function fail(message: string): never {
  process.stderr.write(`provisio: ${message}\n`);
  throw new CommanderError(ExitCode.failed, 'provisio.tokens.failed', message);
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** Registers `tokens` and its subcommands. */
export function register(program: Command): void {
  const tokens = program.command('tokens').description('Manage the bearer tokens of the SCIM API');

  addStorageOptions(
    tokens
      .command('create')
      .description('Create a token and print it once on stdout (only its hash is stored)')
      .requiredOption(
        '--name <name>',
        'a unique name for the token, e.g. the client that uses it',
        displayName,
      )
      .option('--read-only', 'allow only reads (GET and POST .search)'),
  ).action(async (options: StorageFlags & { name: string; readOnly?: boolean }) => {
    const name = options.name;
    await withStore(options, async (store) => {
      try {
        const issued = await issueToken(store, name, options.readOnly ? 'read-only' : 'read-write');
        process.stdout.write(`${issued.token}\n`);
      } catch (error) {
        if (isScimError(error) && error.status === 409) fail(`a token named "${name}" already exists`);
        throw error;
      }
    });
  });

  addStorageOptions(
    tokens.command('list').description('List tokens: name, scope, created, last used (never the secret)'),
  ).action(async (options: StorageFlags) => {
    await withStore(options, async (store) => {
      const records = await store.listTokens();
      if (records.length === 0) {
        process.stderr.write('no tokens\n');
        return;
      }
      const width = Math.max(4, ...records.map((r) => r.name.length));
      process.stdout.write(`${pad('NAME', width)}  ${pad('SCOPE', 10)}  ${pad('CREATED', 24)}  LAST USED\n`);
      for (const r of records) {
        const lastUsed = r.lastUsed ? r.lastUsed.toISOString() : 'never';
        process.stdout.write(
          `${pad(r.name, width)}  ${pad(r.scope, 10)}  ${pad(r.created.toISOString(), 24)}  ${lastUsed}\n`,
        );
      }
    });
  });

  addStorageOptions(
    tokens
      .command('revoke')
      .description('Revoke (delete) a token by name')
      .argument('<name>', 'the token name', displayName),
  ).action(async (name: string, options: StorageFlags) => {
    await withStore(options, async (store) => {
      if (!(await store.revokeToken(name))) fail(`no token named "${name}"`);
      process.stderr.write(`revoked token "${name}"\n`);
    });
  });
}
