/**
 * How the admin API's event streams of one `serve` process hear the engine events of the others
 * (`serve --workers N`, or several servers on one PostgreSQL database): each process publishes
 * its own events and delivers the others', never its own back. PostgreSQL carries them with
 * NOTIFY (pg-event-relay.ts); SQLite, which has no NOTIFY, in a table each process polls
 * (sqlite-event-relay.ts). Delivery is best effort, as an event stream's is: a process that was
 * away misses what was said meanwhile, and a client reads the status afresh when it reconnects.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { ProvisioDatabase } from '../../engine/state/open-engine-state.js';
import { readWireEvent, type WireEvent } from './event-messages.js';
import { openPgEventRelay } from './pg-event-relay.js';
import { SqliteEventRelay } from './sqlite-event-relay.js';

export interface EventRelay {
  /** Sends this process's events to the others, in order. */
  publish(events: readonly WireEvent[]): Promise<void>;
  /** Delivers other processes' events to `listener` from now on; answers the unsubscribe. */
  subscribe(listener: (event: WireEvent) => void): () => void;
  close(): Promise<void>;
}

/** This process's name on the relay: host, pid and a random part (pids are reused). */
export function relayOrigin(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** One published message: who sent it and its events, in order. */
export interface RelayMessage {
  readonly origin: string;
  readonly events: readonly WireEvent[];
}

/** A message read back; undefined when it is not one (anything else on the channel or table). */
export function readRelayMessage(text: string): RelayMessage | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const { origin, events } = (parsed ?? {}) as { origin?: unknown; events?: unknown };
  if (typeof origin !== 'string' || !Array.isArray(events)) return undefined;
  const read = events.map(readWireEvent);
  if (read.some((event) => event === undefined)) return undefined;
  return { origin, events: read as WireEvent[] };
}

export interface EventRelayOptions {
  /** PostgreSQL's connection URL and schema, for the LISTEN connection and the channel name. */
  readonly postgresUrl?: string;
  readonly postgresSchema?: string;
  readonly origin?: string;
  /** How often SQLite is polled while anyone listens (default 100 ms). */
  readonly pollMs?: number;
}

/** The relay for the database's dialect. */
export async function openEventRelay(
  database: ProvisioDatabase,
  options: EventRelayOptions = {},
): Promise<EventRelay> {
  const origin = options.origin ?? relayOrigin();
  const shared = database.shared;
  if (shared.dialect.name === 'postgres') {
    if (options.postgresUrl === undefined)
      throw new Error('openEventRelay: PostgreSQL needs its connection URL');
    const channel =
      `provisio_events${options.postgresSchema !== undefined ? `_${options.postgresSchema.toLowerCase()}` : ''}`.slice(
        0,
        63,
      );
    return openPgEventRelay(shared, options.postgresUrl, channel, origin);
  }
  return new SqliteEventRelay(shared, origin, options.pollMs ?? 100);
}
