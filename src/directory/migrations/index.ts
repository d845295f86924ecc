import { migration0001 } from './0001-initial.js';
import { migration0002 } from './0002-resource-counts.js';
import { migration0003 } from './0003-user-name-index-by-type.js';
import { migration0004 } from './0004-hash-cleartext-passwords.js';
import { migration0005 } from './0005-assignment-roles.js';
import { migration0006 } from './0006-token-audience.js';
import { migration0007 } from './0007-reference-display.js';
import type { Migration } from './migration.js';

/** Every migration, in id order. Append new ones; never edit or renumber an applied one. */
export const migrations: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
  migration0007,
];
