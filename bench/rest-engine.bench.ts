/**
 * The engine over the REST connector into the REST test API over loopback, against a raw
 * baseline in the same run: a plain script sending the same requests (for each user the lookup
 * `GET /users?userName=<value>&_page=1&_limit=100` answered empty, then `POST /users` with the
 * same JSON body) at the same concurrency through the same client library (undici, one keep-alive
 * pool) into a fresh API.
 *
 *   npm run bench:rest-engine                 (USERS=20000, CONCURRENCY=8)
 *   USERS=5000 npm run bench:rest-engine
 *   ENGINE=off npm run bench:rest-engine      (baseline and connector alone only)
 *   CPU_PROFILE=rest.cpuprofile ENGINE=off npm run bench:rest-engine   (profiles the connector alone)
 *
 * A third side splits the engine's cost from the connector's: the connector alone (opened through
 * the registry, so with the guard every engine call goes through) sending, for each user, the
 * find and the create the engine sends, at the same concurrency, without the engine.
 *
 * Measured for each side: wall time of the initial cycle (or the loop) and this process's CPU
 * time (user + system) over it. The API runs in a child process, so no side's CPU includes the
 * API's. Seeding the directory is not timed.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent } from 'undici';
import type { JsonObject } from '../src/shared/json.js';
import { restConnector } from '../src/connectors/rest/index.js';
import { ConnectorRegistry } from '../src/connectors/spi/connector-registry.js';
import { openProvisioDatabase } from '../src/engine/state/open-engine-state.js';
import { provisioningApp } from '../test/support/provisioning-app.js';
import { restSettingsFor } from '../test/support/rest-api/rest-app-settings.js';
import { contosoUser, seedUsers } from '../test/support/seed-directory.js';
import { startBenchEngine } from './support/bench-engine.js';
import { profiled } from './support/cpu-profile.js';
import { runPool } from './support/task-pool.js';

const USERS = Number(process.env.USERS ?? 20_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);
const TOKEN = 'rest-bench-token';
/** `ENGINE=off` skips the engine side: the connector's own cost against the baseline, quickly. */
const WITH_ENGINE = process.env.ENGINE !== 'off';

interface Api {
  url: string;
  stats(): Promise<{ users: number; byMethod: Record<string, number> }>;
  close(): Promise<void>;
}

async function startApi(): Promise<Api> {
  const child = fork(fileURLToPath(new URL('./rest-engine/api-process.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, REST_BENCH_TOKEN: TOKEN },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message: { url: string }) => resolve(message.url));
    child.once('exit', (code) => reject(new Error(`the API process exited (${code})`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    stats: async () => (await (await fetch(`${url}/_stats`)).json()) as Awaited<ReturnType<Api['stats']>>,
    close: async () => {
      child.disconnect();
      await exited;
    },
  };
}

/** The user as the app's mappings send it (what the baseline posts). */
function body(i: number): JsonObject {
  const u = contosoUser(i) as { userName: string; displayName: string; title: string; name: JsonObject };
  return {
    userName: u.userName,
    displayName: u.displayName,
    name: u.name,
    email: u.userName,
    title: u.title,
    active: true,
  };
}

function measure() {
  const cpu = process.cpuUsage();
  const started = performance.now();
  return () => {
    const used = process.cpuUsage(cpu);
    return { wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
  };
}

async function engineRun() {
  const dir = mkdtempSync(join(tmpdir(), 'provisio-rest-engine-bench-'));
  const api = await startApi();
  const database = await openProvisioDatabase({ sqliteFile: join(dir, 'provisio.db') });
  const settings = { ...restSettingsFor(api.url), concurrency: CONCURRENCY } as JsonObject;
  const connector = await new ConnectorRegistry()
    .register(restConnector)
    .open({ kind: 'rest', settings }, { credentials: { token: TOKEN } });
  try {
    const definition = provisioningApp({
      name: 'bench',
      connector: { kind: 'rest', settings, credentials: {} },
      user: [
        { target: 'userName', source: 'userName', matchingPrecedence: 1 },
        { target: 'displayName', source: 'displayName' },
        { target: 'name.givenName', source: 'name.givenName' },
        { target: 'name.familyName', source: 'name.familyName' },
        { target: 'email', source: 'emails[type eq "work"].value' },
        { target: 'title', source: 'title' },
      ],
      group: [
        { target: 'displayName', source: 'displayName', matchingPrecedence: 1 },
        { target: 'members', source: 'members' },
      ],
      settings: { concurrency: CONCURRENCY },
    });
    const { engine } = await startBenchEngine(database, definition, connector);
    await seedUsers(database.directory, USERS, contosoUser);
    await api.stats();
    const stop = measure();
    const result = await engine.sync('bench');
    const timing = stop();
    if (result.status !== 'completed') throw new Error(`engine: the initial cycle ended ${result.status}`);
    const stats = await api.stats();
    if (stats.users !== USERS)
      throw new Error(`engine: the API holds ${stats.users} users, expected ${USERS}`);
    const sample = (await (
      await fetch(`${api.url}/users?userName=user7@contoso.com`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      })
    ).json()) as JsonObject[];
    const { id: _id, ...sent } = sample[0]!;
    if (JSON.stringify(sent) !== JSON.stringify(body(7)))
      throw new Error(
        `engine and baseline bodies differ: ${JSON.stringify(sent)} vs ${JSON.stringify(body(7))}`,
      );
    return { ...timing, requests: stats.byMethod };
  } finally {
    await connector.close?.();
    await database.close();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The connector alone: the engine's find and create for each user, without the engine. */
async function connectorRun() {
  const api = await startApi();
  const settings = { ...restSettingsFor(api.url), concurrency: CONCURRENCY } as JsonObject;
  const connector = await new ConnectorRegistry()
    .register(restConnector)
    .open({ kind: 'rest', settings }, { credentials: { token: TOKEN } });
  try {
    await api.stats();
    const stop = measure();
    // One signal for the whole run, as the engine passes one per cycle.
    const signal = new AbortController().signal;
    await profiled(() =>
      runPool(USERS, CONCURRENCY, async (i) => {
        const sent = body(i) as { name: { givenName: string; familyName: string } } & JsonObject;
        const found = await connector.find!(
          { objectType: 'User', attribute: 'userName', value: sent.userName! },
          signal,
        );
        if (found.length !== 0) throw new Error('connector: lookup found a user');
        await connector.create(
          {
            objectType: 'User',
            attributes: {
              userName: sent.userName!,
              displayName: sent.displayName!,
              'name.givenName': sent.name.givenName,
              'name.familyName': sent.name.familyName,
              email: sent.email!,
              title: sent.title!,
            },
            enabled: true,
          },
          signal,
        );
      }),
    );
    const timing = stop();
    const stats = await api.stats();
    if (stats.users !== USERS)
      throw new Error(`connector: the API holds ${stats.users} users, expected ${USERS}`);
    return { ...timing, requests: stats.byMethod };
  } finally {
    await connector.close?.();
    await api.close();
  }
}

async function baselineRun() {
  const api = await startApi();
  const agent = new Agent({ connections: CONCURRENCY });
  const base = new URL(api.url);
  const headers = { authorization: `Bearer ${TOKEN}`, accept: 'application/json' };
  const bodies = Array.from({ length: USERS }, (_, i) => JSON.stringify(body(i)));
  try {
    await api.stats();
    const stop = measure();
    await runPool(USERS, CONCURRENCY, async (i) => {
      const lookup = await agent.request({
        origin: base.origin,
        // As the connector's find sends it: the list's paging parameters, first page.
        path: `/users?userName=${encodeURIComponent(`user${i}@contoso.com`)}&_page=1&_limit=100`,
        method: 'GET',
        headers,
      });
      const found = JSON.parse(await lookup.body.text()) as unknown[];
      if (lookup.statusCode !== 200 || found.length !== 0) throw new Error('baseline: lookup failed');
      const created = await agent.request({
        origin: base.origin,
        path: '/users',
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: bodies[i]!,
      });
      const answer = JSON.parse(await created.body.text()) as { id?: string };
      if (created.statusCode !== 201 || answer.id === undefined) throw new Error('baseline: create failed');
    });
    const timing = stop();
    const stats = await api.stats();
    if (stats.users !== USERS)
      throw new Error(`baseline: the API holds ${stats.users} users, expected ${USERS}`);
    return { ...timing, requests: stats.byMethod };
  } finally {
    await agent.destroy();
    await api.close();
  }
}

const text = (byMethod: Record<string, number>) =>
  Object.entries(byMethod)
    .sort()
    .map(([method, n]) => `${n.toLocaleString('en-US')} ${method}`)
    .join(', ');

console.log(`REST engine benchmark: ${USERS} users, concurrency ${CONCURRENCY} (Node ${process.version})`);
const baseline = await baselineRun();
console.log(
  `baseline  wall ${(baseline.wallMs / 1000).toFixed(2)} s  cpu ${(baseline.cpuMs / 1000).toFixed(2)} s  (${text(baseline.requests)})`,
);
const alone = await connectorRun();
console.log(
  `connector wall ${(alone.wallMs / 1000).toFixed(2)} s  cpu ${(alone.cpuMs / 1000).toFixed(2)} s  (${text(alone.requests)}; ratio wall ${(alone.wallMs / baseline.wallMs).toFixed(2)}x cpu ${(alone.cpuMs / baseline.cpuMs).toFixed(2)}x)`,
);
const [loadBefore] = (await import('node:os')).loadavg();
if (WITH_ENGINE) {
  const engine = await engineRun();
  console.log(
    `engine    wall ${(engine.wallMs / 1000).toFixed(2)} s  cpu ${(engine.cpuMs / 1000).toFixed(2)} s  (${text(engine.requests)})`,
  );
  console.log(
    `ratio     wall ${(engine.wallMs / baseline.wallMs).toFixed(2)}x  cpu ${(engine.cpuMs / baseline.cpuMs).toFixed(2)}x  (goal: wall at most 1.3x)`,
  );
}
const [loadAfter] = (await import('node:os')).loadavg();
console.log(
  `load average ${loadBefore!.toFixed(1)} before the engine side, ${loadAfter!.toFixed(1)} at the end`,
);
