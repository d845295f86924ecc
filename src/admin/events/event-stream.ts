/**
 * One client's Server-Sent Events stream: the engine's events (optionally of one app) written as
 * they happen, with progress throttled — at most one `cycleProgress` per cycle every
 * `progressIntervalMs`, the latest one, the rest dropped — while a cycle's start and end and
 * every status change go out at once (a pending progress first, so the order holds). A comment
 * line every `heartbeatMs` keeps proxies from closing an idle stream and notices a gone client.
 */
import type { ServerResponse } from 'node:http';
import type { WireEvent } from './event-messages.js';
import { sseMessage } from './event-messages.js';

/** Unsent bytes a client may leave before its stream is dropped. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

export interface EventStreamOptions {
  /** Only this app's events; all apps when absent. */
  readonly app?: string;
  readonly progressIntervalMs: number;
  readonly heartbeatMs: number;
}

export class EventStream {
  readonly #out: ServerResponse;
  readonly #o: EventStreamOptions;
  #id = 0;
  #closed = false;
  readonly #heartbeat: NodeJS.Timeout;
  /** Per cycle: when its last progress went out, and the latest one waiting for its turn. */
  readonly #progress = new Map<string, { sentAt: number; pending?: WireEvent; timer?: NodeJS.Timeout }>();

  constructor(out: ServerResponse, options: EventStreamOptions) {
    this.#out = out;
    this.#o = options;
    out.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
      // Reverse proxies (nginx) would otherwise buffer the stream.
      'x-accel-buffering': 'no',
    });
    // The reconnect delay, and a first line so the client sees the stream open at once.
    out.write(`retry: 2000\n: connected\n\n`);
    this.#heartbeat = setInterval(() => this.#write(': heartbeat\n\n'), options.heartbeatMs);
    this.#heartbeat.unref();
  }

  /** Feed it every event; it keeps what the client asked for. */
  readonly push = (event: WireEvent): void => {
    if (this.#closed) return;
    if (this.#o.app !== undefined && event.app !== this.#o.app) return;
    if (event.type === 'cycleProgress' && event.cycleId !== undefined) {
      this.#throttle(event.cycleId, event);
      return;
    }
    const ends = event.type === 'cycleFinished' || event.type === 'cycleFailed';
    if (ends && event.cycleId !== undefined) this.#flushProgress(event.cycleId, true);
    this.#send(event);
  };

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    for (const entry of this.#progress.values()) clearTimeout(entry.timer);
    this.#progress.clear();
  }

  #throttle(cycleId: string, event: WireEvent): void {
    const now = Date.now();
    const entry = this.#progress.get(cycleId) ?? { sentAt: 0 };
    this.#progress.set(cycleId, entry);
    const wait = entry.sentAt + this.#o.progressIntervalMs - now;
    if (wait <= 0 && entry.timer === undefined) {
      entry.sentAt = now;
      this.#send(event);
      return;
    }
    entry.pending = event;
    entry.timer ??= setTimeout(
      () => {
        entry.timer = undefined;
        this.#flushProgress(cycleId, false);
      },
      Math.max(0, wait),
    );
  }

  /** Sends the cycle's waiting progress now; `ended` forgets the cycle. */
  #flushProgress(cycleId: string, ended: boolean): void {
    const entry = this.#progress.get(cycleId);
    if (entry === undefined) return;
    clearTimeout(entry.timer);
    entry.timer = undefined;
    if (entry.pending !== undefined) {
      const pending = entry.pending;
      entry.pending = undefined;
      entry.sentAt = Date.now();
      this.#send(pending);
    }
    if (ended) this.#progress.delete(cycleId);
  }

  #send(event: WireEvent): void {
    this.#write(sseMessage(event, ++this.#id));
  }

  #write(text: string): void {
    if (this.#closed || this.#out.destroyed) return;
    // A client that stopped reading would make the server buffer without bound: drop it; it
    // reconnects (EventSource does) and reads the status afresh.
    if (this.#out.writableLength > MAX_BUFFERED_BYTES) {
      this.close();
      this.#out.destroy();
      return;
    }
    this.#out.write(text);
  }
}
