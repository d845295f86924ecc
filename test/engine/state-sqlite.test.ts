import { describe, expect, it } from 'vitest';
import { openProvisioDatabase } from '../../src/engine/state/open-engine-state.js';
import type { ProvisioDatabase } from '../../src/engine/state/open-engine-state.js';
import { useTempDatabaseFiles } from '../directory/store-harness.js';
import { sqliteStateFactory } from './state-harness.js';
import { definition, link } from './state-fixtures.js';
import { engineStateSuite } from './state-suite.js';

describe('EngineStateStore on SQLite (temp file)', () => {
  engineStateSuite(sqliteStateFactory());
});

describe('EngineStateStore on SQLite, opening', () => {
  const tempFile = useTempDatabaseFiles('provisio-state-open-');

  it("works on a private ':memory:' database", async () => {
    const database = await openProvisioDatabase({ sqliteFile: ':memory:' });
    try {
      const app = await database.engineState.putApp({
        definition: definition('mem'),
        sealedCredentials: null,
        fullSyncRequired: false,
      });
      await database.engineState.transaction(async (tx) => {
        await tx.putLinks([link(app.id, 'a'), link(app.id, 'b')]);
      });
      expect(await database.engineState.countLinks(app.id)).toBe(2);
    } finally {
      await database.close();
    }
  });

  it('migrates once when several processes open a new file at the same time', async () => {
    const file = tempFile();
    const opened: ProvisioDatabase[] = await Promise.all(
      Array.from({ length: 3 }, () => openProvisioDatabase({ sqliteFile: file })),
    );
    try {
      const app = await opened[0]!.engineState.putApp({
        definition: definition('shared'),
        sealedCredentials: null,
        fullSyncRequired: false,
      });
      expect((await opened[2]!.engineState.getApp('shared'))?.id).toBe(app.id);
    } finally {
      for (const database of opened) await database.close();
    }
  });
});
