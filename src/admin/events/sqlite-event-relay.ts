/**
 * The event relay on SQLite, which has no NOTIFY: each batch is one row of `admin_events`; while
 * anyone in this process listens, it reads the rows after the last one it saw every `pollMs`
 * (one indexed read, well under a millisecond) and delivers those of other processes. Rows older
 * than a minute are deleted, so the table stays a few rows long.
 */
import type { SharedDatabase } from '../../directory/shared-database.js';
import { accessDb } from '../access/access-tables.js';
import type { WireEvent } from './event-messages.js';
import { readRelayMessage, type EventRelay } from './event-relay.js';

/** Rows are kept this long: far longer than any poll interval, so no listener misses one. */
const KEEP_MS = 60_000;
/** Most rows one poll reads; the next poll continues. */
const POLL_ROWS = 200;

export class SqliteEventRelay implements EventRelay {
  readonly #shared: SharedDatabase;
  readonly #origin: string;
  readonly #pollMs: number;
  readonly #listeners = new Set<(event: WireEvent) => void>();
  #timer: NodeJS.Timeout | undefined;
  /** The last row seen; undefined until polling starts (it starts after the newest row). */
  #last: number | undefined;
  #polling = false;
  #lastPrune = 0;
  #closed = false;

  constructor(shared: SharedDatabase, origin: string, pollMs: number) {
    this.#shared = shared;
    this.#origin = origin;
    this.#pollMs = pollMs;
  }

  async publish(events: readonly WireEvent[]): Promise<void> {
    if (events.length === 0 || this.#closed) return;
    const { dialect } = this.#shared;
    const now = Date.now();
    const prune = now - this.#lastPrune > KEEP_MS / 2;
    if (prune) this.#lastPrune = now;
    await this.#shared.write(async (trx) => {
      const db = accessDb(trx);
      await db
        .insertInto('admin_events')
        .values({
          at: dialect.time(new Date(now)),
          origin: this.#origin,
          payload: JSON.stringify({ origin: this.#origin, events }),
        })
        .execute();
      if (prune) {
        await db
          .deleteFrom('admin_events')
          .where('at', '<', dialect.time(new Date(now - KEEP_MS)))
          .execute();
      }
    });
  }

  subscribe(listener: (event: WireEvent) => void): () => void {
    this.#listeners.add(listener);
    if (this.#timer === undefined && !this.#closed) {
      this.#last = undefined;
      this.#timer = setInterval(() => void this.#poll(), this.#pollMs);
      // Polling serves listeners; it must not keep the process alive by itself.
      this.#timer.unref();
      void this.#poll();
    }
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.#stop();
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#stop();
  }

  #stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #poll(): Promise<void> {
    if (this.#polling || this.#timer === undefined) return;
    this.#polling = true;
    try {
      const db = accessDb(this.#shared.db);
      if (this.#last === undefined) {
        const newest = await db
          .selectFrom('admin_events')
          .select((eb) => eb.fn.max('id').as('id'))
          .executeTakeFirst();
        this.#last = Number(newest?.id ?? 0);
        return;
      }
      const rows = await db
        .selectFrom('admin_events')
        .select(['id', 'origin', 'payload'])
        .where('id', '>', this.#last)
        .orderBy('id')
        .limit(POLL_ROWS)
        .execute();
      for (const row of rows) {
        this.#last = Number(row.id);
        if (row.origin === this.#origin) continue;
        const message = readRelayMessage(row.payload);
        if (message === undefined) continue;
        for (const event of message.events) for (const deliver of this.#listeners) deliver(event);
      }
    } catch {
      // A busy or closing database: the next poll tries again from the same row.
    } finally {
      this.#polling = false;
    }
  }
}
