/**
 * Near-real-time propagation through `provisio serve` (issue 15): how long after a SCIM PATCH to
 * the directory is answered does the target hold the new value?
 *
 *   npm run bench:nrt                      (N=1000 changes at RATE=20 per second, USERS=1000)
 *   N=200 RATE=10 npm run bench:nrt
 *   npm run bench:nrt -- --update-report   (writes bench/nrt-propagation.md)
 *
 * The real path: `provisio serve` as its own process (bin/provisio.js when `npm run build` has
 * produced dist/, else the same CLI from source through tsx) on a temporary SQLite data directory;
 * the app (kind `scim`) stored with `provisio apps apply`, its users assigned through a group with
 * `provisio assign`, and the initial cycle serve runs at start links them all. The SCIM test target
 * runs in a child process (bench/nrt-propagation-target.ts) and reports over IPC each user write
 * it applies, with the wall-clock time it applied it. Each change sets one user's `title` to a
 * value used once, so every report names the change it carries. Latency is from the moment the
 * PATCH's answer arrived here to the moment the target held the value; both clocks are this host's.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent } from 'undici';
import { openProvisio } from '../src/main.js';
import type { JsonObject } from '../src/shared/json.js';
import { writeReport } from './report-file.js';

const N = Number(process.env.N ?? 1_000);
const RATE = Number(process.env.RATE ?? 20);
const USERS = Number(process.env.USERS ?? 1_000);
const TOKEN = 'target-token';
const GROUP = 'nrt-bench';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUILT = existsSync(join(ROOT, 'dist/cli/main.js'));
/** How `provisio` is run: the built binary, or the same CLI from source. */
const CLI = BUILT
  ? [join(ROOT, 'bin/provisio.js')]
  : ['--import', 'tsx', join(ROOT, 'test/server/fixtures/provisio-cli.ts')];
const now = () => performance.timeOrigin + performance.now();

function appYaml(): string {
  return [
    'name: nrt',
    'connector:',
    '  kind: scim',
    '  settings:',
    '    baseUrl: ${SCIM_TARGET_URL}',
    '    profile: provisio',
    '  credentials:',
    '    token: ${SCIM_TARGET_TOKEN}',
    'settings:',
    '  scope: assigned',
    '  nearRealTime: true',
    'objects:',
    '  User:',
    '    mappings:',
    '      - { target: userName, source: userPrincipalName, matchingPrecedence: 1 }',
    `      - { target: active, expression: 'Switch([IsSoftDeleted], , "False", "True", "True", "False")' }`,
    '      - { target: displayName, source: displayName }',
    '      - { target: title, source: jobTitle }',
    '  Group:',
    '    mappings:',
    '      - { target: displayName, source: displayName, matchingPrecedence: 1 }',
    '      - { target: members, source: members }',
    '',
  ].join('\n');
}

/** Runs one `provisio` command to its end; answers stdout, throws with stderr on failure. */
function provisio(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, PROVISIO_DATABASE_URL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`provisio ${args[0]} exited ${code}: ${err}`)),
    );
  });
}

interface Target {
  url: string;
  child: ChildProcess;
  /** Wall-clock time the target held each title value (the first time). */
  heldAt: Map<string, number>;
  count(): Promise<number>;
  close(): Promise<void>;
}

async function startTarget(): Promise<Target> {
  const child = fork(fileURLToPath(new URL('./nrt-propagation-target.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const heldAt = new Map<string, number>();
  let onCount: ((n: number) => void) | undefined;
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the target process exited (${code})`)));
    child.on('message', (m: { type: string; url?: string; title?: string; at?: number; users?: number }) => {
      if (m.type === 'ready') resolve(m.url!);
      else if (m.type === 'write' && typeof m.title === 'string' && !heldAt.has(m.title))
        heldAt.set(m.title, m.at!);
      else if (m.type === 'count') onCount?.(m.users!);
    });
  });
  return {
    url,
    child,
    heldAt,
    count: () =>
      new Promise<number>((resolve) => {
        onCount = resolve;
        child.send({ type: 'count' });
      }),
    close: async () => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ type: 'close' });
      await exited;
    },
  };
}

interface Served {
  url: string;
  child: ChildProcess;
  /** Durations of the cycles serve logged, in order. */
  cycles: { kind: string; durationMs: number; update: number }[];
}

function serve(dataDir: string, env: NodeJS.ProcessEnv): Promise<Served> {
  const child = spawn(
    process.execPath,
    [...CLI, 'serve', '--port', '0', '--data-dir', dataDir, '--no-request-log'],
    {
      cwd: ROOT,
      env: { ...process.env, PROVISIO_DATABASE_URL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const cycles: Served['cycles'] = [];
  let output = '';
  let pending = '';
  const onLines = (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      if (output.length < 100_000) output += line + '\n';
      if (!line.includes('"cycle finished"')) continue;
      const entry = JSON.parse(line) as { kind: string; durationMs: number; update: number };
      cycles.push({ kind: entry.kind, durationMs: entry.durationMs, update: entry.update });
    }
  };
  child.stdout.on('data', onLines);
  child.stderr.on('data', onLines);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${output}`)), 60_000);
    const check = setInterval(() => {
      const match = /listening on (http:\/\/\S+)\/scim\/v2/.exec(output);
      if (match === null) return;
      clearTimeout(timer);
      clearInterval(check);
      resolve({ url: match[1]!, child, cycles });
    }, 20);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function seed(dataDir: string): Promise<string[]> {
  const database = await openProvisio({ dataDir });
  try {
    const ids: string[] = [];
    for (let i = 0; i < USERS; i += 500) {
      const batch: JsonObject[] = [];
      for (let j = i; j < Math.min(USERS, i + 500); j++)
        batch.push({
          userName: `user${j}@contoso.com`,
          displayName: `User ${j}`,
          title: 'Analyst',
          active: true,
        });
      for (const created of await database.directory.createMany('User', batch)) ids.push(created.id);
    }
    await database.directory.createMany('Group', [
      { displayName: GROUP, members: ids.map((value) => ({ value, type: 'User' })) },
    ]);
    return ids;
  } finally {
    await database.close();
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  console.log(
    `near-real-time propagation: ${N} changes at ${RATE}/s over ${USERS} users, provisio ${BUILT ? 'from dist/ (bin/provisio.js)' : 'from source (tsx)'} (Node ${process.version})`,
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'provisio-nrt-bench-'));
  const target = await startTarget();
  let served: Served | undefined;
  const agent = new Agent({ connections: 8 });
  try {
    const ids = await seed(dataDir);
    const bearer = (
      await provisio(['tokens', 'create', '--name', 'nrt-bench', '--data-dir', dataDir])
    ).trim();
    const appFile = join(dataDir, 'nrt.yaml');
    writeFileSync(appFile, appYaml());
    const env = { SCIM_TARGET_URL: target.url, SCIM_TARGET_TOKEN: TOKEN };
    await provisio(['apps', 'apply', '-f', appFile, '--data-dir', dataDir], env);
    await provisio(['assign', 'nrt', '--group', GROUP, '--data-dir', dataDir]);

    served = await serve(dataDir, env);
    const initialStart = performance.now();
    for (;;) {
      if ((await target.count()) === USERS && served.cycles.length > 0) break;
      if (performance.now() - initialStart > 300_000)
        throw new Error('the initial cycle did not link every user');
      await sleep(200);
    }
    const initialMs = performance.now() - initialStart;
    console.log(`initial cycle: ${USERS} users linked in ${(initialMs / 1000).toFixed(1)} s`);
    await sleep(1_000);
    const cyclesBefore = served.cycles.length;

    const origin = served.url;
    const answeredAt = new Array<number>(N);
    const failures: string[] = [];
    const patchOne = async (i: number) => {
      const answer = await agent.request({
        origin,
        path: `/scim/v2/Users/${ids[i % ids.length]!}`,
        method: 'PATCH',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path: 'title', value: `nrt-${i}` }],
        }),
      });
      await answer.body.text();
      answeredAt[i] = now();
      if (answer.statusCode !== 200) failures.push(`change ${i}: PATCH answered ${answer.statusCode}`);
    };
    // Each change is sent at its slot on a fixed schedule, whether or not the last one was answered.
    const started = performance.now();
    const sent: Promise<void>[] = [];
    for (let i = 0; i < N; i++) {
      const wait = started + (i * 1000) / RATE - performance.now();
      if (wait > 0) await sleep(wait);
      sent.push(patchOne(i));
    }
    await Promise.all(sent);
    const sendMs = performance.now() - started;
    const deadline = performance.now() + 15_000;
    while (target.heldAt.size < N && performance.now() < deadline) await sleep(50);
    // serve logs a cycle after its writes are answered: give the last cycle's line time to arrive.
    await sleep(500);
    const [load1, load5] = loadavg();

    const latencies: number[] = [];
    let missing = 0;
    for (let i = 0; i < N; i++) {
      const at = target.heldAt.get(`nrt-${i}`);
      if (at === undefined) missing++;
      else latencies.push(at - answeredAt[i]!);
    }
    latencies.sort((a, b) => a - b);
    const cycles = served.cycles.slice(cyclesBefore);
    const cycleMs = cycles.map((c) => c.durationMs).sort((a, b) => a - b);
    const fmt = (ms: number) => ms.toFixed(0);
    const p99 = percentile(latencies, 99);
    const lines = [
      '# Near-real-time propagation benchmark',
      '',
      `${N.toLocaleString('en-US')} SCIM PATCHes (title) at ${RATE}/s (sent over ${(sendMs / 1000).toFixed(1)} s) to \`provisio serve\` (${BUILT ? 'bin/provisio.js from dist/' : 'the CLI from source through tsx'}) on SQLite, ${USERS.toLocaleString('en-US')} linked users, one \`scim\` app into the SCIM test target in a child process; node ${process.version}; load average ${load1!.toFixed(1)} / ${load5!.toFixed(1)} (1 / 5 min) at the end.`,
      '',
      '| changes | reached the target | p50 | p90 | p99 | max | goal (p99) |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | --- |',
      `| ${N} | ${latencies.length} | ${fmt(percentile(latencies, 50))} ms | ${fmt(percentile(latencies, 90))} ms | ${fmt(p99)} ms | ${fmt(latencies.at(-1) ?? NaN)} ms | < 200 ms: ${p99 < 200 ? 'met' : 'not met'} |`,
      '',
      `Latency: from the PATCH's answer to the target holding the value. Cycles run meanwhile: ${cycles.length} (${cycles.reduce((n, c) => n + c.update, 0)} updates); cycle duration as serve logs it: p50 ${fmt(percentile(cycleMs, 50))} ms, p90 ${fmt(percentile(cycleMs, 90))} ms, max ${fmt(cycleMs.at(-1) ?? NaN)} ms. Initial cycle (${USERS} users and the group): ${(initialMs / 1000).toFixed(1)} s.`,
      ...(missing > 0
        ? ['', `${missing} changes did not reach the target within 15 s of the last PATCH.`]
        : []),
      ...(failures.length > 0 ? ['', `${failures.length} PATCHes failed; first: ${failures[0]}`] : []),
      '',
    ];
    const text = lines.join('\n');
    console.log(text);
    console.log(`report: ${await writeReport('nrt-propagation.md', text)}`);
  } finally {
    await agent.destroy();
    if (served !== undefined && served.child.exitCode === null) {
      const exited = new Promise<void>((resolve) => served!.child.once('exit', () => resolve()));
      served.child.kill('SIGTERM');
      await exited;
    }
    await target.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
