/**
 * The storage options shared by `serve` and `tokens`: `--data-dir DIR` (SQLite) and
 * `--database postgres://...` (or PROVISIO_DATABASE_URL).
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { SqliteSynchronous } from '../../directory/open-store.js';
import type { StorageOptions } from '../../main.js';

/** The environment variable that selects PostgreSQL when `--database` is not given. */
export const DATABASE_URL_ENV = 'PROVISIO_DATABASE_URL';

function sqliteSync(value: string): SqliteSynchronous {
  if (value === 'full' || value === 'normal') return value;
  throw new InvalidArgumentError("expected 'full' or 'normal'");
}

/** Adds `--data-dir`, `--sqlite-sync` and `--database` to a command. */
export function addStorageOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'directory holding the SQLite database', './data')
    .option(
      '--sqlite-sync <level>',
      'SQLite durability: full (every acknowledged write survives a power loss) or normal (survives a process crash; faster)',
      sqliteSync,
      'full',
    )
    .option(
      '--database <url>',
      `PostgreSQL connection URL (postgres://...); default: $${DATABASE_URL_ENV}, else SQLite`,
    );
}

/** Reads the parsed options into StorageOptions. */
export function storageOptionsFrom(options: {
  dataDir?: string;
  database?: string;
  sqliteSync?: SqliteSynchronous;
}): StorageOptions {
  const databaseUrl = options.database ?? process.env[DATABASE_URL_ENV];
  return {
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    ...(options.sqliteSync !== undefined ? { sqliteSynchronous: options.sqliteSync } : {}),
    ...(databaseUrl !== undefined && databaseUrl.length > 0 ? { databaseUrl } : {}),
  };
}
