import type { Migration } from '../../../directory/migrations/migration.js';
import { engineMigration0001 } from './0001-engine-state.js';
import { engineMigration0002 } from './0002-pauses-and-log-keysets.js';
import { engineMigration0003 } from './0003-lease-holder-process.js';
import { engineMigration0004 } from './0004-log-object-buckets.js';
import { engineMigration0005 } from './0005-lease-holder-start.js';
import { engineMigration0006 } from './0006-cycle-progress.js';

/**
 * The engine's migrations, in id order: numbered on their own and booked in
 * `ENGINE_MIGRATIONS_TABLE`, run by the directory's runner. Append new ones; never edit or
 * renumber an applied one.
 */
export const engineMigrations: readonly Migration[] = [
  engineMigration0001,
  engineMigration0002,
  engineMigration0003,
  engineMigration0004,
  engineMigration0005,
  engineMigration0006,
];

/** Where applied engine migrations are booked (the directory's are in `provisio_migrations`). */
export const ENGINE_MIGRATIONS_TABLE = 'provisio_engine_migrations';
