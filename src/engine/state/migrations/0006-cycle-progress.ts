import type { Migration } from '../../../directory/migrations/migration.js';

/**
 * How far a running cycle got (objects done, and the total when known), kept on its row so that
 * any process on the database can show it: with `serve --workers N`, or a `provisio sync` in a
 * process of its own, the process that answers a status request is often not the one running the
 * cycle. The runner writes the counters at a bounded rate (cycle/cycle-progress-recorder.ts);
 * both are null until its first write and on cycles from before this migration.
 */
const statements = [
  `ALTER TABLE engine_cycles ADD COLUMN progress_done BIGINT`,
  `ALTER TABLE engine_cycles ADD COLUMN progress_total BIGINT`,
];

export const engineMigration0006: Migration = {
  id: 6,
  name: 'running cycle progress',
  statements: { sqlite: statements, postgres: statements },
};
