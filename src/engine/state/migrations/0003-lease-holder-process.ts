import type { Migration } from '../../../directory/migrations/migration.js';

/**
 * The process that holds a lease (host and pid), so that a worker on the same host can tell a
 * holder that was killed from one that is still working and take the app over at once. Leases
 * taken before this migration have neither and expire as before.
 */
const statements = [
  `ALTER TABLE engine_leases ADD COLUMN holder_host TEXT`,
  `ALTER TABLE engine_leases ADD COLUMN holder_pid BIGINT`,
];

export const engineMigration0003: Migration = {
  id: 3,
  name: 'lease holder process',
  statements: { sqlite: statements, postgres: statements },
};
