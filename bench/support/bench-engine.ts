/**
 * The engine as the engine-level benchmarks run it: the app compiled and stored (full sync
 * required) in the benchmark's database, and an engine service with default options that loads
 * it with the already-open connector.
 */
import type { AppDefinition } from '../../src/engine/apps/app-definition.js';
import { compileApp } from '../../src/engine/apps/compile-app.js';
import { createEngineService } from '../../src/engine/cycle/create-engine-service.js';
import type { EngineService } from '../../src/engine/cycle/engine-service.js';
import type { ProvisioDatabase } from '../../src/engine/state/open-engine-state.js';
import type { Connector } from '../../src/connectors/spi/index.js';

export async function startBenchEngine(
  database: ProvisioDatabase,
  definition: AppDefinition,
  connector: Connector,
): Promise<{ engine: EngineService; appId: string }> {
  const compiled = compileApp(definition);
  if (!compiled.ok) throw new Error(compiled.issues.map((i) => i.message).join('\n'));
  const stored = await database.engineState.putApp({
    definition,
    sealedCredentials: null,
    fullSyncRequired: true,
  });
  const engine = createEngineService({
    directory: database.directory,
    state: database.engineState,
    loadApp: async () => ({
      stored: (await database.engineState.getApp(definition.name))!,
      compiled: compiled.app,
      connector,
    }),
  });
  return { engine, appId: stored.id };
}
