import type { Migration } from './migration.js';

/**
 * A token opens one API: `scim` (every token made before this migration) or `admin`, the admin
 * API under /admin/v1. Each API refuses the other's tokens, so the two kinds share one table, one
 * name space (`tokens revoke NAME` finds either) and one hashing rule. For an admin token, `scope`
 * holds its role.
 */
export const migration0006: Migration = {
  id: 6,
  name: 'token audience',
  statements: {
    sqlite: [
      `ALTER TABLE api_tokens ADD COLUMN audience TEXT NOT NULL DEFAULT 'scim' CHECK (audience IN ('scim', 'admin'))`,
    ],
    postgres: [
      `ALTER TABLE api_tokens ADD COLUMN audience TEXT NOT NULL DEFAULT 'scim' CHECK (audience IN ('scim', 'admin'))`,
    ],
  },
};
