import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { openProvisioDatabase } from '../../src/engine/state/open-engine-state.js';
import type { ProvisioDatabase } from '../../src/engine/state/open-engine-state.js';
import { engineMigrations } from '../../src/engine/state/migrations/index.js';
import { dropSchema, randomSchemaName, TEST_PG_URL } from '../directory/store-harness.js';
import { postgresStateFactory } from './state-harness.js';
import { definition } from './state-fixtures.js';
import { engineStateSuite } from './state-suite.js';

const url = TEST_PG_URL;

if (url !== undefined && url !== '') {
  describe('EngineStateStore on PostgreSQL', () => {
    engineStateSuite(postgresStateFactory(url));
  });

  describe('EngineStateStore on PostgreSQL, opening', () => {
    const schemas: string[] = [];
    afterAll(async () => {
      for (const schema of schemas) await dropSchema(url, schema);
    });

    it('applies the engine migrations once when several stores start at the same time', async () => {
      const schema = randomSchemaName();
      schemas.push(schema);
      const opened: ProvisioDatabase[] = await Promise.all(
        Array.from({ length: 4 }, () =>
          openProvisioDatabase({ postgresUrl: url, postgresSchema: schema, poolSize: 2, listen: false }),
        ),
      );
      try {
        const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
        await client.connect();
        const rows = await client.query('SELECT id FROM provisio_engine_migrations ORDER BY id');
        await client.end();
        expect(rows.rows.map((r: { id: number }) => r.id)).toEqual(engineMigrations.map((m) => m.id));
        const app = await opened[1]!.engineState.putApp({
          definition: definition('shared'),
          sealedCredentials: null,
          fullSyncRequired: false,
        });
        expect((await opened[3]!.engineState.getApp('shared'))?.id).toBe(app.id);
      } finally {
        for (const database of opened) await database.close();
      }
    });
  });
} else {
  describe.skip('EngineStateStore on PostgreSQL (set PROVISIO_TEST_PG_URL to run)', () => {
    engineStateSuite(postgresStateFactory(''));
  });
}
