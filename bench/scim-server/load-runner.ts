/**
 * Drives one scenario against one server with autocannon (in this process; the server runs in
 * its own) and reduces the result to the figures the report prints.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import type { ScenarioId, ScenarioTarget, UserNameSequence } from './load-scenarios.js';
import { autocannonRequests, expectedStatus, nextRequest, requestHeaders } from './load-scenarios.js';

/** One autocannon run of one scenario against one server. */
export interface LoadSample {
  readonly scenario: ScenarioId;
  readonly connections: number;
  /** How long the run lasted. */
  readonly seconds: number;
  /** Responses with a 2xx status (POST: users acknowledged as created). */
  readonly ok: number;
  /** Responses outside 2xx plus connection errors and timeouts. */
  readonly failures: number;
  /** Latency of every response, in milliseconds. */
  readonly latenciesMs: readonly number[];
  /** CPU time the server process used during the run (user and kernel), when the OS tells it. */
  readonly serverCpu: ProcessCpu | undefined;
}

/** CPU time of a process in milliseconds, as /proc/<pid>/stat reports it (10 ms resolution). */
export interface ProcessCpu {
  readonly userMs: number;
  readonly systemMs: number;
}

/** Clock ticks per second of /proc/<pid>/stat; 100 on every Linux this runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** The CPU a process has used so far, or undefined where /proc is not there (macOS, Windows). */
export function processCpu(pid: number): ProcessCpu | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name, which may itself contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticksToMs = 1000 / CLOCK_TICKS_PER_SECOND;
    return { userMs: Number(fields[11]) * ticksToMs, systemMs: Number(fields[12]) * ticksToMs };
  } catch {
    return undefined;
  }
}

/** The figures reported for a server, scenario and connection count: its samples combined. */
export interface Measurement {
  readonly scenario: ScenarioId;
  readonly connections: number;
  /** Responses with a 2xx status per second, over all samples. */
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly ok: number;
  /** Non-zero means the figures are suspect: the server answered errors or not at all. */
  readonly failures: number;
  /**
   * Server CPU per successful request, in microseconds (user, kernel): steadier than requests/s on
   * a shared machine, because it does not depend on how much CPU the server was given.
   */
  readonly cpuPerRequestUs: { readonly user: number; readonly system: number } | undefined;
}

/** How one autocannon run is shaped. */
export interface RunOptions {
  readonly baseUrl: string;
  readonly scenario: ScenarioId;
  readonly connections: number;
  readonly durationSeconds: number;
  /** Seconds before a request counts as timed out; generous because the slow baseline is measured too. */
  readonly timeoutSeconds: number;
  /** The server's processes (a cluster has several), to read the CPU they used during the run. */
  readonly serverPids?: () => readonly number[];
}

/** Runs autocannon for one scenario and keeps every response's latency. */
export async function runLoad(
  options: RunOptions,
  target: ScenarioTarget,
  names: UserNameSequence,
): Promise<LoadSample> {
  const latenciesMs: number[] = [];
  const pids = options.serverPids?.() ?? [];
  const cpuBefore = totalCpu(pids);
  const instance = autocannon({
    url: options.baseUrl,
    connections: options.connections,
    duration: options.durationSeconds,
    timeout: options.timeoutSeconds,
    headers: requestHeaders(target),
    requests: autocannonRequests(options.scenario, target, names),
  });
  // Raw latencies, so samples from several rounds combine into exact percentiles.
  (instance as unknown as NodeJS.EventEmitter).on(
    'response',
    (_client: unknown, _status: number, _bytes: number, ms: number) => {
      latenciesMs.push(ms);
    },
  );
  const result = await instance;
  const cpuAfter = totalCpu(pids);
  return {
    scenario: options.scenario,
    connections: options.connections,
    seconds: result.duration,
    ok: result['2xx'],
    failures: result.non2xx + result.errors + result.timeouts,
    latenciesMs,
    serverCpu:
      cpuBefore && cpuAfter
        ? { userMs: cpuAfter.userMs - cpuBefore.userMs, systemMs: cpuAfter.systemMs - cpuBefore.systemMs }
        : undefined,
  };
}

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? 0;
}

function cpuPerRequest(samples: readonly LoadSample[], ok: number): Measurement['cpuPerRequestUs'] {
  if (ok === 0 || samples.some((sample) => sample.serverCpu === undefined)) return undefined;
  const userMs = samples.reduce((sum, s) => sum + (s.serverCpu?.userMs ?? 0), 0);
  const systemMs = samples.reduce((sum, s) => sum + (s.serverCpu?.systemMs ?? 0), 0);
  return { user: (userMs * 1000) / ok, system: (systemMs * 1000) / ok };
}

/** The CPU of several processes together; undefined when there are none or one cannot be read. */
function totalCpu(pids: readonly number[]): ProcessCpu | undefined {
  if (pids.length === 0) return undefined;
  let userMs = 0;
  let systemMs = 0;
  for (const pid of pids) {
    const cpu = processCpu(pid);
    if (cpu === undefined) return undefined;
    userMs += cpu.userMs;
    systemMs += cpu.systemMs;
  }
  return { userMs, systemMs };
}

/** Combines the samples of one server, scenario and connection count (at least one sample). */
export function combineSamples(samples: readonly LoadSample[]): Measurement {
  const first = samples[0];
  if (!first) throw new Error('combineSamples needs at least one sample');
  const seconds = samples.reduce((sum, s) => sum + s.seconds, 0);
  const ok = samples.reduce((sum, s) => sum + s.ok, 0);
  const sorted = Float64Array.from(samples.flatMap((s) => s.latenciesMs)).sort();
  return {
    scenario: first.scenario,
    connections: first.connections,
    requestsPerSecond: seconds > 0 ? ok / seconds : 0,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    ok,
    failures: samples.reduce((sum, s) => sum + s.failures, 0),
    cpuPerRequestUs: cpuPerRequest(samples, ok),
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
