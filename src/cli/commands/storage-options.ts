/**
 * The storage options every command that opens the database shares: `--data-dir DIR` (SQLite),
 * `--database postgres://...` (or PROVISIO_DATABASE_URL) and the schema to use in it,
 * `--database-schema NAME` (or PROVISIO_DATABASE_SCHEMA).
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import type { SqliteSynchronous } from '../../directory/open-store.js';
import type { StorageOptions } from '../../main.js';
import { directoryPath, postgresSchemaName, postgresUrl } from './option-parsers.js';

/** The environment variable that selects PostgreSQL when `--database` is not given. */
export const DATABASE_URL_ENV = 'PROVISIO_DATABASE_URL';

/** The environment variable naming the PostgreSQL schema when `--database-schema` is not given. */
export const DATABASE_SCHEMA_ENV = 'PROVISIO_DATABASE_SCHEMA';

/** The `--sqlite-sync` levels, as SQLite's `synchronous` pragma names them. */
export const SQLITE_SYNC_LEVELS: readonly SqliteSynchronous[] = ['full', 'normal'];

/** Adds `--data-dir`, `--sqlite-sync`, `--database` and `--database-schema` to a command. */
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
    )
    .addOption(
      new Option(
        '--database-schema <name>',
        "PostgreSQL schema for Provisio's tables (created if missing); default: the connection's search_path",
      )
        .env(DATABASE_SCHEMA_ENV)
        .argParser(postgresSchemaName),
    )
    .hook('preAction', (parsed) => {
      const problem = schemaWithoutPostgres(parsed.opts());
      if (problem !== undefined) parsed.error(`error: ${problem}`);
    });
}

/**
 * Why the options cannot go together, if they cannot: a schema is a PostgreSQL setting, and with
 * SQLite it would be ignored, the data landing somewhere other than where the operator asked.
 */
function schemaWithoutPostgres(options: { database?: string; databaseSchema?: string }): string | undefined {
  if (options.databaseSchema === undefined || options.databaseSchema === '') return undefined;
  if (options.database !== undefined && options.database !== '') return undefined;
  return `--database-schema (or ${DATABASE_SCHEMA_ENV}) needs a PostgreSQL --database (or ${DATABASE_URL_ENV}); SQLite has no schemas`;
}

/** Reads the parsed options into StorageOptions (the command's hook has refused a bad pair already). */
export function storageOptionsFrom(options: {
  dataDir?: string;
  database?: string;
  databaseSchema?: string;
  sqliteSync?: SqliteSynchronous;
}): StorageOptions {
  const problem = schemaWithoutPostgres(options);
  if (problem !== undefined) throw new Error(problem);
  const postgres = options.database !== undefined && options.database !== '';
  const schema = options.databaseSchema !== undefined && options.databaseSchema !== '';
  return {
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    ...(options.sqliteSync !== undefined ? { sqliteSynchronous: options.sqliteSync } : {}),
    // An empty URL (PROVISIO_DATABASE_URL= in an environment file) means SQLite.
    ...(postgres ? { databaseUrl: options.database } : {}),
    ...(schema ? { postgresSchema: options.databaseSchema } : {}),
  };
}
