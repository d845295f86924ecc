/**
 * Initial provisioning into OpenLDAP through the LDAP connector against a raw ldapts baseline that
 * sends the same add / modify operations at the same concurrency, in the same run: USER_COUNT users
 * (inetOrgPerson) and GROUP_COUNT groups (groupOfNames, created empty and then given their members in
 * one modify, as the engine does once the members exist).
 *
 *   npm run bench:ldap            (USER_COUNT=20000 GROUP_COUNT=200 CONCURRENCY=8 ROUNDS=2 by default;
 *                                  ONLY=connector or ONLY=raw runs one side, e.g. under --cpu-prof)
 *
 * Each side gets a fresh slapd (test/support/slapd, binary from PROVISIO_TEST_SLAPD or
 * /usr/sbin/slapd), and the two alternate over ROUNDS so a slow spell of the shared machine does not
 * fall on one side only. Entries are counted on the server after each run. The connector's add
 * carries the post-read control (the new entry's entryUUID comes back with the answer) and each
 * write by DN an assertion on the anchor; the baseline sends the bare operations. The ratio of the
 * summed times over all rounds is the figure; each round's is printed too. Results go to
 * bench/README.md by hand.
 */
import { loadavg } from 'node:os';
import { Attribute, Change } from 'ldapts';
import { ldapConnector } from '../src/connectors/ldap/index.js';
import { ConnectorRegistry, type Connector } from '../src/connectors/spi/index.js';
import { startSlapd, type SlapdServer } from '../test/support/slapd/slapd-server.js';
import { countLdapEntries } from './support/ldap-entry-count.js';

process.env.PROVISIO_TEST_SLAPD ??= '/usr/sbin/slapd';
const USERS = Number(process.env.USER_COUNT ?? 20_000);
const GROUPS = Number(process.env.GROUP_COUNT ?? 200);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const CONNECTIONS = 2;
/** `ONLY=connector` (or `raw`) runs one side, for a CPU profile of it. */
const ONLY = process.env.ONLY as 'raw' | 'connector' | undefined;

interface Person {
  uid: string;
  cn: string;
  sn: string;
  givenName: string;
  mail: string;
  title: string;
  departmentNumber: string;
}

const people: Person[] = Array.from({ length: USERS }, (_, i) => ({
  uid: `user${i}`,
  cn: `User Number ${i}`,
  sn: `Number ${i}`,
  givenName: 'User',
  mail: `user${i}@example.test`,
  title: ['Engineer', 'Manager', 'Analyst', 'Designer'][i % 4]!,
  departmentNumber: String(i % 40),
}));

/** Runs `work(i)` for i in [0, count) with at most `limit` in flight. */
async function pool(count: number, limit: number, work: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

/** Wall time and this process's CPU time (user + system) of one run. */
interface Timing {
  ms: number;
  cpuMs: number;
}

const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

/** Members of group g: every GROUPS-th user, so each user is in one group. */
const membersOf = (g: number) => people.filter((_, i) => i % GROUPS === g);

async function rawRun(server: SlapdServer): Promise<Timing> {
  const clients = await Promise.all(Array.from({ length: CONNECTIONS }, () => server.admin()));
  const client = (i: number) => clients[i % CONNECTIONS]!;
  const placeholder = `cn=empty-group-placeholder,${server.baseDn}`;
  const started = performance.now();
  const cpu = process.cpuUsage();
  await pool(USERS, CONCURRENCY, async (i) => {
    const p = people[i]!;
    await client(i).add(`uid=${p.uid},${server.peopleDn}`, { objectClass: 'inetOrgPerson', ...p });
  });
  await pool(GROUPS, CONCURRENCY, async (g) => {
    const dn = `cn=group${g},${server.groupsDn}`;
    await client(g).add(dn, { objectClass: 'groupOfNames', cn: `group${g}`, member: placeholder });
    const members = membersOf(g).map((p) => `uid=${p.uid},${server.peopleDn}`);
    await client(g).modify(dn, [
      new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: members }) }),
      new Change({
        operation: 'delete',
        modification: new Attribute({ type: 'member', values: [placeholder] }),
      }),
    ]);
  });
  const elapsed = performance.now() - started;
  const used = cpuMs(process.cpuUsage(cpu));
  await Promise.all(clients.map((c) => c.unbind()));
  return { ms: elapsed, cpuMs: used };
}

async function connectorRun(server: SlapdServer): Promise<Timing> {
  const registry = new ConnectorRegistry().register(ldapConnector);
  const connector: Connector = await registry.open(
    {
      kind: 'ldap',
      settings: {
        url: server.url,
        bindDn: server.adminDn,
        baseDn: server.baseDn,
        poolSize: CONNECTIONS,
        users: { container: server.peopleDn, rdnAttribute: 'uid' },
        groups: { container: server.groupsDn, type: 'groupOfNames' },
      },
    },
    { credentials: { bindPassword: server.adminPassword } },
  );
  // One signal for the whole run, as a cycle has: a timer per call would be the caller's cost.
  const cycle = new AbortController().signal;
  const signal = () => cycle;
  const names: string[] = new Array<string>(USERS);
  const started = performance.now();
  const cpu = process.cpuUsage();
  await pool(USERS, CONCURRENCY, async (i) => {
    const created = await connector.create({ objectType: 'User', attributes: { ...people[i]! } }, signal());
    names[i] = created.name!;
  });
  await pool(GROUPS, CONCURRENCY, async (g) => {
    const group = await connector.create(
      { objectType: 'Group', attributes: { cn: `group${g}`, member: [] } },
      signal(),
    );
    const members = people.flatMap((_, i) => (i % GROUPS === g ? [names[i]!] : []));
    await connector.update!(
      {
        objectType: 'Group',
        ref: group,
        changes: [{ attribute: 'member', oldValue: [], newValue: members }],
      },
      signal(),
    );
  });
  const elapsed = performance.now() - started;
  const used = cpuMs(process.cpuUsage(cpu));
  await connector.close!();
  return { ms: elapsed, cpuMs: used };
}

/** Checks that the run left USERS users and GROUPS full groups on the server. */
async function verify(server: SlapdServer, label: string) {
  const found = await countLdapEntries(server);
  if (found.users !== USERS || found.groups !== GROUPS || found.members !== USERS) {
    throw new Error(
      `${label}: expected ${USERS} users, ${GROUPS} groups, ${USERS} memberships; found ${found.users}, ${found.groups}, ${found.members}`,
    );
  }
}

async function measure(label: string, run: (server: SlapdServer) => Promise<Timing>): Promise<Timing> {
  const server = await startSlapd();
  try {
    const timing = await run(server);
    await verify(server, label);
    return timing;
  } finally {
    await server.stop();
  }
}

const rows: { round: number; raw: Timing; connector: Timing }[] = [];
const operations = USERS + 2 * GROUPS;
const perOp = (t: Timing) => `${((t.cpuMs * 1000) / operations).toFixed(0)} µs CPU/op`;
console.log(
  `LDAP initial provisioning: ${USERS} users, ${GROUPS} groups, concurrency ${CONCURRENCY}, ${CONNECTIONS} connections`,
);
console.log(
  `load average at start: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
for (let round = 1; round <= ROUNDS; round++) {
  // Alternate which side goes first.
  const order = round % 2 === 1 ? (['raw', 'connector'] as const) : (['connector', 'raw'] as const);
  const result = { round, raw: { ms: 0, cpuMs: 0 }, connector: { ms: 0, cpuMs: 0 } };
  for (const side of order) {
    if (ONLY !== undefined && side !== ONLY) continue;
    result[side] = await measure(side, side === 'raw' ? rawRun : connectorRun);
  }
  rows.push(result);
  console.log(
    `round ${round}: raw ${(result.raw.ms / 1000).toFixed(2)} s (${perOp(result.raw)}), connector ${(result.connector.ms / 1000).toFixed(2)} s (${perOp(result.connector)}), ratio ${(result.connector.ms / result.raw.ms).toFixed(2)}x, CPU ratio ${(result.connector.cpuMs / result.raw.cpuMs).toFixed(2)}x`,
  );
}
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const raw = mean(rows.map((r) => r.raw.ms));
const connector = mean(rows.map((r) => r.connector.ms));
const rawCpu = mean(rows.map((r) => r.raw.cpuMs));
const connectorCpu = mean(rows.map((r) => r.connector.cpuMs));
console.log('');
console.log(`mean of ${ROUNDS} rounds (client CPU: this process, user + system):`);
console.log('| side | time (s) | users/s | ratio | client CPU (s) | CPU/op (µs) | CPU ratio |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
console.log(
  `| raw ldapts (add, modify) | ${(raw / 1000).toFixed(2)} | ${Math.round(USERS / (raw / 1000))} | 1.00x | ${(rawCpu / 1000).toFixed(2)} | ${((rawCpu * 1000) / operations).toFixed(0)} | 1.00x |`,
);
console.log(
  `| LDAP connector (add with post-read, modify with assertion) | ${(connector / 1000).toFixed(2)} | ${Math.round(USERS / (connector / 1000))} | ${(connector / raw).toFixed(2)}x | ${(connectorCpu / 1000).toFixed(2)} | ${((connectorCpu * 1000) / operations).toFixed(0)} | ${(connectorCpu / rawCpu).toFixed(2)}x |`,
);
console.log(
  `load average at end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
