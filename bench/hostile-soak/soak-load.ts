/**
 * Sends a request mix to a server for a fixed time over a fixed number of keep-alive connections,
 * and counts the answers by kind and status. Bounded and self-stopping: each connection sends one
 * request at a time, no new request starts after the deadline, and a request that takes longer
 * than the timeout is abandoned (counted as such).
 */
import { Agent, request } from 'node:http';
import type { RequestKind, SoakRequest } from './soak-requests.js';

/** How a mix ran. */
export interface MixResult {
  readonly seconds: number;
  readonly sent: number;
  /** Per kind label: outcome ("200", "413", "reset", "timeout") -> count. */
  readonly outcomes: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** Answers with a 5xx status. */
  readonly serverErrors: number;
}

const REQUEST_TIMEOUT_MS = 60_000;

function sendOne(agent: Agent, baseUrl: string, token: string, soak: SoakRequest): Promise<string> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: string): void => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    const headers: Record<string, string | number> = {
      authorization: `Bearer ${token}`,
      accept: 'application/scim+json',
    };
    if (soak.body !== undefined) {
      headers['content-type'] = 'application/scim+json';
      if (!soak.chunked) headers['content-length'] = soak.body.length;
    }
    const req = request(`${baseUrl}${soak.path}`, { method: soak.method, agent, headers }, (res) => {
      res.resume();
      res.on('end', () => done(String(res.statusCode)));
      res.on('error', () => done('reset'));
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => {
      done('timeout');
      req.destroy();
    });
    // A server that answers 413 before reading the whole body may close the connection while
    // the rest is still being written: the answer, if it came, is what counts.
    req.on('error', () => done('reset'));
    if (soak.body === undefined) {
      req.end();
    } else if (soak.chunked) {
      // Several chunks, so the server cannot know the size up front.
      const chunk = 256 * 1024;
      for (let at = 0; at < soak.body.length; at += chunk) req.write(soak.body.subarray(at, at + chunk));
      req.end();
    } else {
      req.end(soak.body);
    }
  });
}

/** Runs `kinds` round robin on `connections` connections for `seconds`. */
export async function runMix(
  baseUrl: string,
  token: string,
  kinds: readonly RequestKind[],
  options: { readonly connections: number; readonly seconds: number },
): Promise<MixResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const outcomes = new Map<string, Map<string, number>>(kinds.map((kind) => [kind.label, new Map()]));
  let next = 0;
  let sent = 0;
  let serverErrors = 0;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const kind = kinds[next++ % kinds.length]!;
      const outcome = await sendOne(agent, baseUrl, token, kind.next());
      sent++;
      if (outcome.startsWith('5')) serverErrors++;
      const counts = outcomes.get(kind.label)!;
      counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  agent.destroy();
  return { seconds: (performance.now() - started) / 1000, sent, outcomes, serverErrors };
}
