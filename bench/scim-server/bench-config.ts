/**
 * Settings of the HTTP benchmark, read from the environment so the one npm script serves both a
 * full run and a quick smoke run (BENCH_QUICK=1).
 */

import { updatesTrackedReport } from '../report-file.js';
import type { ScenarioId } from './load-scenarios.js';
import { SCENARIOS } from './load-scenarios.js';

/** Which servers take part; the PostgreSQL one only when a database URL is given. */
export const SERVER_IDS = [
  'fastify',
  'scimmy',
  'provisio-sqlite',
  'provisio-sqlite-workers',
  'provisio-pg',
] as const;
export type ServerId = (typeof SERVER_IDS)[number];

export interface BenchConfig {
  readonly quick: boolean;
  /** Measured seconds per server, scenario and connection count, split over `rounds`. */
  readonly durationSeconds: number;
  /**
   * Rounds per scenario: each server gets durationSeconds / rounds in turn, round after round, so a
   * burst of load from elsewhere on a shared machine hits every server rather than one.
   */
  readonly rounds: number;
  readonly warmupSeconds: number;
  readonly connections: readonly number[];
  readonly seedUsers: number;
  /** The servers that take part. */
  readonly servers: readonly ServerId[];
  /** The scenarios measured (all by default). */
  readonly scenarios: readonly ScenarioId[];
  /** The servers asked for, before dropping PostgreSQL for want of a URL. */
  readonly requestedServers: readonly ServerId[];
  readonly postgresUrl: string | undefined;
  /**
   * Write the report file (BENCH_WRITE; default: on for full runs and with --update-report, off for
   * quick ones); bench/report-file.ts decides where it goes.
   */
  readonly writeReport: boolean;
  /** Server processes of `provisio-sqlite-workers` (BENCH_WORKERS, default 2). */
  readonly workers: number;
}

/** BENCH_WORKERS: server processes of the `provisio-sqlite-workers` participant (default 2). */
export function benchWorkersFromEnv(): number {
  const raw = process.env.BENCH_WORKERS;
  if (raw === undefined || raw === '') return 2;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`BENCH_WORKERS must be a positive integer, got "${raw}"`);
  return value;
}

function positiveNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

function flag(name: string, fallback: boolean): boolean {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  return raw !== '0' && raw.toLowerCase() !== 'false';
}

function list(name: string, fallback: string): string[] {
  return (process.env[name] ?? fallback)
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function isServerId(value: string): value is ServerId {
  return (SERVER_IDS as readonly string[]).includes(value);
}

/** Reads the configuration; throws with the variable's name when a value makes no sense. */
export function readBenchConfig(): BenchConfig {
  const quick = flag('BENCH_QUICK', false);
  const postgresUrl = process.env.PROVISIO_BENCH_PG_URL || process.env.PROVISIO_TEST_PG_URL || undefined;
  const connections = list('BENCH_CONNECTIONS', '10,50').map((item) => {
    const value = Number.parseInt(item, 10);
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`BENCH_CONNECTIONS holds "${item}", not a positive integer`);
    return value;
  });
  const servers = list('BENCH_SERVERS', SERVER_IDS.join(',')).map((item) => {
    if (!isServerId(item))
      throw new Error(`BENCH_SERVERS holds "${item}"; known servers: ${SERVER_IDS.join(', ')}`);
    return item;
  });
  const scenarios = list('BENCH_SCENARIOS', SCENARIOS.join(',')).map((item) => {
    if (!(SCENARIOS as readonly string[]).includes(item))
      throw new Error(`BENCH_SCENARIOS holds "${item}"; known scenarios: ${SCENARIOS.join(', ')}`);
    return item as ScenarioId;
  });
  return {
    quick,
    scenarios,
    durationSeconds: positiveNumber('BENCH_DURATION', quick ? 2 : 10),
    rounds: Math.max(1, Math.floor(positiveNumber('BENCH_ROUNDS', quick ? 1 : 2))),
    warmupSeconds: positiveNumber('BENCH_WARMUP', quick ? 0 : 2),
    connections,
    seedUsers: Math.max(1, Math.floor(positiveNumber('BENCH_USERS', quick ? 1000 : 10_000))),
    servers: servers.filter((id) => id !== 'provisio-pg' || postgresUrl !== undefined),
    requestedServers: servers,
    postgresUrl,
    writeReport: flag('BENCH_WRITE', !quick || updatesTrackedReport()),
    workers: benchWorkersFromEnv(),
  };
}
