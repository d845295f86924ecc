import type { Migration } from '../../../directory/migrations/migration.js';

/**
 * When the lease holder's process started (LeaseProcess.started), so that a pid the kernel has
 * since given to an unrelated process is not mistaken for the holder still running. Leases
 * written before this migration, or by a process that could not read its start time, have none
 * and are judged by the pid alone, as before.
 */
const statements = [`ALTER TABLE engine_leases ADD COLUMN holder_started TEXT`];

export const engineMigration0005: Migration = {
  id: 5,
  name: 'lease holder start time',
  statements: { sqlite: statements, postgres: statements },
};
