/**
 * A client of the admin API's Server-Sent Events (`GET /admin/v1/events`) for tests: opens the
 * stream, parses its `event:` / `data:` blocks as they arrive (with the time each was read), and
 * lets a test wait for the event it expects. It resolves once the server's first chunk (its
 * `: connected` comment) is read, so the subscription is live before the test acts.
 */
import { expect } from 'vitest';

export interface SseEvent {
  readonly event: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly data: any;
  /** Date.now() when it was read. */
  readonly at: number;
}

export interface SseStream {
  /** Every event read so far, in order. */
  readonly events: readonly SseEvent[];
  /** Resolves once `until(events)` holds; rejects after `timeoutMs` or when the stream ends first. */
  waitFor(what: string, until: (events: readonly SseEvent[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): void;
}

/** Opens `url` with `headers` (a bearer token, a session cookie); checks the 200 and its type. */
export async function openSseStream(url: string, headers: Record<string, string>): Promise<SseStream> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: SseEvent[] = [];
  const changed = new Set<() => void>();
  let ended = false;
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const readChunk = async (): Promise<boolean> => {
    const { value, done } = await reader.read();
    if (done) return false;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event !== undefined && data !== undefined)
        events.push({ event, data: JSON.parse(data), at: Date.now() });
    }
    return true;
  };
  const finish = () => {
    ended = true;
    for (const listener of changed) listener();
  };
  if (!(await readChunk())) finish();
  else {
    void (async () => {
      try {
        while (await readChunk()) for (const listener of changed) listener();
      } catch {
        // Aborted by close().
      }
      finish();
    })();
  }
  return {
    events,
    waitFor(what, until, timeoutMs = 15_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (until(events)) done();
          else if (ended) done(new Error(`the event stream ended before ${what}`));
        };
        const timer = setTimeout(() => done(new Error(`timed out waiting for ${what}`)), timeoutMs);
        const done = (error?: Error) => {
          clearTimeout(timer);
          changed.delete(check);
          if (error === undefined) resolve();
          else reject(error);
        };
        changed.add(check);
        check();
      });
    },
    close: () => controller.abort(),
  };
}
