import { describe } from 'vitest';
import { sqliteStateFactory } from './state-harness.js';
import { engineStateSuite } from './state-suite.js';

describe('EngineStateStore on SQLite (temp file)', () => {
  engineStateSuite(sqliteStateFactory());
});
