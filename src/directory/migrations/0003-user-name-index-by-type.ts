import type { Migration } from './migration.js';

/**
 * The unique userName index leads with the resource type. Uniqueness is the same (only users have
 * a user_name), `userName eq` lookups use it as before, and a list of users sorted by userName
 * reads it in order: with user_name alone the planner preferred another `resource_type` index
 * and sorted every user for one page.
 */
const statements = [
  `DROP INDEX resources_user_name_unique`,
  `CREATE UNIQUE INDEX resources_user_name_unique ON resources (resource_type, user_name)`,
];

export const migration0003: Migration = {
  id: 3,
  name: 'userName index by type',
  statements: { sqlite: statements, postgres: statements },
};
