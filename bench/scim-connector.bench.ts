/**
 * SCIM connector create throughput against a raw baseline, side by side in one run: the connector
 * creating users through its client (limits, auth, request building, answer checks, mapping back)
 * and a plain loop of raw undici requests sending the same POST bodies at the same concurrency, each
 * into a fresh SCIM test target over loopback. Connector level only; bench/scim-engine.bench.ts
 * runs whole cycles through the engine.
 *
 *   npm run bench:scim                    (USERS=3000 CONCURRENCY=8 ROUNDS=3 by default)
 *   ONLY=connector npx tsx --cpu-prof bench/scim-connector.bench.ts   (one side, for a profile)
 *
 * The target runs in this process (test/support/scim-target), so both sides share its cost; the
 * figure to read is the ratio. Both sides use undici with a keep-alive pool of CONCURRENCY connections.
 */
import { Agent } from 'undici';
import { startScimTarget } from '../test/support/scim-target/index.js';
import { scimConnectorFor } from '../test/support/scim-target/connector-for.js';
import { toScimResource } from '../src/connectors/scim/scim-resource-mapping.js';
import { resolveBehaviour } from '../src/connectors/scim/index.js';
import type { TargetAttributes } from '../src/connectors/spi/index.js';
import { runPool } from './support/task-pool.js';

const USERS = Number(process.env.USERS ?? 3000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
/** `ONLY=connector` (or `baseline`) runs one side, for a CPU profile of it. */
const ONLY = process.env.ONLY as 'baseline' | 'connector' | undefined;
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function attributesOf(round: number, side: string, i: number): TargetAttributes {
  const userName = `${side}-${round}-${i}@contoso.com`;
  return {
    userName,
    active: true,
    displayName: `User ${i}`,
    title: i % 2 === 0 ? 'Engineer' : 'Analyst',
    'emails[type eq "work"].value': userName,
    'name.givenName': 'User',
    'name.familyName': String(i),
    externalId: `${side}${round}x${i}`,
    [`${ENTERPRISE}:department`]: i % 4 === 0 ? 'Sales' : 'Engineering',
    [`${ENTERPRISE}:employeeNumber`]: String(700000 + i),
  };
}

/** Runs `count` tasks with at most `concurrency` at once; answers each task's latency in ms. */
async function timedPool(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<number[]> {
  const latencies: number[] = new Array(count);
  await runPool(count, concurrency, async (i) => {
    const started = performance.now();
    await task(i);
    latencies[i] = performance.now() - started;
  });
  return latencies;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function connectorRound(round: number) {
  const target = await startScimTarget();
  const connector = scimConnectorFor(target.url, { concurrency: CONCURRENCY, profile: 'provisio' });
  // One signal for the whole run, as the engine passes one per cycle.
  const signal = new AbortController().signal;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const latencies = await timedPool(USERS, CONCURRENCY, async (i) => {
    await connector.create({ objectType: 'User', attributes: attributesOf(round, 'c', i) }, signal);
  });
  const elapsed = performance.now() - started;
  const cpuUs = cpuOf(cpu);
  await connector.close!();
  const held = target.resources('User').length;
  await target.close();
  if (held !== USERS) throw new Error(`connector round: the target holds ${held} users, expected ${USERS}`);
  return { elapsed, latencies, cpuUs };
}

async function baselineRound(round: number) {
  const target = await startScimTarget();
  const agent = new Agent({ connections: CONCURRENCY });
  const url = new URL(`${target.url}/Users`);
  const behaviour = resolveBehaviour('provisio', {});
  // The same bodies the connector sends, built before timing: the baseline does HTTP only.
  const bodies = Array.from({ length: USERS }, (_, i) =>
    JSON.stringify(toScimResource('User', attributesOf(round, 'b', i), behaviour)),
  );
  const cpu = process.cpuUsage();
  const started = performance.now();
  const latencies = await timedPool(USERS, CONCURRENCY, async (i) => {
    const answer = await agent.request({
      origin: url.origin,
      path: url.pathname,
      method: 'POST',
      headers: { authorization: 'Bearer target-token', 'content-type': 'application/scim+json' },
      body: bodies[i]!,
    });
    const text = await answer.body.text();
    if (answer.statusCode !== 201) throw new Error(`baseline: HTTP ${answer.statusCode}`);
    JSON.parse(text);
  });
  const elapsed = performance.now() - started;
  const cpuUs = cpuOf(cpu);
  await agent.destroy();
  const held = target.resources('User').length;
  await target.close();
  if (held !== USERS) throw new Error(`baseline round: the target holds ${held} users, expected ${USERS}`);
  return { elapsed, latencies, cpuUs };
}

/** CPU time of this process (client and in-process target) since `from`, in microseconds. */
function cpuOf(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return used.user + used.system;
}

// Wall time swings with the machine's load; CPU time per create (which includes the target's
// share, the same on both sides) is the steadier figure on a shared machine.
function report(label: string, run: { elapsed: number; latencies: number[]; cpuUs: number }) {
  const sorted = [...run.latencies].sort((a, b) => a - b);
  const rate = (USERS / run.elapsed) * 1000;
  const cpuPerCreate = run.cpuUs / USERS;
  console.log(
    `${label.padEnd(10)} ${rate.toFixed(0).padStart(7)} creates/s   p50 ${percentile(sorted, 50).toFixed(2)} ms   p99 ${percentile(sorted, 99).toFixed(2)} ms   CPU ${cpuPerCreate.toFixed(0)} µs/create`,
  );
  return { rate, cpuPerCreate };
}

console.log(
  `SCIM connector create throughput: ${USERS} users, concurrency ${CONCURRENCY}, ${ROUNDS} rounds (Node ${process.version})`,
);
const ratios: number[] = [];
const cpuRatios: number[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  // Alternate which side goes first, so warm-up and GC do not favour one.
  const first = round % 2 === 1 ? 'baseline' : 'connector';
  const runs: Record<string, { elapsed: number; latencies: number[]; cpuUs: number }> = {};
  for (const side of first === 'baseline' ? ['baseline', 'connector'] : ['connector', 'baseline']) {
    if (ONLY !== undefined && side !== ONLY) continue;
    runs[side] = side === 'baseline' ? await baselineRound(round) : await connectorRound(round);
  }
  console.log(`round ${round}`);
  const base = runs.baseline === undefined ? undefined : report('baseline', runs.baseline);
  const conn = runs.connector === undefined ? undefined : report('connector', runs.connector);
  if (base === undefined || conn === undefined) continue;
  ratios.push(base.rate / conn.rate);
  cpuRatios.push(conn.cpuPerCreate / base.cpuPerCreate);
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
if (ONLY === undefined) {
  console.log(`connector wall time / baseline, median of ${ROUNDS}: ${median(ratios).toFixed(2)}x`);
  console.log(`connector CPU per create / baseline, median of ${ROUNDS}: ${median(cpuRatios).toFixed(2)}x`);
}
const [load1, load5] = (await import('node:os')).loadavg();
console.log(`load average ${load1!.toFixed(1)} ${load5!.toFixed(1)}`);
