/**
 * The engine service over one real connector, on a fresh in-memory database: what the connectors'
 * end-to-end tests drive. The app is stored as given and each cycle loads it as `serve` does (the
 * stored definition, compiled); `redefine` stores a changed definition for the next cycle.
 * Retries are fast and jitter is seeded, so a run is quick and reproducible.
 */
import type { Connector } from '../../src/connectors/spi/index.js';
import type { AppDefinition } from '../../src/engine/apps/app-definition.js';
import { compileApp } from '../../src/engine/apps/compile-app.js';
import {
  createEngineService,
  type EngineServiceOptions,
} from '../../src/engine/cycle/create-engine-service.js';
import type { EngineService } from '../../src/engine/cycle/engine-service.js';
import type { DirectoryStore } from '../../src/directory/directory-store.js';
import type { EngineStateStore } from '../../src/engine/state/engine-state.js';
import { TestClock, mulberry } from '../engine/support/engine-harness.js';
import { openTestState } from '../engine/support/open-test-state.js';

export interface ConnectorEngine {
  readonly directory: DirectoryStore;
  readonly state: EngineStateStore;
  readonly engine: EngineService;
  readonly clock: TestClock;
  readonly appId: string;
  readonly app: string;
  /** Stores the changed definition; the next cycle runs it. */
  redefine(change: (definition: AppDefinition) => AppDefinition): Promise<void>;
  /** Closes the connector, then the database. */
  close(): Promise<void>;
}

export async function connectorEngine(options: {
  readonly definition: AppDefinition;
  readonly connector: Connector;
  /** The seed of the jitter and the expressions' randomness. */
  readonly seed: number;
  readonly holder?: string;
  readonly retry?: EngineServiceOptions['retry'];
}): Promise<ConnectorEngine> {
  const opened = await openTestState();
  const { connector } = options;
  const clock = new TestClock();
  let definition = options.definition;
  let stored = await opened.state.putApp({ definition, sealedCredentials: null, fullSyncRequired: true });
  const engine = createEngineService({
    directory: opened.directory,
    state: opened.state,
    loadApp: async () => {
      stored = (await opened.state.getApp(definition.name)) ?? stored;
      const compiled = compileApp(stored.definition);
      if (!compiled.ok) throw new Error(compiled.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
      return { stored, compiled: compiled.app, connector };
    },
    clock,
    random: mulberry(options.seed),
    retry: options.retry ?? { baseDelayMs: 1, maxDelayMs: 100, escrowBaseMs: 100, escrowMaxMs: 1000 },
    holder: options.holder ?? 'worker-1',
  });
  return {
    directory: opened.directory,
    state: opened.state,
    engine,
    clock,
    appId: stored.id,
    app: definition.name,
    async redefine(change) {
      definition = change(definition);
      stored = await opened.state.putApp({
        definition,
        sealedCredentials: null,
        fullSyncRequired: stored.fullSyncRequired,
      });
    },
    async close() {
      await connector.close?.();
      await opened.close();
    },
  };
}
