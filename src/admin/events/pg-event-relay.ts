/**
 * The event relay on PostgreSQL: each batch is one NOTIFY on the database's events channel (sent
 * on the pool), heard by every process's LISTEN connection. A NOTIFY payload holds under 8000
 * bytes, so a large batch is split; a single event too large for one (never one of ours: their
 * data is counts and short texts) is left out rather than cut.
 */
import { sql } from 'kysely';
import { listenForNotifications } from '../../directory/postgres/pg-notification-listener.js';
import type { SharedDatabase } from '../../directory/shared-database.js';
import type { WireEvent } from './event-messages.js';
import { readRelayMessage, type EventRelay } from './event-relay.js';

/** Bytes of payload per NOTIFY, under PostgreSQL's 8000 with room for the envelope. */
const MAX_PAYLOAD_BYTES = 7000;

/** `events` as payloads of at most MAX_PAYLOAD_BYTES each, in order. */
export function notifyPayloads(origin: string, events: readonly WireEvent[]): string[] {
  const payloads: string[] = [];
  let batch: WireEvent[] = [];
  const text = (list: readonly WireEvent[]) => JSON.stringify({ origin, events: list });
  for (const event of events) {
    if (Buffer.byteLength(text([event])) > MAX_PAYLOAD_BYTES) continue;
    if (batch.length > 0 && Buffer.byteLength(text([...batch, event])) > MAX_PAYLOAD_BYTES) {
      payloads.push(text(batch));
      batch = [];
    }
    batch.push(event);
  }
  if (batch.length > 0) payloads.push(text(batch));
  return payloads;
}

export async function openPgEventRelay(
  shared: SharedDatabase,
  connectionString: string,
  channel: string,
  origin: string,
): Promise<EventRelay> {
  const listeners = new Set<(event: WireEvent) => void>();
  const listener = await listenForNotifications(connectionString, channel, (payload) => {
    const message = readRelayMessage(payload);
    if (message === undefined || message.origin === origin) return;
    for (const event of message.events) for (const deliver of listeners) deliver(event);
  });
  return {
    publish: async (events) => {
      for (const payload of notifyPayloads(origin, events)) {
        await sql`SELECT pg_notify(${channel}, ${payload})`.execute(shared.db);
      }
    },
    subscribe: (deliver) => {
      listeners.add(deliver);
      return () => listeners.delete(deliver);
    },
    close: () => listener.close(),
  };
}
