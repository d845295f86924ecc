/**
 * Drives one scenario against one server with autocannon (in this process; the server runs in
 * its own) and reduces the result to the figures the report prints.
 */
import autocannon from 'autocannon';
import type { ScenarioId, ScenarioTarget, UserNameSequence } from './load-scenarios.js';
import { autocannonRequests, expectedStatus, nextRequest, requestHeaders } from './load-scenarios.js';

/** The figures kept from one autocannon run. */
export interface Measurement {
  readonly scenario: ScenarioId;
  readonly connections: number;
  /** Responses with the expected 2xx status per second of the run. */
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Total responses with a 2xx status (POST: users acknowledged as created). */
  readonly ok: number;
  /** Responses outside 2xx plus connection errors and timeouts: non-zero means the figures are suspect. */
  readonly failures: number;
}

/** How one autocannon run is shaped. */
export interface RunOptions {
  readonly baseUrl: string;
  readonly scenario: ScenarioId;
  readonly connections: number;
  readonly durationSeconds: number;
  /** Seconds before a request counts as timed out; generous because the slow baseline is measured too. */
  readonly timeoutSeconds: number;
}

/** Runs autocannon for one scenario and returns its measurement. */
export async function runLoad(
  options: RunOptions,
  target: ScenarioTarget,
  names: UserNameSequence,
): Promise<Measurement> {
  const result = await autocannon({
    url: options.baseUrl,
    connections: options.connections,
    duration: options.durationSeconds,
    timeout: options.timeoutSeconds,
    headers: requestHeaders(target),
    requests: autocannonRequests(options.scenario, target, names),
  });
  const ok = result['2xx'];
  return {
    scenario: options.scenario,
    connections: options.connections,
    requestsPerSecond: result.duration > 0 ? ok / result.duration : 0,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    ok,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

function describeBody(scenario: ScenarioId, body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return 'response body is not a JSON object';
  const record = body as Record<string, unknown>;
  switch (scenario) {
    case 'post':
    case 'patch':
      return typeof record.id === 'string' ? undefined : 'response has no id';
    case 'filter':
      return record.totalResults === 1
        ? undefined
        : `filter matched ${String(record.totalResults)} users, expected 1`;
    case 'list': {
      const resources = record.Resources;
      return Array.isArray(resources) && resources.length > 0 ? undefined : 'list returned no Resources';
    }
  }
}

/**
 * Sends one request of the scenario and checks the answer, so that a server answering errors
 * quickly is reported as broken instead of fast. Returns what is wrong, or undefined.
 */
export async function checkScenario(
  baseUrl: string,
  scenario: ScenarioId,
  target: ScenarioTarget,
  names: UserNameSequence,
): Promise<string | undefined> {
  const next = nextRequest(scenario, target, names);
  const response = await fetch(`${baseUrl}${next.path}`, {
    method: next.method,
    headers: requestHeaders(target),
    ...(next.body === undefined ? {} : { body: next.body }),
  });
  const text = await response.text();
  if (response.status !== expectedStatus(scenario)) {
    return `${next.method} ${next.path} answered ${response.status}: ${text.slice(0, 300)}`;
  }
  try {
    return describeBody(scenario, JSON.parse(text));
  } catch {
    return `${next.method} ${next.path} answered a body that is not JSON`;
  }
}

/** Reads totalResults of GET /Users?count=0: how many users the server holds. */
export async function countUsers(baseUrl: string, target: ScenarioTarget): Promise<number | undefined> {
  const response = await fetch(`${baseUrl}/scim/v2/Users?count=0`, { headers: requestHeaders(target) });
  if (!response.ok) return undefined;
  const body = (await response.json()) as { totalResults?: unknown };
  return typeof body.totalResults === 'number' ? body.totalResults : undefined;
}

/**
 * Waits until the server answers a cheap request again. When autocannon stops, requests it gave
 * up on may still be queued in the server; the next measurement must not pay for them.
 */
export async function drain(baseUrl: string, target: ScenarioTarget, timeoutMs: number): Promise<void> {
  const user = target.users[0];
  const path =
    user === undefined ? '/scim/v2/Users?count=1' : `/scim/v2/Users/${encodeURIComponent(user.id)}`;
  await fetch(`${baseUrl}${path}`, {
    headers: requestHeaders(target),
    signal: AbortSignal.timeout(timeoutMs),
  })
    .then((response) => response.arrayBuffer())
    .catch(() => undefined);
}
