/**
 * The event relay between serve processes, over two connections to one database as two processes
 * have them: SQLite (a table polled) and, when PROVISIO_TEST_PG_URL is set, PostgreSQL (NOTIFY).
 * The other side gets every event in order, the sender never its own; a stream's hub queues
 * progress as the latest per cycle; a NOTIFY payload never exceeds what PostgreSQL takes.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminEventHub } from '../../src/admin/events/event-hub.js';
import type { WireEvent } from '../../src/admin/events/event-messages.js';
import { openEventRelay, readRelayMessage, type EventRelay } from '../../src/admin/events/event-relay.js';
import { notifyPayloads } from '../../src/admin/events/pg-event-relay.js';
import { ConsoleAccess } from '../../src/admin/access/console-access.js';
import { createEngineEventBus } from '../../src/engine/runtime/engine-event-bus.js';
import type { ProvisioDatabase } from '../../src/engine/state/open-engine-state.js';
import { openProvisio } from '../../src/main.js';
import { BACKENDS, testStorage, type TestStorage } from './admin-harness.js';

const progress = (cycleId: string, done: number): WireEvent => ({
  type: 'cycleProgress',
  app: 'crm',
  cycleId,
  data: { app: 'crm', cycleId, done },
});

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(BACKENDS)('event relay (%s)', (backend) => {
  let storage: TestStorage;
  const databases: ProvisioDatabase[] = [];
  const relays: EventRelay[] = [];

  async function relay(origin: string): Promise<EventRelay> {
    const database = await openProvisio(storage.storage);
    databases.push(database);
    await ConsoleAccess.open(database); // migrates the admin tables, as serve does
    const opened = await openEventRelay(database, {
      ...(storage.storage.databaseUrl !== undefined ? { postgresUrl: storage.storage.databaseUrl } : {}),
      ...(storage.storage.postgresSchema !== undefined
        ? { postgresSchema: storage.storage.postgresSchema }
        : {}),
      origin,
      pollMs: 20,
    });
    relays.push(opened);
    return opened;
  }

  beforeAll(() => {
    storage = testStorage(backend);
  });
  afterAll(async () => {
    for (const r of relays) await r.close();
    for (const d of databases) await d.close();
    await storage.drop();
  });

  it("delivers one process's events to the other in order, never back to the sender", async () => {
    const a = await relay('process-a');
    const b = await relay('process-b');
    const heardByA: WireEvent[] = [];
    const heardByB: WireEvent[] = [];
    a.subscribe((e) => heardByA.push(e));
    b.subscribe((e) => heardByB.push(e));
    // The SQLite poller starts after the newest row; give it its first read.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started: WireEvent = {
      type: 'cycleStarted',
      app: 'crm',
      cycleId: 'c1',
      data: { app: 'crm', cycleId: 'c1', kind: 'initial', started: new Date().toISOString() },
    };
    await a.publish([started, progress('c1', 1)]);
    await a.publish([progress('c1', 2)]);
    await b.publish([{ type: 'paused', app: 'hr', data: { app: 'hr', actor: 'console:bob', at: 'now' } }]);
    await until('b to hear three events', () => heardByB.length === 3);
    await until('a to hear one event', () => heardByA.length === 1);
    expect(heardByB).toEqual([started, progress('c1', 1), progress('c1', 2)]);
    expect(heardByA.map((e) => `${e.type} ${e.app}`)).toEqual(['paused hr']);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(heardByB).toHaveLength(3);
    expect(heardByA).toHaveLength(1);
  });

  it("sends a hub's local events over the relay, each cycle's progress as its latest", async () => {
    const a = await relay('hub-a');
    const b = await relay('hub-b');
    const bus = createEngineEventBus();
    const hub = new AdminEventHub({
      events: bus,
      control: { onPauseChange: () => () => undefined },
      relay: a,
      flushMs: 30,
    });
    const local: WireEvent[] = [];
    hub.subscribe((e) => local.push(e));
    const remote: WireEvent[] = [];
    b.subscribe((e) => remote.push(e));
    await new Promise((resolve) => setTimeout(resolve, 100));
    bus.emit({ type: 'cycleStarted', app: 'crm', cycleId: 'c9', kind: 'incremental', started: new Date() });
    for (let done = 1; done <= 50; done++)
      bus.emit({ type: 'cycleProgress', app: 'crm', cycleId: 'c9', done, total: 50 });
    bus.emit({ type: 'cycleFailed', app: 'crm', cycleId: 'c9', error: 'stopped' });
    // This process's streams get every event at once.
    expect(local.map((e) => e.type)).toEqual([
      'cycleStarted',
      ...Array(50).fill('cycleProgress'),
      'cycleFailed',
    ]);
    await until('the other side to hear the end', () => remote.some((e) => e.type === 'cycleFailed'));
    expect(remote.map((e) => e.type)).toEqual(['cycleStarted', 'cycleProgress', 'cycleFailed']);
    expect(remote[1]!.data).toEqual({ app: 'crm', cycleId: 'c9', done: 50, total: 50 });
    await hub.close();
  });
});

describe('NOTIFY payloads', () => {
  it('keep every event that fits, in order, each payload under 7000 bytes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ cycle: fc.string({ maxLength: 20 }), reason: fc.string({ maxLength: 9000 }) }), {
          maxLength: 40,
        }),
        (specs) => {
          const events: WireEvent[] = specs.map((s, i) => ({
            type: 'quarantined',
            app: `app${i}`,
            data: { app: `app${i}`, reason: s.reason, cycle: s.cycle },
          }));
          const payloads = notifyPayloads('origin', events);
          for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(7000);
          const sent = payloads.flatMap((p) => readRelayMessage(p)!.events);
          const fits = events.filter(
            (e) => Buffer.byteLength(JSON.stringify({ origin: 'origin', events: [e] })) <= 7000,
          );
          expect(sent).toEqual(fits);
        },
      ),
      { numRuns: 100 },
    );
  });
});
