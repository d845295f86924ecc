/**
 * Builds the engine over an open directory: its state store in the same database and the engine
 * service, with the lease holder name and the event sink of the process that runs it (`serve`
 * or one CLI command). The one place that knows how the engine's parts are put together.
 */
import type { DirectoryStore } from '../../directory/directory-store.js';
import type { EngineEventSink, EngineService } from '../cycle/engine-service.js';
import type { EngineStateStore } from '../state/engine-state.js';

export interface AssembleEngineOptions {
  /** The lease holder name of this process (engine-runner.ts `leaseHolderName`). */
  readonly holder: string;
  /** Receives quarantine, held-deletion and escrow events (the webhook notifier). */
  readonly onEvent?: EngineEventSink;
}

export interface AssembledEngine {
  readonly state: EngineStateStore;
  readonly engine: EngineService;
  /** Releases what the engine holds; the directory store stays open (its owner closes it). */
  close(): Promise<void>;
}

/** Thrown while this build has no engine service to assemble. */
export class EngineUnavailableError extends Error {
  constructor() {
    super('the provisioning engine is not part of this build');
    this.name = 'EngineUnavailableError';
  }
}

export async function assembleEngine(
  _directory: DirectoryStore,
  _options: AssembleEngineOptions,
): Promise<AssembledEngine> {
  throw new EngineUnavailableError();
}
