/**
 * Turns the measurements into the markdown that is printed at the end of a run and written to
 * bench/scim-server.md: one side-by-side table, the goal ratios, and what went wrong if anything did.
 */
import { benchWorkersFromEnv, type ServerId } from './bench-config.js';
import type { Measurement } from './load-runner.js';
import type { ScenarioId } from './load-scenarios.js';
import { SCENARIOS, SCENARIO_TITLES } from './load-scenarios.js';

export const SERVER_LABELS: Readonly<Record<ServerId, string>> = {
  fastify: 'bare fastify (canned)',
  scimmy: 'scimmy + scimmy-routers (memory)',
  'provisio-sqlite': 'Provisio, SQLite',
  'provisio-sqlite-workers': `Provisio, SQLite, ${benchWorkersFromEnv()} workers`,
  'provisio-pg': 'Provisio, PostgreSQL',
};

/** Everything measured for one server. */
export interface ServerResults {
  readonly server: ServerId;
  readonly measurements: readonly Measurement[];
  /** Scenarios the server could not run, with the reason (a failed sanity check). */
  readonly broken: ReadonlyMap<ScenarioId, string>;
  readonly notes: readonly string[];
}

/** A goal from the issue: `numerator` must reach `factor` times `denominator` in `scenario`. */
interface Goal {
  readonly title: string;
  readonly scenario: ScenarioId;
  readonly numerator: ServerId;
  readonly denominator: ServerId;
  readonly factor: number;
}

const GOALS: readonly Goal[] = [
  {
    title: 'POST: Provisio SQLite / bare fastify',
    scenario: 'post',
    numerator: 'provisio-sqlite',
    denominator: 'fastify',
    factor: 0.2,
  },
  {
    title: 'filter GET: Provisio SQLite / bare fastify',
    scenario: 'filter',
    numerator: 'provisio-sqlite',
    denominator: 'fastify',
    factor: 0.4,
  },
  {
    title: 'PATCH: Provisio SQLite / scimmy',
    scenario: 'patch',
    numerator: 'provisio-sqlite',
    denominator: 'scimmy',
    factor: 10,
  },
  {
    title: 'POST: Provisio SQLite workers / bare fastify',
    scenario: 'post',
    numerator: 'provisio-sqlite-workers',
    denominator: 'fastify',
    factor: 0.2,
  },
  {
    title: 'filter GET: Provisio SQLite workers / bare fastify',
    scenario: 'filter',
    numerator: 'provisio-sqlite-workers',
    denominator: 'fastify',
    factor: 0.4,
  },
  {
    title: 'PATCH: Provisio SQLite workers / scimmy',
    scenario: 'patch',
    numerator: 'provisio-sqlite-workers',
    denominator: 'scimmy',
    factor: 10,
  },
  {
    title: 'POST: Provisio PostgreSQL / bare fastify',
    scenario: 'post',
    numerator: 'provisio-pg',
    denominator: 'fastify',
    factor: 0.2,
  },
  {
    title: 'filter GET: Provisio PostgreSQL / bare fastify',
    scenario: 'filter',
    numerator: 'provisio-pg',
    denominator: 'fastify',
    factor: 0.4,
  },
  {
    title: 'PATCH: Provisio PostgreSQL / scimmy',
    scenario: 'patch',
    numerator: 'provisio-pg',
    denominator: 'scimmy',
    factor: 10,
  },
];

function find(
  results: readonly ServerResults[],
  server: ServerId,
  scenario: ScenarioId,
  connections: number,
): Measurement | undefined {
  return results
    .find((entry) => entry.server === server)
    ?.measurements.find((m) => m.scenario === scenario && m.connections === connections);
}

function formatRate(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1);
}

function formatMs(value: number): string {
  return value >= 10 ? String(Math.round(value)) : value.toFixed(1);
}

function formatRatio(value: number, factor: number): string {
  return factor < 1 ? `${(value * 100).toFixed(0)}%` : `${value.toFixed(1)}x`;
}

function cell(entry: ServerResults, scenario: ScenarioId, connections: number): string {
  const broken = entry.broken.get(scenario);
  if (broken !== undefined) return 'broken (see below)';
  const m = entry.measurements.find((x) => x.scenario === scenario && x.connections === connections);
  if (!m) return 'n/a';
  if (m.ok === 0 && m.failures === 0) return 'no response completed within the run';
  const failed = m.failures > 0 ? ` (${m.failures} failed)` : '';
  return `${formatRate(m.requestsPerSecond)} req/s · ${formatMs(m.p50Ms)} / ${formatMs(m.p99Ms)} ms${failed}`;
}

/** The side-by-side table: one row per scenario and connection count, one column per server. */
export function resultsTable(results: readonly ServerResults[], connections: readonly number[]): string {
  const header = `| scenario | conns | ${results.map((entry) => SERVER_LABELS[entry.server]).join(' | ')} |`;
  const rule = `| --- | ---: | ${results.map(() => '---:').join(' | ')} |`;
  const rows = SCENARIOS.flatMap((scenario) =>
    connections.map(
      (count) =>
        `| ${SCENARIO_TITLES[scenario]} | ${count} | ${results.map((entry) => cell(entry, scenario, count)).join(' | ')} |`,
    ),
  );
  return [header, rule, ...rows].join('\n');
}

/**
 * Server CPU per successful request (user + kernel, all processes of a server), in microseconds:
 * what each server spends on a request whatever share of the cores it was given, so it varies
 * far less than requests/s on a shared machine.
 */
export function cpuTable(results: readonly ServerResults[], connections: readonly number[]): string {
  const header = `| scenario | conns | ${results.map((entry) => SERVER_LABELS[entry.server]).join(' | ')} |`;
  const rule = `| --- | ---: | ${results.map(() => '---:').join(' | ')} |`;
  const rows = SCENARIOS.flatMap((scenario) =>
    connections.map((count) => {
      const cells = results.map((entry) => {
        const cpu = find([entry], entry.server, scenario, count)?.cpuPerRequestUs;
        return cpu === undefined ? '—' : `${Math.round(cpu.user + cpu.system).toLocaleString('en-US')} µs`;
      });
      return `| ${SCENARIO_TITLES[scenario]} | ${count} | ${cells.join(' | ')} |`;
    }),
  );
  return [header, rule, ...rows].join('\n');
}

/** The goal ratios of the issue, per connection count, for the servers that took part. */
export function goalsTable(results: readonly ServerResults[], connections: readonly number[]): string {
  const rows: string[] = [];
  for (const goal of GOALS) {
    for (const count of connections) {
      const top = find(results, goal.numerator, goal.scenario, count);
      const bottom = find(results, goal.denominator, goal.scenario, count);
      if (!top || !bottom || bottom.requestsPerSecond === 0) continue;
      const ratio = top.requestsPerSecond / bottom.requestsPerSecond;
      const target = goal.factor < 1 ? `>= ${goal.factor * 100}%` : `>= ${goal.factor}x`;
      rows.push(
        `| ${goal.title} | ${count} | ${formatRatio(ratio, goal.factor)} | ${target} | ${ratio >= goal.factor ? 'yes' : 'no'} |`,
      );
    }
  }
  if (rows.length === 0) return '(no goal could be computed: a server is missing from this run)';
  return ['| ratio | conns | measured | goal | met |', '| --- | ---: | ---: | ---: | --- |', ...rows].join(
    '\n',
  );
}

/** Broken scenarios and failed requests, listed so nobody reads a broken figure as a fast one. */
export function problemsList(results: readonly ServerResults[]): string[] {
  const lines: string[] = [];
  for (const entry of results) {
    for (const [scenario, reason] of entry.broken) {
      lines.push(`- ${SERVER_LABELS[entry.server]}, ${SCENARIO_TITLES[scenario]}: not measured, ${reason}`);
    }
    for (const m of entry.measurements) {
      if (m.failures > 0) {
        lines.push(
          `- ${SERVER_LABELS[entry.server]}, ${SCENARIO_TITLES[m.scenario]}, ${m.connections} conns: ${m.failures} requests failed (non-2xx, error or timeout)`,
        );
      }
    }
  }
  return lines;
}
