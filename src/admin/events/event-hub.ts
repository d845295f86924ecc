/**
 * Every event an admin API event stream may send, in one place: the engine's events of this
 * process (its bus), pauses and resumes made here, and, through the relay, both of those from the
 * other `serve` processes. Local events reach this process's streams at once and are queued for
 * the relay, which gets them in batches every `flushMs`: a cycle's progress only as the latest
 * one per cycle in a batch, so a fast cycle costs a few messages a second, not one per object.
 */
import type { EngineEventBus } from '../../engine/runtime/engine-event-bus.js';
import type { AppControl } from '../../engine/runtime/app-control.js';
import { toWireEvent, type StreamEvent, type WireEvent } from './event-messages.js';
import type { EventRelay } from './event-relay.js';

/** Events waiting for the relay beyond which new ones are dropped (the relay is stuck). */
const MAX_QUEUED = 2000;

export interface EventHubOptions {
  readonly events: EngineEventBus;
  readonly control: Pick<AppControl, 'onPauseChange'>;
  /** Absent: this process's events only. */
  readonly relay?: EventRelay;
  /** Time between two batches to the relay (default 50 ms). */
  readonly flushMs?: number;
  /** Where a relay failure is reported. */
  readonly onRelayError?: (error: unknown) => void;
}

export class AdminEventHub {
  readonly #o: EventHubOptions;
  readonly #listeners = new Set<(event: WireEvent) => void>();
  readonly #stops: (() => void)[] = [];
  #fromRelay: (() => void) | undefined;
  #queue: WireEvent[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(options: EventHubOptions) {
    this.#o = options;
    const local = (event: StreamEvent): void => this.#local(toWireEvent(event));
    this.#stops.push(options.events.subscribe(local), options.control.onPauseChange(local));
  }

  /** Follows every event from now on; answers the unsubscribe. */
  subscribe(listener: (event: WireEvent) => void): () => void {
    this.#listeners.add(listener);
    // Other processes' events are read only while someone here listens (SQLite polls for them).
    if (this.#o.relay !== undefined && this.#fromRelay === undefined && !this.#closed) {
      this.#fromRelay = this.#o.relay.subscribe((event) => this.#deliver(event));
    }
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) {
        this.#fromRelay?.();
        this.#fromRelay = undefined;
      }
    };
  }

  /** Sends what is queued, stops following, closes the relay. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const stop of this.#stops) stop();
    this.#fromRelay?.();
    this.#fromRelay = undefined;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#flush();
    await this.#o.relay?.close();
  }

  #local(event: WireEvent): void {
    this.#deliver(event);
    if (this.#o.relay === undefined || this.#closed) return;
    if (event.type === 'cycleProgress') {
      // The latest progress of a cycle replaces the one still waiting.
      const waiting = this.#queue.findIndex((e) => e.type === 'cycleProgress' && e.cycleId === event.cycleId);
      if (waiting >= 0) {
        this.#queue[waiting] = event;
        return;
      }
    }
    if (this.#queue.length >= MAX_QUEUED) return;
    this.#queue.push(event);
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.#flush();
    }, this.#o.flushMs ?? 50);
  }

  #deliver(event: WireEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // One stream failing must not keep the event from the others.
      }
    }
  }

  /** Batches go out one after another, so the relay keeps their order. */
  #flush(): Promise<void> {
    const relay = this.#o.relay;
    const batch = this.#queue;
    this.#queue = [];
    if (relay === undefined || batch.length === 0) return this.#flushing;
    this.#flushing = this.#flushing.then(() =>
      relay.publish(batch).catch((error: unknown) => this.#o.onRelayError?.(error)),
    );
    return this.#flushing;
  }
}
