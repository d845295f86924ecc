/**
 * HTTP benchmark of the SCIM server, side by side in one run: a bare fastify route (the practical
 * limit of the machine), a scimmy + scimmy-routers server holding the same users in memory, and
 * Provisio on SQLite and on PostgreSQL. Each server runs in its own process; autocannon drives them
 * from this one over 127.0.0.1.
 *
 *   npm run bench:server                    full run (~10 s per measurement), writes .bench-tmp/scim-server.md
 *   npm run bench:server -- --update-report the same, replacing the tracked bench/scim-server.md
 *   BENCH_QUICK=1 npm run bench:server      smoke run (2 s, 1,000 users), prints only
 *
 * Settings: BENCH_DURATION, BENCH_WARMUP (seconds), BENCH_ROUNDS, BENCH_CONNECTIONS (e.g. "10,50"), BENCH_USERS,
 * BENCH_SERVERS (subset of fastify,scimmy,provisio-sqlite,provisio-sqlite-workers,provisio-pg),
 * BENCH_WORKERS (worker processes of provisio-sqlite-workers, default 2), BENCH_SCENARIOS (subset of
 * post,filter,patch,list), BENCH_WRITE=1|0,
 * BENCH_CPU_PROFILE=<dir> (V8 CPU profiles of the server processes).
 * PostgreSQL takes part when PROVISIO_BENCH_PG_URL or PROVISIO_TEST_PG_URL is set.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReport } from './report-file.js';
import type { BenchConfig, ServerId } from './scim-server/bench-config.js';
import { readBenchConfig } from './scim-server/bench-config.js';
import { countAfterCrash } from './scim-server/crash-check.js';
import type { LoadSample, Measurement } from './scim-server/load-runner.js';
import { checkScenario, combineSamples, countUsers, drain, runLoad } from './scim-server/load-runner.js';
import type { ScenarioId } from './scim-server/load-scenarios.js';
import { SCENARIOS, SCENARIO_TITLES, UserNameSequence } from './scim-server/load-scenarios.js';
import { dropPostgresSchema, provisioEnv } from './scim-server/provisio-settings.js';
import type { ServerResults } from './scim-server/report-table.js';
import {
  SERVER_LABELS,
  cpuTable,
  goalsTable,
  problemsList,
  resultsTable,
} from './scim-server/report-table.js';
import type { RunningServer, ServerSpec } from './scim-server/server-process.js';
import { startServer } from './scim-server/server-process.js';

/** Scenarios run in this order so reads see exactly the seeded users; POST, which adds users, comes last. */
const RUN_ORDER: readonly ScenarioId[] = ['filter', 'list', 'patch', 'post'];

interface Participant {
  readonly id: ServerId;
  readonly server: RunningServer;
  readonly measurements: Measurement[];
  readonly broken: Map<ScenarioId, string>;
  /** 2xx answers to POST, warm-ups and checks included: users the server acknowledged as created. */
  acknowledgedPosts: number;
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function sqliteFileIn(dataDir: string): string {
  return join(dataDir, 'provisio.sqlite');
}

function specFor(id: ServerId, config: BenchConfig, dataDir: string, pgSchema: string): ServerSpec {
  const base = { seedUsers: config.seedUsers, startTimeoutMs: 180_000 };
  switch (id) {
    case 'fastify':
      return { ...base, module: './baseline-fastify-server.ts' };
    case 'scimmy':
      return { ...base, module: './scimmy-server.ts' };
    case 'provisio-sqlite':
      return {
        ...base,
        module: './provisio-server.ts',
        env: provisioEnv({ sqliteFile: sqliteFileIn(dataDir) }),
      };
    case 'provisio-sqlite-workers':
      return {
        ...base,
        module: './provisio-server.ts',
        // Its own file: the participants run side by side.
        env: provisioEnv(
          { sqliteFile: join(dataDir, 'workers', 'provisio.sqlite') },
          { workers: config.workers },
        ),
      };
    case 'provisio-pg':
      return {
        ...base,
        module: './provisio-server.ts',
        env: provisioEnv({ postgresUrl: config.postgresUrl ?? '', postgresSchema: pgSchema }),
      };
  }
}

async function measure(
  participant: Participant,
  scenario: ScenarioId,
  connections: number,
  seconds: number,
  names: UserNameSequence,
): Promise<LoadSample> {
  const sample = await runLoad(
    {
      baseUrl: participant.server.baseUrl,
      scenario,
      connections,
      durationSeconds: seconds,
      timeoutSeconds: 30,
      serverPids: participant.server.pids,
    },
    participant.server,
    names,
  );
  if (scenario === 'post') participant.acknowledgedPosts += sample.ok;
  await drain(participant.server.baseUrl, participant.server, 120_000);
  return sample;
}

function cpuNote(m: Measurement): string {
  const cpu = m.cpuPerRequestUs;
  if (cpu === undefined) return '';
  return `, server CPU ${Math.round(cpu.user + cpu.system)} µs/request (user ${Math.round(cpu.user)}, kernel ${Math.round(cpu.system)})`;
}

async function runAll(
  config: BenchConfig,
  participants: Participant[],
  names: UserNameSequence,
): Promise<void> {
  for (const participant of participants) {
    for (const scenario of SCENARIOS) {
      const problem = await checkScenario(
        participant.server.baseUrl,
        scenario,
        participant.server,
        names,
      ).catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
      if (problem !== undefined) {
        participant.broken.set(scenario, problem);
        log(`  ${participant.id}: ${scenario} check failed: ${problem}`);
      } else if (scenario === 'post') {
        participant.acknowledgedPosts += 1;
      }
    }
  }
  // Scenario-major order: the servers are measured on one scenario close together in time, which
  // keeps the ratios fair on a shared, noisy machine.
  for (const scenario of RUN_ORDER.filter((id) => config.scenarios.includes(id))) {
    for (const connections of config.connections) {
      const active = participants.filter((participant) => !participant.broken.has(scenario));
      const samples = new Map<Participant, LoadSample[]>(active.map((participant) => [participant, []]));
      for (let round = 0; round < config.rounds; round++) {
        for (const participant of active) {
          if (round === 0 && config.warmupSeconds > 0) {
            await measure(participant, scenario, connections, config.warmupSeconds, names);
          }
          const seconds = config.durationSeconds / config.rounds;
          samples.get(participant)?.push(await measure(participant, scenario, connections, seconds, names));
        }
      }
      for (const participant of active) {
        const m = combineSamples(samples.get(participant) ?? []);
        participant.measurements.push(m);
        log(
          `  ${SCENARIO_TITLES[scenario]} x${connections} ${participant.id}: ${Math.round(m.requestsPerSecond)} req/s, p50 ${m.p50Ms.toFixed(1)} ms, p99 ${m.p99Ms.toFixed(1)} ms${cpuNote(m)}${m.failures ? `, ${m.failures} failed` : ''}`,
        );
      }
    }
  }
}

/**
 * Every acknowledged create must be stored. A server may hold a few more: requests it completed
 * after autocannon had stopped waiting for them.
 */
function verdictOf(expected: number, actual: number | undefined): string {
  if (actual === undefined) return 'could not count the stored users';
  if (actual < expected)
    return `${actual.toLocaleString('en-US')} stored: ${expected - actual} ACKNOWLEDGED USERS MISSING`;
  const extra = actual - expected;
  return `${actual.toLocaleString('en-US')} stored, all present${extra > 0 ? ` (${extra} more: completed after the client stopped waiting)` : ''}`;
}

async function writtenChecks(
  config: BenchConfig,
  participants: Participant[],
  sqliteFile: string,
): Promise<string[]> {
  const lines: string[] = [];
  for (const participant of participants) {
    if (participant.id === 'fastify') continue;
    const expected = config.seedUsers + participant.acknowledgedPosts;
    const actual = await countUsers(participant.server.baseUrl, participant.server).catch(() => undefined);
    lines.push(
      `- ${SERVER_LABELS[participant.id]}: ${config.seedUsers.toLocaleString('en-US')} seeded + ${participant.acknowledgedPosts.toLocaleString('en-US')} acknowledged POSTs = ${expected.toLocaleString('en-US')}; ${verdictOf(expected, actual)}`,
    );
    // A killed process writes no CPU profile, so profiling runs skip the crash.
    if (participant.id === 'provisio-sqlite' && !process.env.BENCH_CPU_PROFILE) {
      const line = await countAfterCrash(participant.server, sqliteFile, expected).catch(
        (error: unknown) =>
          `the crash check failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      lines.push(`- ${SERVER_LABELS[participant.id]}: ${line}`);
    }
  }
  return lines;
}

function machine(): string {
  const cores = cpus();
  return `${cores.length} x ${cores[0]?.model.trim() ?? 'unknown CPU'}, Node.js ${process.version}, ${process.platform}`;
}

/** The 1-minute load average: the machine is shared, so say how busy it was. */
function load(): string {
  return (loadavg()[0] ?? 0).toFixed(1);
}

function commandLine(config: BenchConfig): string {
  const env: string[] = [];
  if (config.quick) env.push('BENCH_QUICK=1');
  if (config.postgresUrl !== undefined) env.push('PROVISIO_TEST_PG_URL=postgres://...');
  return [...env, 'npm run bench:server'].join(' ');
}

function report(
  config: BenchConfig,
  results: ServerResults[],
  unavailable: string[],
  written: string[],
  started: Date,
  loadAtStart: string,
): string {
  const notes = results.flatMap((entry) =>
    entry.notes.map((note) => `- ${SERVER_LABELS[entry.server]}: ${note}`),
  );
  const problems = problemsList(results);
  return [
    '# SCIM server over HTTP',
    '',
    `Command: \`${commandLine(config)}\` (run ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC).`,
    `Machine: ${machine()}, shared (1-minute load average ${loadAtStart} at the start, ${load()} at the end).`,
    'Each server runs in its own process; autocannon runs in the driver process; all over 127.0.0.1.',
    `Settings: ${config.durationSeconds} s per measurement (${config.rounds} interleaved round${config.rounds > 1 ? 's' : ''}) after a ${config.warmupSeconds} s warm-up, ${config.seedUsers.toLocaleString('en-US')} users seeded in every server, connections ${config.connections.join(' and ')}.`,
    '',
    'Each cell: successful requests per second · p50 / p99 latency. Filter GETs pick a random seeded',
    'userName, PATCHes a random seeded user (replace displayName and active), POSTs a new unique userName.',
    '',
    resultsTable(results, config.connections),
    '',
    "Server CPU per successful request (user + kernel, summed over the server's processes, from",
    '/proc): steadier than requests/s on a shared machine.',
    '',
    cpuTable(results, config.connections),
    '',
    '## Goals (on SQLite; PostgreSQL shown for comparison)',
    '',
    goalsTable(results, config.connections),
    '',
    '## Acknowledged writes',
    '',
    'Provisio answers a write only after its transaction has committed and is on disk. On SQLite the',
    'store runs in WAL mode with the synchronous setting named below: with FULL (the default) the WAL',
    'is synced before a write is acknowledged, so acknowledged writes survive a power loss; with',
    'NORMAL they survive a crash of the process but a power loss can lose the last commits. On',
    'PostgreSQL, synchronous_commit=on flushes the WAL to disk before a commit is acknowledged.',
    '',
    'After the run every server is asked how many users it holds (`GET /Users?count=0`): every',
    'acknowledged POST must be there.',
    '',
    ...(written.length > 0 ? written : ['- (no server with storage took part)']),
    '',
    '## Servers',
    '',
    ...notes,
    ...unavailable.map((line) => `- ${line}`),
    ...(problems.length > 0 ? ['', '## Problems in this run', '', ...problems] : []),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const config = readBenchConfig();
  const started = new Date();
  const loadAtStart = load();
  const dataDir = await mkdtemp(join(tmpdir(), 'provisio-bench-'));
  const pgSchema = `bench_${Date.now().toString(36)}`;
  const names = new UserNameSequence(`bench-${Date.now().toString(36)}-`);
  const participants: Participant[] = [];
  const unavailable: string[] = [];
  try {
    for (const id of config.servers) {
      log(`starting ${id} (${config.seedUsers} users)...`);
      try {
        const server = await startServer(specFor(id, config, dataDir, pgSchema));
        participants.push({ id, server, measurements: [], broken: new Map(), acknowledgedPosts: 0 });
      } catch (error) {
        const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
        log(`  ${id} unavailable: ${message}`);
        unavailable.push(`${SERVER_LABELS[id]}: not measured, could not start (${message})`);
      }
    }
    if (config.postgresUrl === undefined && config.requestedServers.includes('provisio-pg'))
      unavailable.push(
        `${SERVER_LABELS['provisio-pg']}: not measured, no PROVISIO_TEST_PG_URL / PROVISIO_BENCH_PG_URL`,
      );
    await runAll(config, participants, names);
    const written = await writtenChecks(config, participants, sqliteFileIn(dataDir));
    const results: ServerResults[] = participants.map((p) => ({
      server: p.id,
      measurements: p.measurements,
      broken: p.broken,
      notes: p.server.notes,
    }));
    const markdown = report(config, results, unavailable, written, started, loadAtStart);
    process.stdout.write(`\n${markdown}`);
    if (config.writeReport) log(`written to ${await writeReport('scim-server.md', markdown)}`);
  } finally {
    for (const participant of participants) await participant.server.stop();
    await rm(dataDir, { recursive: true, force: true });
    if (config.postgresUrl !== undefined && config.servers.includes('provisio-pg')) {
      await dropPostgresSchema(config.postgresUrl, pgSchema).catch((error: unknown) =>
        log(`could not drop schema ${pgSchema}: ${String(error)}`),
      );
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
