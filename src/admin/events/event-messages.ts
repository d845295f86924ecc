/**
 * The engine's events as Server-Sent Events messages (`event:` the type, `data:` one JSON line),
 * the shapes docs/admin-api.md lists. A finished cycle's failures are counted, not listed: the log
 * route has them, and one event must stay small.
 */
import type { EngineEvent } from '../../engine/cycle/engine-service.js';

/** A change of an app's state made by an operator, not the engine (pause, resume). */
export interface ControlEvent {
  readonly type: 'paused' | 'resumed';
  readonly app: string;
  readonly actor: string;
  readonly at: Date;
}

export type StreamEvent = EngineEvent | ControlEvent;

/** The JSON `data` of an event. */
export function eventData(event: StreamEvent): Record<string, unknown> {
  switch (event.type) {
    case 'cycleStarted':
      return {
        app: event.app,
        cycleId: event.cycleId,
        kind: event.kind,
        started: event.started.toISOString(),
      };
    case 'cycleProgress':
      return {
        app: event.app,
        cycleId: event.cycleId,
        done: event.done,
        ...(event.total !== undefined ? { total: event.total } : {}),
      };
    case 'cycleFinished': {
      const r = event.report;
      return {
        app: event.app,
        cycleId: r.cycleId,
        kind: r.kind,
        status: r.status,
        started: r.started.toISOString(),
        finished: r.finished.toISOString(),
        summary: r.summary,
        failures: r.failures.length,
        ...(r.hold !== undefined ? { held: { count: r.hold.count, threshold: r.hold.threshold } } : {}),
        ...(r.quarantine !== undefined
          ? { quarantine: { level: r.quarantine.level, nextAttempt: r.quarantine.nextAttempt.toISOString() } }
          : {}),
      };
    }
    case 'cycleFailed':
      return { app: event.app, cycleId: event.cycleId, error: event.error };
    case 'quarantined':
      return {
        app: event.app,
        level: event.quarantine.level,
        reason: event.quarantine.reason,
        nextAttempt: event.quarantine.nextAttempt.toISOString(),
      };
    case 'quarantineLifted':
      return { app: event.app };
    case 'deletionsHeld':
      return {
        app: event.app,
        cycleId: event.hold.cycleId,
        count: event.hold.count,
        threshold: event.hold.threshold,
      };
    case 'escrowed':
      return {
        app: event.app,
        objectType: event.escrow.objectType,
        sourceId: event.escrow.sourceId,
        attempts: event.escrow.attempts,
      };
    case 'paused':
    case 'resumed':
      return { app: event.app, actor: event.actor, at: event.at.toISOString() };
  }
}

/**
 * An event as it travels: its type, app and cycle (what streams filter and throttle on) and the
 * `data` it is sent with. Local events become one once (toWireEvent); events of other processes
 * arrive as one (event-relay.ts), so a stream treats both alike.
 */
export interface WireEvent {
  readonly type: StreamEvent['type'];
  readonly app: string;
  /** The cycle it belongs to, for the cycle events. */
  readonly cycleId?: string;
  readonly data: Record<string, unknown>;
}

export function toWireEvent(event: StreamEvent): WireEvent {
  const cycleId =
    event.type === 'cycleFinished'
      ? event.report.cycleId
      : event.type === 'cycleStarted' || event.type === 'cycleProgress' || event.type === 'cycleFailed'
        ? event.cycleId
        : undefined;
  return {
    type: event.type,
    app: event.app,
    ...(cycleId !== undefined ? { cycleId } : {}),
    data: eventData(event),
  };
}

const WIRE_TYPES: ReadonlySet<string> = new Set<StreamEvent['type']>([
  'cycleStarted',
  'cycleProgress',
  'cycleFinished',
  'cycleFailed',
  'quarantined',
  'quarantineLifted',
  'deletionsHeld',
  'escrowed',
  'paused',
  'resumed',
]);

/** A wire event read back from another process, or undefined when `value` is not one. */
export function readWireEvent(value: unknown): WireEvent | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { type, app, cycleId, data } = value as Record<string, unknown>;
  if (typeof type !== 'string' || !WIRE_TYPES.has(type) || typeof app !== 'string') return undefined;
  if (cycleId !== undefined && typeof cycleId !== 'string') return undefined;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  return {
    type: type as WireEvent['type'],
    app,
    ...(cycleId !== undefined ? { cycleId } : {}),
    data: data as Record<string, unknown>,
  };
}

/** One SSE message. JSON has no raw newlines, so `data` is one line. */
export function sseMessage(event: WireEvent, id: number): string {
  return `id: ${id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}
