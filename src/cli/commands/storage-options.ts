/**
 * The storage options shared by `serve` and `tokens`: `--data-dir DIR` (SQLite) and
 * `--database postgres://...` (or PROVISIO_DATABASE_URL).
 */
import type { Command } from 'commander';
import type { StorageOptions } from '../../main.js';

/** The environment variable that selects PostgreSQL when `--database` is not given. */
export const DATABASE_URL_ENV = 'PROVISIO_DATABASE_URL';

/** Adds `--data-dir` and `--database` to a command. */
export function addStorageOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'directory holding the SQLite database', './data')
    .option(
      '--database <url>',
      `PostgreSQL connection URL (postgres://...); default: $${DATABASE_URL_ENV}, else SQLite`,
    );
}

/** Reads the parsed options into StorageOptions. */
export function storageOptionsFrom(options: { dataDir?: string; database?: string }): StorageOptions {
  const databaseUrl = options.database ?? process.env[DATABASE_URL_ENV];
  return {
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    ...(databaseUrl !== undefined && databaseUrl.length > 0 ? { databaseUrl } : {}),
  };
}
