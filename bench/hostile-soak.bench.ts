/**
 * Memory under hostile input: the SCIM server (SQLite, tokens, logging at info, as `provisio
 * serve` runs) in a child process on 127.0.0.1, first under a normal mix of requests, then a fresh
 * one under a hostile mix (bodies over the limit, deeply nested JSON, huge and ever-new filters,
 * attribute lists and PATCH paths), each for the same time. For each: RSS before, the peak during
 * (the kernel's VmHWM), RSS after a quiet period, and RSS and V8 heap after forced full GCs; the
 * hostile figures are also given as ratios of the normal ones. Any 5xx is reported as a problem.
 *
 *   npm run bench:soak                          60 s per mix, report in .bench-tmp/hostile-soak.md
 *   npm run bench:soak -- --seconds 10          a short run
 *
 * Options: --seconds N (per mix, default 60), --quiet N (seconds after each mix before "after",
 * default 15), --connections N (default 4), --users N (seeded, default 1000), --out FILE,
 * --source DIR (measure the server of another checkout, e.g. `git archive 39d706f | tar -x -C DIR`
 * with node_modules linked), --label TEXT (names the run in the report), --malloc-arena-max N
 * (sets MALLOC_ARENA_MAX in the server), --heap-snapshot (writes the hostile server's heap after
 * the quiet period next to the report).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runMix, type MixResult } from './hostile-soak/soak-load.js';
import { startSoakServer, type SoakServer } from './hostile-soak/soak-process.js';
import type { SoakMemory, SoakUser } from './hostile-soak/soak-protocol.js';
import { hostileKinds, normalKinds, type RequestKind } from './hostile-soak/soak-requests.js';

interface SoakConfig {
  readonly seconds: number;
  readonly quietSeconds: number;
  readonly connections: number;
  readonly users: number;
  readonly out: string;
  readonly source: string | undefined;
  readonly label: string | undefined;
  readonly mallocArenaMax: string | undefined;
  readonly heapSnapshot: boolean;
}

/** What one mix did to one fresh server. */
interface PhaseResult {
  readonly name: string;
  readonly before: SoakMemory;
  readonly peakRss: number;
  readonly afterQuiet: SoakMemory;
  readonly afterGc: SoakMemory;
  readonly mix: MixResult;
  readonly snapshot?: string;
}

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`--${name} must be a positive number, got "${raw}"`);
  return value;
}

function readConfig(): SoakConfig {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string' },
      quiet: { type: 'string' },
      connections: { type: 'string' },
      users: { type: 'string' },
      out: { type: 'string' },
      source: { type: 'string' },
      label: { type: 'string' },
      'malloc-arena-max': { type: 'string' },
      'heap-snapshot': { type: 'boolean' },
    },
  });
  return {
    seconds: positive('seconds', values.seconds, 60),
    quietSeconds: positive('quiet', values.quiet, 15),
    connections: Math.floor(positive('connections', values.connections, 4)),
    users: Math.floor(positive('users', values.users, 1000)),
    out: resolve(values.out ?? '.bench-tmp/hostile-soak.md'),
    source: values.source === undefined ? undefined : resolve(values.source),
    label: values.label,
    mallocArenaMax: values['malloc-arena-max'],
    heapSnapshot: values['heap-snapshot'] ?? false,
  };
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(0)} MiB`;
}

async function runPhase(
  config: SoakConfig,
  name: string,
  kinds: (users: readonly SoakUser[]) => RequestKind[],
): Promise<PhaseResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'provisio-soak-'));
  let server: SoakServer | undefined;
  try {
    server = await startSoakServer({
      sqliteFile: join(dataDir, 'provisio.sqlite'),
      seedUsers: config.users,
      sourceRoot: config.source,
      env: config.mallocArenaMax !== undefined ? { MALLOC_ARENA_MAX: config.mallocArenaMax } : {},
    });
    await sleep(1000);
    const before = await server.memory(true);
    log(`  ${name}: RSS before ${mib(before.rss)}; sending for ${config.seconds} s...`);
    const mix = await runMix(server.baseUrl, server.token, kinds(server.users), {
      connections: config.connections,
      seconds: config.seconds,
    });
    const peakRss = server.peakRss();
    log(`  ${name}: ${mix.sent} requests, peak RSS ${mib(peakRss)}; quiet for ${config.quietSeconds} s...`);
    await sleep(config.quietSeconds * 1000);
    const afterQuiet = await server.memory(false);
    const afterGc = await server.memory(true);
    log(
      `  ${name}: after quiet ${mib(afterQuiet.rss)}, after GC ${mib(afterGc.rss)} (heap ${mib(afterGc.heapUsed)})`,
    );
    let snapshot: string | undefined;
    if (config.heapSnapshot && name === 'hostile') {
      snapshot = join(dirname(config.out), `hostile-soak-${Date.now()}.heapsnapshot`);
      await server.snapshot(snapshot);
    }
    return { name, before, peakRss, afterQuiet, afterGc, mix, ...(snapshot ? { snapshot } : {}) };
  } finally {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function ratio(hostile: number, normal: number): string {
  return normal > 0 ? `${(hostile / normal).toFixed(2)}x` : 'n/a';
}

function memoryTable(normal: PhaseResult, hostile: PhaseResult): string[] {
  const row = (p: PhaseResult): string =>
    `| ${p.name} | ${p.mix.sent.toLocaleString('en-US')} | ${p.mix.serverErrors} | ${mib(p.before.rss)} | ${mib(p.peakRss)} | ${mib(p.afterQuiet.rss)} | ${mib(p.afterQuiet.heapUsed)} | ${mib(p.afterGc.rss)} | ${mib(p.afterGc.heapUsed)} | ${mib(p.afterGc.heapTotal)} | ${mib(p.afterGc.external)} |`;
  const r = (f: (p: PhaseResult) => number): string => ratio(f(hostile), f(normal));
  return [
    '| mix | requests | 5xx | RSS before | peak RSS | RSS after quiet | heap used after quiet | RSS after GC | heap used after GC | heap total after GC | external after GC |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    row(normal),
    row(hostile),
    `| hostile / normal | | | ${r((p) => p.before.rss)} | ${r((p) => p.peakRss)} | ${r((p) => p.afterQuiet.rss)} | ${r((p) => p.afterQuiet.heapUsed)} | ${r((p) => p.afterGc.rss)} | ${r((p) => p.afterGc.heapUsed)} | | |`,
  ];
}

function outcomeTable(phase: PhaseResult): string[] {
  const lines = ['| request | sent | answers |', '| --- | ---: | --- |'];
  for (const [label, counts] of phase.mix.outcomes) {
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const answers = [...counts.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([outcome, n]) => `${outcome} x${n}`)
      .join(', ');
    lines.push(`| ${label} | ${total} | ${answers || '-'} |`);
  }
  return lines;
}

function commandLine(config: SoakConfig): string {
  const args = [`--seconds ${config.seconds}`];
  if (config.quietSeconds !== 15) args.push(`--quiet ${config.quietSeconds}`);
  if (config.connections !== 4) args.push(`--connections ${config.connections}`);
  if (config.source !== undefined) args.push(`--source ${config.source}`);
  if (config.mallocArenaMax !== undefined) args.push(`--malloc-arena-max ${config.mallocArenaMax}`);
  return `npm run bench:soak -- ${args.join(' ')}`;
}

function report(
  config: SoakConfig,
  normal: PhaseResult,
  hostile: PhaseResult,
  started: Date,
  load: string,
): string {
  const problems = [normal, hostile]
    .filter((p) => p.mix.serverErrors > 0)
    .map((p) => `- ${p.name}: ${p.mix.serverErrors} answers with a 5xx status`);
  return [
    `# Hostile-input soak${config.label ? `: ${config.label}` : ''}`,
    '',
    `Command: \`${commandLine(config)}\` (run ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC).`,
    `Machine: ${cpus().length} x ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node.js ${process.version}, 1-minute load average ${load} at the start.`,
    `Server: ${config.source ?? 'this checkout'}, SQLite, ${config.users.toLocaleString('en-US')} users seeded, pino at info to /dev/null${config.mallocArenaMax ? `, MALLOC_ARENA_MAX=${config.mallocArenaMax}` : ''}.`,
    `Each mix ran ${config.seconds} s on ${config.connections} connections against a fresh server process; "after" is read ${config.quietSeconds} s after the mix stopped, then again after two forced full GCs. Peak is the kernel's VmHWM.`,
    '',
    ...memoryTable(normal, hostile),
    '',
    '## Hostile requests and answers',
    '',
    ...outcomeTable(hostile),
    '',
    '## Normal requests and answers',
    '',
    ...outcomeTable(normal),
    ...(hostile.snapshot
      ? ['', `Heap snapshot of the hostile server after the quiet period: ${hostile.snapshot}`]
      : []),
    ...(problems.length > 0 ? ['', '## Problems', '', ...problems] : []),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const config = readConfig();
  const started = new Date();
  const load = (loadavg()[0] ?? 0).toFixed(1);
  mkdirSync(dirname(config.out), { recursive: true });
  log(`normal mix (${config.seconds} s)...`);
  const normal = await runPhase(config, 'normal', normalKinds);
  log(`hostile mix (${config.seconds} s)...`);
  const hostile = await runPhase(config, 'hostile', hostileKinds);
  const text = report(config, normal, hostile, started, load);
  writeFileSync(config.out, text);
  process.stdout.write(text);
  log(`written to ${config.out}`);
  if (normal.mix.serverErrors + hostile.mix.serverErrors > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
