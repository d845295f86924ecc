/**
 * Fans the engine's events out to whoever listens in this process: the webhook notifier, the
 * runner's log, the admin API's Server-Sent Events and its view of running cycles. The engine calls
 * one sink; listeners come and go (a console tab opens and closes its event stream).
 */
import type { EngineEvent, EngineEventSink } from '../cycle/engine-service.js';

export interface EngineEventBus {
  /** The sink to hand the engine service. Never throws: a failing listener is skipped. */
  readonly emit: EngineEventSink;
  /** Adds a listener; answers the function that removes it. */
  subscribe(listener: EngineEventSink): () => void;
}

export function createEngineEventBus(): EngineEventBus {
  const listeners = new Set<EngineEventSink>();
  return {
    emit: (event: EngineEvent) => {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch {
          // One listener failing must not keep the event from the others, nor break the cycle.
        }
      }
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
