/**
 * The engine over the SCIM connector into the SCIM test target over loopback, against a raw
 * baseline in the same run: a plain script sending the same HTTP requests (POST each user, POST each
 * group, PATCH each group's members in the connector's batches) at the same concurrency over the
 * same client library (undici, one keep-alive pool) into a fresh target.
 *
 *   npm run bench:scim-engine                    (USERS=20000: USERS/20 groups, USERS memberships)
 *   USERS=100000 npm run bench:scim-engine       (the size of the SCIM connector's issue)
 *   BIG_USERS=1000000 npm run bench:scim-engine  (the incremental cycle's directory; 100,000 by default)
 *   npm run bench:scim-engine -- --update-report (writes bench/scim-engine.md)
 *
 * Measured: the initial cycle (wall time, peak RSS of this process sampled every 50 ms) and the
 * baseline's wall time; then an incremental cycle of 100 changed users in a directory of BIG_USERS
 * users. The target runs in a child process (bench/scim-engine/target-process.ts), so RSS is the
 * engine's own: directory, engine state, connector. Seeding the directory is not timed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import type { DirectoryStore } from '../src/directory/directory-store.js';
import { openProvisioDatabase } from '../src/engine/state/open-engine-state.js';
import type { AppDefinition } from '../src/engine/apps/app-definition.js';
import { ConnectorRegistry } from '../src/connectors/spi/connector-registry.js';
import { scimConnector, resolveBehaviour } from '../src/connectors/scim/index.js';
import { toScimResource } from '../src/connectors/scim/scim-resource-mapping.js';
import { addMembersOperation, patchBody } from '../src/connectors/scim/scim-patch-builder.js';
import { startTargetChild, type TargetChild } from './scim-engine/target-child.js';
import {
  ENTERPRISE,
  provisioningApp,
  SCIM_GROUP_MAPPINGS,
  SCIM_USER_MAPPINGS,
} from '../test/support/provisioning-app.js';
import { contosoUser, seedGroups, seedUsers } from '../test/support/seed-directory.js';
import { startBenchEngine } from './support/bench-engine.js';
import { writeReport } from './report-file.js';

const USERS = Number(process.env.USERS ?? 20_000);
const GROUPS = Math.max(1, Math.round(USERS / 20));
const MEMBERSHIPS = USERS;
const BIG_USERS = Number(process.env.BIG_USERS ?? 100_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);
const MEMBER_BATCH = 100;
const TOKEN = 'target-token';

function definitionFor(baseUrl: string): AppDefinition {
  return provisioningApp({
    name: 'bench',
    connector: { kind: 'scim', settings: { baseUrl }, credentials: {} },
    user: SCIM_USER_MAPPINGS,
    group: SCIM_GROUP_MAPPINGS,
    settings: { concurrency: CONCURRENCY },
  });
}

const user = contosoUser;

/** The user as the app's mapping sends it, keyed by target path (what the baseline posts). */
function mappedUser(i: number) {
  const u = user(i) as { name: { givenName: string; familyName: string } } & Record<string, unknown>;
  return {
    userName: u.userName as string,
    active: true,
    displayName: u.displayName as string,
    'name.givenName': u.name.givenName,
    'name.familyName': u.name.familyName,
    'emails[type eq "work"].value': u.userName as string,
    title: u.title as string,
    [`${ENTERPRISE}:department`]: (u[ENTERPRISE] as { department: string }).department,
  };
}

/** Member indexes of group `k`: `perGroup` users spread over the directory, no repeats. */
function membersOf(k: number, users: number, groups: number, memberships: number): number[] {
  const perGroup = Math.ceil(memberships / groups);
  const out = new Set<number>();
  for (let m = 0; m < perGroup && k * perGroup + m < memberships; m++)
    out.add((k * perGroup + m * 7919) % users);
  return [...out];
}

async function seed(directory: DirectoryStore, users: number, groups: number): Promise<string[]> {
  const ids = await seedUsers(directory, users, user);
  await seedGroups(directory, groups, (k) => ({
    displayName: `Group ${k}`,
    members: membersOf(k, users, groups, MEMBERSHIPS).map((i) => ({ value: ids[i]!, type: 'User' })),
  }));
  return ids;
}

function expectedMemberships(users: number, groups: number): number {
  let n = 0;
  for (let k = 0; k < groups; k++) n += membersOf(k, users, groups, MEMBERSHIPS).length;
  return n;
}

async function openEngine(target: TargetChild, sqliteFile: string) {
  const database = await openProvisioDatabase({ sqliteFile });
  const definition = definitionFor(target.url);
  const registry = new ConnectorRegistry().register(scimConnector);
  const connector = await registry.open(
    { kind: 'scim', settings: { baseUrl: target.url, profile: 'provisio', concurrency: CONCURRENCY } },
    { credentials: { token: TOKEN } },
  );
  const { engine, appId } = await startBenchEngine(database, definition, connector);
  return {
    database,
    engine,
    appId,
    close: async () => {
      await connector.close?.();
      await database.close();
    },
  };
}

function peakRss() {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return {
    stop: () => {
      clearInterval(sampler);
      return Math.max(peak, process.memoryUsage().rss) / 2 ** 20;
    },
  };
}

function checkHolds(
  stats: { users: number; groups: number; members: number },
  side: string,
  members: number,
) {
  if (stats.users !== USERS || stats.groups !== GROUPS || stats.members !== members) {
    throw new Error(
      `${side}: the target holds ${stats.users} users, ${stats.groups} groups, ${stats.members} memberships; expected ${USERS}, ${GROUPS}, ${members}`,
    );
  }
}

async function engineInitial(members: number) {
  const dir = mkdtempSync(join(tmpdir(), 'provisio-scim-engine-bench-'));
  const target = await startTargetChild();
  const opened = await openEngine(target, join(dir, 'provisio.db'));
  try {
    await seed(opened.database.directory, USERS, GROUPS);
    const rss = peakRss();
    const started = performance.now();
    const result = await opened.engine.sync('bench');
    const elapsedMs = performance.now() - started;
    const peakRssMb = rss.stop();
    if (result.status !== 'completed') throw new Error(`engine: the initial cycle ended ${result.status}`);
    const stats = await target.stats();
    checkHolds(stats, 'engine', members);
    return { elapsedMs, peakRssMb, requests: stats.byMethod };
  } finally {
    await opened.close();
    await target.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `count` tasks with at most `concurrency` at once. */
async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/**
 * `withLookups`: also the GET the engine sends before each create (a filter on the matching
 * attribute, answered empty), so the two sides send exactly the same requests.
 */
async function baselineInitial(members: number, withLookups: boolean) {
  const target = await startTargetChild();
  const agent = new Agent({ connections: CONCURRENCY });
  const base = new URL(target.url);
  const behaviour = resolveBehaviour('provisio', {});
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' };
  const send = async (method: 'POST' | 'PATCH', path: string, body: string, status: number) => {
    const answer = await agent.request({
      origin: base.origin,
      path: `${base.pathname}${path}`,
      method,
      headers,
      body,
    });
    const text = await answer.body.text();
    if (answer.statusCode !== status)
      throw new Error(`baseline: ${method} ${path} answered ${answer.statusCode}`);
    return text;
  };
  // Bodies built before timing, as the engine's are built from the directory: the baseline does HTTP.
  const userBodies = Array.from({ length: USERS }, (_, i) =>
    JSON.stringify(toScimResource('User', mappedUser(i), behaviour)),
  );
  const groupBodies = Array.from({ length: GROUPS }, (_, k) =>
    JSON.stringify(toScimResource('Group', { displayName: `Group ${k}` }, behaviour)),
  );
  const userIds: string[] = new Array(USERS);
  const groupIds: string[] = new Array(GROUPS);
  try {
    const rss = peakRss();
    const started = performance.now();
    const lookup = async (path: string, attribute: string, value: string) => {
      const filter = encodeURIComponent(`${attribute} eq ${JSON.stringify(value)}`);
      const answer = await agent.request({
        origin: base.origin,
        path: `${base.pathname}${path}?filter=${filter}`,
        method: 'GET',
        headers,
      });
      const found = JSON.parse(await answer.body.text()) as { totalResults?: number };
      if (answer.statusCode !== 200 || found.totalResults !== 0) throw new Error('baseline: lookup failed');
    };
    await pool(USERS, CONCURRENCY, async (i) => {
      if (withLookups) await lookup('/Users', 'userName', `user${i}@contoso.com`);
      userIds[i] = (JSON.parse(await send('POST', '/Users', userBodies[i]!, 201)) as { id: string }).id;
    });
    await pool(GROUPS, CONCURRENCY, async (k) => {
      if (withLookups) await lookup('/Groups', 'displayName', `Group ${k}`);
      groupIds[k] = (JSON.parse(await send('POST', '/Groups', groupBodies[k]!, 201)) as { id: string }).id;
    });
    const patches: [number, string[]][] = [];
    for (let k = 0; k < GROUPS; k++) {
      const ids = membersOf(k, USERS, GROUPS, MEMBERSHIPS).map((i) => userIds[i]!);
      for (let b = 0; b < ids.length; b += MEMBER_BATCH) patches.push([k, ids.slice(b, b + MEMBER_BATCH)]);
    }
    await pool(patches.length, CONCURRENCY, async (p) => {
      const [k, ids] = patches[p]!;
      const body = JSON.stringify(patchBody(addMembersOperation(ids)));
      const answer = await agent.request({
        origin: base.origin,
        path: `${base.pathname}/Groups/${groupIds[k]!}`,
        method: 'PATCH',
        headers,
        body,
      });
      await answer.body.text();
      if (answer.statusCode !== 204 && answer.statusCode !== 200)
        throw new Error(`baseline: PATCH answered ${answer.statusCode}`);
    });
    const elapsedMs = performance.now() - started;
    const peakRssMb = rss.stop();
    const stats = await target.stats();
    checkHolds(stats, 'baseline', members);
    return { elapsedMs, peakRssMb, requests: stats.byMethod };
  } finally {
    await agent.destroy();
    await target.close();
  }
}

/**
 * 100 users edited in a directory of `users`. The app starts at the change feed's head with no
 * links (an initial cycle of that size into the target is out of reach here), so the 100 changed
 * users are new to it: each is looked up by userName and created.
 */
async function incremental(users: number) {
  const dir = mkdtempSync(join(tmpdir(), 'provisio-scim-engine-bench-'));
  const target = await startTargetChild();
  const opened = await openEngine(target, join(dir, 'provisio.db'));
  try {
    const s0 = performance.now();
    const ids = await seed(opened.database.directory, users, 0);
    const seedMs = performance.now() - s0;
    await opened.database.engineState.setFullSyncRequired(opened.appId, false);
    await opened.database.engineState.setWatermark(opened.appId, await opened.database.directory.headSeq());
    for (let i = 0; i < 100; i++) {
      const id = ids[(i * 997) % ids.length]!;
      await opened.database.directory.patch('User', id, [
        { op: 'replace', path: 'title', value: `Changed ${i}` },
      ]);
    }
    await target.stats();
    const started = performance.now();
    const result = await opened.engine.sync('bench');
    const elapsedMs = performance.now() - started;
    const stats = await target.stats();
    if (result.status !== 'completed' || stats.users !== 100)
      throw new Error(`incremental: ${result.status}, the target holds ${stats.users} users`);
    return { users, seedMs, elapsedMs, requests: stats.byMethod };
  } finally {
    await opened.close();
    await target.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const requestsText = (byMethod: Record<string, number>) =>
  Object.entries(byMethod)
    .sort()
    .map(([method, n]) => `${n.toLocaleString('en-US')} ${method}`)
    .join(', ');

async function main(): Promise<void> {
  const members = expectedMemberships(USERS, GROUPS);
  console.log(
    `SCIM engine benchmark: ${USERS} users, ${GROUPS} groups, ${members} memberships, concurrency ${CONCURRENCY} (Node ${process.version})`,
  );
  const baseline = await baselineInitial(members, false);
  console.log(`baseline  ${(baseline.elapsedMs / 1000).toFixed(1)} s  (${requestsText(baseline.requests)})`);
  const lookups = await baselineInitial(members, true);
  console.log(
    `baseline with lookups  ${(lookups.elapsedMs / 1000).toFixed(1)} s  (${requestsText(lookups.requests)})`,
  );
  const engine = await engineInitial(members);
  console.log(
    `engine    ${(engine.elapsedMs / 1000).toFixed(1)} s  peak RSS ${engine.peakRssMb.toFixed(0)} MB  (${requestsText(engine.requests)})`,
  );
  const inc = await incremental(BIG_USERS);
  console.log(
    `incremental, 100 changes in ${BIG_USERS} users: ${inc.elapsedMs.toFixed(0)} ms (${requestsText(inc.requests)})`,
  );
  const [load1, load5] = (await import('node:os')).loadavg();
  const lines = [
    '# SCIM engine benchmark',
    '',
    `node ${process.version}, concurrency ${CONCURRENCY}, SCIM test target in a child process over loopback, directory and engine state in one SQLite file; load average ${load1!.toFixed(1)} / ${load5!.toFixed(1)} (1 / 5 min) at the end.`,
    '',
    '| run | objects | wall time | peak RSS (this process) | requests |',
    '| --- | ---: | ---: | ---: | --- |',
    `| baseline (raw undici) | ${USERS.toLocaleString('en-US')} users, ${GROUPS.toLocaleString('en-US')} groups, ${members.toLocaleString('en-US')} memberships | ${(baseline.elapsedMs / 1000).toFixed(1)} s | ${baseline.peakRssMb.toFixed(0)} MB | ${requestsText(baseline.requests)} |`,
    `| baseline with the engine's lookups | same | ${(lookups.elapsedMs / 1000).toFixed(1)} s | ${lookups.peakRssMb.toFixed(0)} MB | ${requestsText(lookups.requests)} |`,
    `| engine initial cycle | same | ${(engine.elapsedMs / 1000).toFixed(1)} s (${(engine.elapsedMs / baseline.elapsedMs).toFixed(2)}x the baseline, ${(engine.elapsedMs / lookups.elapsedMs).toFixed(2)}x with lookups) | ${engine.peakRssMb.toFixed(0)} MB | ${requestsText(engine.requests)} |`,
    `| engine incremental, 100 changes | directory of ${inc.users.toLocaleString('en-US')} users | ${inc.elapsedMs.toFixed(0)} ms | - | ${requestsText(inc.requests)} |`,
    '',
  ];
  const text = lines.join('\n');
  console.log(text);
  console.log(`report: ${await writeReport('scim-engine.md', text)}`);
}

await main();
