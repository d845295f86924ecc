import { describe } from 'vitest';
import { TEST_PG_URL } from '../directory/store-harness.js';
import { postgresStateFactory } from './state-harness.js';
import { engineStateSuite } from './state-suite.js';

const url = TEST_PG_URL;

if (url !== undefined && url !== '') {
  describe('EngineStateStore on PostgreSQL', () => {
    engineStateSuite(postgresStateFactory(url));
  });
} else {
  describe.skip('EngineStateStore on PostgreSQL (set PROVISIO_TEST_PG_URL to run)', () => {
    engineStateSuite(postgresStateFactory(''));
  });
}
