import type { Migration } from './migration.js';

/**
 * `reference_display`: the text a reference to this resource shows as its `display` (RFC 7643
 * §4.2 members, §4.1.2 groups): the displayName as given, else the userName, else null. Written
 * with every write of the attributes (resource-columns.ts, extractColumns), so a group's members
 * are read without extracting two values from each member's JSON per row: at 100,000 members the
 * `json_extract` pair was most of the members query's time. Only string values count, as a SCIM
 * resource holds them (the schema validates both attributes as strings); existing rows are filled
 * here by the same rule.
 */
export const migration0007: Migration = {
  id: 7,
  name: 'reference display',
  statements: {
    sqlite: [
      `ALTER TABLE resources ADD COLUMN reference_display TEXT`,
      `UPDATE resources SET reference_display = CASE
        WHEN json_type(attributes, '$.displayName') = 'text' THEN json_extract(attributes, '$.displayName')
        WHEN json_type(attributes, '$.userName') = 'text' THEN json_extract(attributes, '$.userName')
      END`,
    ],
    postgres: [
      `ALTER TABLE resources ADD COLUMN reference_display TEXT`,
      `UPDATE resources SET reference_display = CASE
        WHEN jsonb_typeof(attributes -> 'displayName') = 'string' THEN attributes ->> 'displayName'
        WHEN jsonb_typeof(attributes -> 'userName') = 'string' THEN attributes ->> 'userName'
      END`,
    ],
  },
};
