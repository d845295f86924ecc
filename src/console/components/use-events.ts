/**
 * The engine's live events (GET /admin/v1/events, Server-Sent Events), one EventSource for the
 * whole console however many components listen, closed when the last one leaves. Each event is
 * normalised into what the pages act on: progress of a running cycle, a cycle that finished, or
 * some other change of an app's state (paused, held, quarantined).
 */
import { useEffect, useRef } from 'react';
import { apiUrl } from '../api/client.js';
import type { JsonObject } from '../api/types.js';

export type ConsoleEvent =
  | { kind: 'progress'; app: string; cycleId: string; done: number; total?: number; phase?: string }
  | { kind: 'finished'; app: string; cycleId: string; status: string; data: JsonObject }
  | { kind: 'state'; app: string; type: string; data: JsonObject };

type Listener = (event: ConsoleEvent) => void;
const listeners = new Set<Listener>();
let source: EventSource | undefined;

const EVENT_TYPES = [
  'progress',
  'cycleProgress',
  'cycle.progress',
  'cycleStarted',
  'cycle.started',
  'cycleFinished',
  'cycleFailed',
  'cycle.finished',
  'quarantined',
  'quarantineLifted',
  'deletionsHeld',
  'deletionsApproved',
  'escrowed',
  'paused',
  'resumed',
  'appChanged',
];

/** One event as the console uses it, or undefined for what it does not show. */
export function normaliseEvent(type: string, data: JsonObject): ConsoleEvent | undefined {
  const name = typeof data.type === 'string' && type === 'message' ? data.type : type;
  const app = typeof data.app === 'string' ? data.app : undefined;
  if (app === undefined) return undefined;
  const cycleId = typeof data.cycleId === 'string' ? data.cycleId : '';
  if (/progress|started/i.test(name)) {
    return {
      kind: 'progress',
      app,
      cycleId,
      done: typeof data.done === 'number' ? data.done : 0,
      ...(typeof data.total === 'number' ? { total: data.total } : {}),
      ...(typeof data.phase === 'string' ? { phase: data.phase } : {}),
    };
  }
  if (/finished/i.test(name)) {
    const report = (data.report ?? {}) as JsonObject;
    const status =
      typeof data.status === 'string'
        ? data.status
        : typeof report.status === 'string'
          ? report.status
          : 'completed';
    return { kind: 'finished', app, cycleId: cycleId || String(report.cycleId ?? ''), status, data };
  }
  return { kind: 'state', app, type: name, data };
}

function dispatch(type: string, raw: string): void {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return;
  }
  if (data === null || typeof data !== 'object') return;
  const event = normaliseEvent(type, data as JsonObject);
  if (event) for (const listener of listeners) listener(event);
}

function open(): void {
  if (source) return;
  source = new EventSource(apiUrl('/events'), { withCredentials: true });
  source.onmessage = (message) => dispatch('message', message.data as string);
  for (const type of EVENT_TYPES) {
    source.addEventListener(type, (message) => dispatch(type, (message as MessageEvent).data as string));
  }
}

/** Calls `onEvent` for events of `app` (every app when undefined). */
export function useAppEvents(app: string | undefined, onEvent: Listener): void {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    const listener: Listener = (event) => {
      if (app === undefined || event.app === app) handler.current(event);
    };
    listeners.add(listener);
    open();
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) {
        source?.close();
        source = undefined;
      }
    };
  }, [app]);
}
