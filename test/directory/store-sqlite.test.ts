import { describe } from 'vitest';
import { directoryFilterSuite } from './filter-suite.js';
import { directoryLargeFilterSuite } from './large-filter-suite.js';
import { sqliteFileFactory, sqliteMemoryFactory } from './store-harness.js';
import { directoryStoreSuite } from './store-suite.js';
import { directoryWritePathSuite } from './write-path-suite.js';

describe('DirectoryStore on SQLite (temp file)', () => {
  directoryStoreSuite(sqliteFileFactory());
  directoryFilterSuite(sqliteFileFactory(), 150);
  directoryLargeFilterSuite(sqliteFileFactory());
  directoryWritePathSuite(sqliteFileFactory());
});

describe("DirectoryStore on SQLite (':memory:')", () => {
  directoryStoreSuite(sqliteMemoryFactory());
  directoryFilterSuite(sqliteMemoryFactory(), 150);
  directoryWritePathSuite(sqliteMemoryFactory());
});
