import { describe } from 'vitest';
import { directoryFilterSuite } from './filter-suite.js';
import { sqliteFileFactory, sqliteMemoryFactory } from './store-harness.js';
import { directoryStoreSuite } from './store-suite.js';

describe('DirectoryStore on SQLite (temp file)', () => {
  directoryStoreSuite(sqliteFileFactory());
  directoryFilterSuite(sqliteFileFactory(), 150);
});

describe("DirectoryStore on SQLite (':memory:')", () => {
  directoryStoreSuite(sqliteMemoryFactory());
  directoryFilterSuite(sqliteMemoryFactory(), 150);
});
