/**
 * The storage options shared by `serve` and `tokens`: `--data-dir DIR` (SQLite) and
 * `--database postgres://...` (or PROVISIO_DATABASE_URL).
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import type { SqliteSynchronous } from '../../directory/open-store.js';
import type { StorageOptions } from '../../main.js';
import { directoryPath, postgresUrl } from './option-parsers.js';

/** The environment variable that selects PostgreSQL when `--database` is not given. */
export const DATABASE_URL_ENV = 'PROVISIO_DATABASE_URL';

/** The `--sqlite-sync` levels, as SQLite's `synchronous` pragma names them. */
export const SQLITE_SYNC_LEVELS: readonly SqliteSynchronous[] = ['full', 'normal'];

/** Adds `--data-dir`, `--sqlite-sync` and `--database` to a command. */
export function addStorageOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--data-dir <dir>', 'directory holding the SQLite database (created if missing)')
        .argParser(directoryPath)
        .default('./data'),
    )
    .addOption(
      new Option(
        '--sqlite-sync <level>',
        'SQLite durability: full (every acknowledged write survives a power loss) or normal (survives a process crash; faster)',
      )
        .choices(SQLITE_SYNC_LEVELS)
        .default('full'),
    )
    .addOption(
      new Option('--database <url>', 'PostgreSQL connection URL (postgres://...); default: SQLite')
        .env(DATABASE_URL_ENV)
        .argParser(postgresUrl),
    );
}

/** Reads the parsed options into StorageOptions. */
export function storageOptionsFrom(options: {
  dataDir?: string;
  database?: string;
  sqliteSync?: SqliteSynchronous;
}): StorageOptions {
  return {
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    ...(options.sqliteSync !== undefined ? { sqliteSynchronous: options.sqliteSync } : {}),
    // An empty URL (PROVISIO_DATABASE_URL= in an environment file) means SQLite.
    ...(options.database !== undefined && options.database !== '' ? { databaseUrl: options.database } : {}),
  };
}
