/**
 * Initial provisioning through the whole engine into OpenLDAP, against a raw ldapts baseline that
 * sends the same adds and member modifies at the same concurrency, in the same run: USER_COUNT
 * directory users and GROUP_COUNT groups (each user in one group), all assigned to the app, from
 * a SQLite file (directory and engine state, as `provisio serve` runs it) to a fresh slapd per side.
 *
 *   npm run bench:ldap-engine                      (USER_COUNT=20000 GROUP_COUNT=200 CONCURRENCY=8)
 *   npm run bench:ldap-engine -- --update-report   (writes bench/ldap-engine.md)
 *   MATCHING=on | off | both                       (default both; see below)
 *
 * The engine side is `createEngineService(...).sync()` with the `ldap` connector (through the
 * registry, so guarded) and app concurrency CONCURRENCY over two pooled connections. Seeding the
 * directory and the assignments is not timed. A new object is matched before it is created when a
 * mapping has a matchingPrecedence (one search per object, as an app usually has); MATCHING=off runs
 * the same app without it, which sends exactly the baseline's operations. The baseline mirrors what
 * the engine sent: the connector's calls are counted, and when the engine gives groups their
 * members in an update after creating them, the baseline adds each group with groupOfNames'
 * placeholder and then modifies it; otherwise its add carries the members. Entries and memberships
 * are counted on the server after each side. Figures: wall time, this process's CPU time (user +
 * system; slapd runs in its own process) and peak RSS sampled every 50 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attribute, Change, type Client } from 'ldapts';
import { ldapConnector } from '../src/connectors/ldap/index.js';
import { ConnectorRegistry, type Connector } from '../src/connectors/spi/index.js';
import type { AppDefinition } from '../src/engine/apps/app-definition.js';
import { compileApp } from '../src/engine/apps/compile-app.js';
import { createEngineService } from '../src/engine/cycle/create-engine-service.js';
import { openProvisioDatabase } from '../src/engine/state/open-engine-state.js';
import type { JsonObject } from '../src/shared/json.js';
import { startSlapd, type SlapdServer } from '../test/support/slapd/slapd-server.js';
import { ENTERPRISE, provisioningApp } from '../test/support/provisioning-app.js';
import { assignAll, memberRefs, seedGroups, seedUsers } from '../test/support/seed-directory.js';
import { countLdapEntries } from './support/ldap-entry-count.js';
import { writeReport } from './report-file.js';

process.env.PROVISIO_TEST_SLAPD ??= '/usr/sbin/slapd';
const USERS = Number(process.env.USER_COUNT ?? 20_000);
const GROUPS = Number(process.env.GROUP_COUNT ?? 200);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);
const MATCHING = (process.env.MATCHING ?? 'both') as 'on' | 'off' | 'both';
const CONNECTIONS = 2;
const TITLES = ['Engineer', 'Manager', 'Analyst', 'Designer'];

/** What both sides write for user i (the engine gets it through the mappings below). */
function ldapUser(i: number) {
  return {
    uid: `user${i}`,
    cn: `User Number ${i}`,
    sn: `Number${i}`,
    givenName: 'User',
    mail: `user${i}@example.test`,
    title: TITLES[i % 4]!,
    departmentNumber: String(i % 40),
  };
}

function directoryUser(i: number): JsonObject {
  return {
    userName: `user${i}@example.test`,
    displayName: `User Number ${i}`,
    name: { givenName: 'User', familyName: `Number${i}` },
    title: TITLES[i % 4]!,
    active: true,
    emails: [{ type: 'work', value: `user${i}@example.test`, primary: true }],
    [ENTERPRISE]: { department: String(i % 40) },
  };
}

function definition(server: SlapdServer, matching: boolean): AppDefinition {
  const precedence = matching ? { matchingPrecedence: 1 } : {};
  return provisioningApp({
    name: 'ldap-bench',
    connector: {
      kind: 'ldap',
      settings: {
        url: server.url,
        bindDn: server.adminDn,
        baseDn: server.baseDn,
        poolSize: CONNECTIONS,
        users: { container: server.peopleDn, rdnAttribute: 'uid' },
        groups: { container: server.groupsDn, type: 'groupOfNames' },
      },
      credentials: {},
    },
    user: [
      { target: 'uid', expression: 'Word([userPrincipalName], 1, "@")', ...precedence },
      { target: 'cn', source: 'displayName' },
      { target: 'sn', source: 'surname' },
      { target: 'givenName', source: 'givenName' },
      { target: 'mail', source: 'mail' },
      { target: 'title', source: 'jobTitle' },
      { target: 'departmentNumber', source: 'department' },
    ],
    group: [
      { target: 'cn', source: 'displayName', ...precedence },
      { target: 'member', source: 'members' },
    ],
    settings: { scope: 'assigned', concurrency: CONCURRENCY },
  });
}

interface Measured {
  ms: number;
  cpuMs: number;
  peakRssMb: number;
}

/** Times `work`, with this process's CPU and its peak RSS. */
async function measured(work: () => Promise<void>): Promise<Measured> {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const cpu = process.cpuUsage();
  const started = performance.now();
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { ms, cpuMs: (used.user + used.system) / 1000, peakRssMb: peak / 2 ** 20 };
}

/** Runs `work(i)` for i in [0, count) with at most `limit` in flight. */
async function pool(count: number, limit: number, work: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

/** Counts the calls the engine makes on a connector, by method. */
function counting(connector: Connector, calls: Map<string, number>): Connector {
  return new Proxy(connector, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => {
        const [request] = args as [{ objectType?: string } | undefined];
        const key = `${property}${request?.objectType ? ` ${request.objectType}` : ''}`;
        calls.set(key, (calls.get(key) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

interface EngineRun extends Measured {
  seedMs: number;
  calls: Map<string, number>;
}

async function engineRun(server: SlapdServer, matching: boolean): Promise<EngineRun> {
  const dir = mkdtempSync(join(tmpdir(), 'provisio-ldap-engine-bench-'));
  const database = await openProvisioDatabase({ sqliteFile: join(dir, 'provisio.db') });
  const registry = new ConnectorRegistry().register(ldapConnector);
  const app = definition(server, matching);
  const opened = await registry.open(
    { kind: 'ldap', settings: app.connector.settings },
    { credentials: { bindPassword: server.adminPassword } },
  );
  const calls = new Map<string, number>();
  const connector = counting(opened, calls);
  try {
    const seedStarted = performance.now();
    const stored = await database.engineState.putApp({
      definition: app,
      sealedCredentials: null,
      fullSyncRequired: true,
    });
    const userIds = await seedUsers(database.directory, USERS, directoryUser);
    const groupIds = await seedGroups(database.directory, GROUPS, (g) => ({
      displayName: `group${g}`,
      members: memberRefs(userIds.filter((_, i) => i % GROUPS === g)),
    }));
    await assignAll(database.directory, stored.id, userIds, groupIds);
    const seedMs = performance.now() - seedStarted;
    const compiled = compileApp(app);
    if (!compiled.ok) throw new Error(compiled.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
    const engine = createEngineService({
      directory: database.directory,
      state: database.engineState,
      loadApp: async () => ({
        stored: (await database.engineState.getApp(app.name))!,
        compiled: compiled.app,
        connector,
      }),
    });
    let report: Awaited<ReturnType<typeof engine.sync>> | undefined;
    const timing = await measured(async () => {
      report = await engine.sync(app.name);
    });
    if (report!.status !== 'completed' || report!.failures.length > 0) {
      throw new Error(
        `engine cycle: ${report!.status}, ${report!.failures.length} failures: ${JSON.stringify(report!.failures.slice(0, 3))}`,
      );
    }
    return { ...timing, seedMs, calls };
  } finally {
    await opened.close?.();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function rawRun(server: SlapdServer, groupsByUpdate: boolean): Promise<Measured> {
  const clients: Client[] = await Promise.all(Array.from({ length: CONNECTIONS }, () => server.admin()));
  const client = (i: number) => clients[i % CONNECTIONS]!;
  const placeholder = `cn=empty-group-placeholder,${server.baseDn}`;
  const memberDns = (g: number) => {
    const dns: string[] = [];
    for (let i = g; i < USERS; i += GROUPS) dns.push(`uid=user${i},${server.peopleDn}`);
    return dns;
  };
  try {
    return await measured(async () => {
      await pool(USERS, CONCURRENCY, async (i) => {
        const user = ldapUser(i);
        await client(i).add(`uid=${user.uid},${server.peopleDn}`, { objectClass: 'inetOrgPerson', ...user });
      });
      await pool(GROUPS, CONCURRENCY, async (g) => {
        const dn = `cn=group${g},${server.groupsDn}`;
        if (!groupsByUpdate) {
          await client(g).add(dn, { objectClass: 'groupOfNames', cn: `group${g}`, member: memberDns(g) });
          return;
        }
        await client(g).add(dn, { objectClass: 'groupOfNames', cn: `group${g}`, member: placeholder });
        await client(g).modify(dn, [
          new Change({
            operation: 'add',
            modification: new Attribute({ type: 'member', values: memberDns(g) }),
          }),
          new Change({
            operation: 'delete',
            modification: new Attribute({ type: 'member', values: [placeholder] }),
          }),
        ]);
      });
    });
  } finally {
    await Promise.all(clients.map((c) => c.unbind()));
  }
}

/** Checks that a side left USER_COUNT users and GROUP_COUNT full groups on the server. */
async function verify(server: SlapdServer, label: string) {
  const found = await countLdapEntries(server);
  if (found.users !== USERS || found.groups !== GROUPS || found.members !== USERS) {
    throw new Error(
      `${label}: expected ${USERS} users, ${GROUPS} groups, ${USERS} memberships; found ${found.users}, ${found.groups}, ${found.members}`,
    );
  }
}

async function onFreshSlapd<T>(label: string, run: (server: SlapdServer) => Promise<T>): Promise<T> {
  const server = await startSlapd();
  try {
    const result = await run(server);
    await verify(server, label);
    return result;
  } finally {
    await server.stop();
  }
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const loadAtStart = load();
console.log(
  `LDAP initial provisioning through the engine: ${USERS} users, ${GROUPS} groups, concurrency ${CONCURRENCY}, ${CONNECTIONS} connections; load average ${loadAtStart}`,
);

const variants = MATCHING === 'both' ? [false, true] : [MATCHING === 'on'];
const engineRuns: { matching: boolean; run: EngineRun }[] = [];
let raw: Measured | undefined;
for (const matching of variants) {
  const label = `engine${matching ? ' (matching)' : ''}`;
  const run = await onFreshSlapd(label, (server) => engineRun(server, matching));
  engineRuns.push({ matching, run });
  console.log(
    `${label}: ${(run.ms / 1000).toFixed(2)} s, CPU ${(run.cpuMs / 1000).toFixed(2)} s, peak RSS ${run.peakRssMb.toFixed(0)} MiB (seeding ${(run.seedMs / 1000).toFixed(1)} s untimed); calls ${JSON.stringify(Object.fromEntries(run.calls))}`,
  );
  // The baseline runs once, after the first engine run has shown how groups get their members.
  if (raw === undefined) {
    const groupsByUpdate = (run.calls.get('update Group') ?? 0) >= GROUPS;
    raw = await onFreshSlapd('raw', (server) => rawRun(server, groupsByUpdate));
    console.log(
      `raw ldapts (${groupsByUpdate ? 'groups: add, then modify' : 'groups: one add with members'}): ${(raw.ms / 1000).toFixed(2)} s, CPU ${(raw.cpuMs / 1000).toFixed(2)} s`,
    );
  }
}

const baseline = raw!;
const seconds = (ms: number) => (ms / 1000).toFixed(2);
const lines = [
  '# LDAP initial provisioning through the engine',
  '',
  `node ${process.version}; ${USERS.toLocaleString('en-US')} users and ${GROUPS} groups (${Math.round(USERS / GROUPS)} members each), all assigned; concurrency ${CONCURRENCY}, ${CONNECTIONS} connections; directory and engine state in one SQLite temp file; a fresh slapd per side. Load average at start ${loadAtStart}, at end ${load()}.`,
  '',
  '| side | time (s) | ratio | client CPU (s) | CPU ratio | peak RSS (MiB) | connector calls |',
  '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
  // The baseline runs in the same process after an engine run, so its RSS says nothing of its own.
  `| raw ldapts (same adds and modifies) | ${seconds(baseline.ms)} | 1.00x | ${seconds(baseline.cpuMs)} | 1.00x | - | |`,
  ...engineRuns.map(
    ({ matching, run }) =>
      `| engine + ldap connector${matching ? ', matching first (one search per object)' : ', no matching'} | ${seconds(run.ms)} | ${(run.ms / baseline.ms).toFixed(2)}x | ${seconds(run.cpuMs)} | ${(run.cpuMs / baseline.cpuMs).toFixed(2)}x | ${run.peakRssMb.toFixed(0)} | ${[
        ...run.calls,
      ]
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')} |`,
  ),
  '',
];
const text = lines.join('\n');
console.log('');
console.log(text);
console.log(`report: ${await writeReport('ldap-engine.md', text)}`);
