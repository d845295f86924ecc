/**
 * The engine's own cost, with the in-memory connector as the target: one SQLite file holds the
 * directory and the engine's state, as `provisio serve` runs it.
 *
 *   npm run bench:engine                       (USERS=100000 GROUP_COUNT=5000 MEMBERSHIPS=100000)
 *   npm run bench:engine -- --million          (also: 100 changes at 1,000,000 users; MILLION_USERS)
 *   npm run bench:engine -- --update-report    (writes bench/engine-cycle.md)
 *   CPU_PROFILE=initial.cpuprofile npm run bench:engine   (a CPU profile of the initial cycle alone)
 *
 * Measured: the initial cycle (objects/s, peak RSS sampled every 50 ms); an incremental cycle of
 * 100 changes; `preview` of the initial cycle (links and watermark dropped first). Seeding the
 * directory is not timed. The target searches and enforces unique userName / displayName as a real
 * one does, so every new object costs one matching `find` and one uniqueness check (both indexed in
 * the memory target). Besides wall time each step reports the process's CPU time (user + system)
 * per object, which the shared machine disturbs far less, and the load average at the start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DirectoryStore } from '../src/directory/directory-store.js';
import { openProvisioDatabase } from '../src/engine/state/open-engine-state.js';
import type { AppDefinition } from '../src/engine/apps/app-definition.js';
import { ConnectorRegistry } from '../src/connectors/spi/connector-registry.js';
import type { MemoryTarget } from '../src/connectors/memory/memory-connector.js';
import { createMemoryDefinition } from '../src/connectors/memory/memory-definition.js';
import {
  provisioningApp,
  SCIM_GROUP_MAPPINGS,
  SCIM_USER_MAPPINGS,
} from '../test/support/provisioning-app.js';
import { contosoUser, seedGroups, seedUsers } from '../test/support/seed-directory.js';
import { startBenchEngine } from './support/bench-engine.js';
import { profiled } from './support/cpu-profile.js';
import { writeReport } from './report-file.js';

const definition: AppDefinition = provisioningApp({
  name: 'bench',
  connector: { kind: 'memory', settings: {}, credentials: {} },
  user: SCIM_USER_MAPPINGS,
  group: SCIM_GROUP_MAPPINGS,
});

async function seed(
  directory: DirectoryStore,
  users: number,
  groups: number,
  memberships: number,
): Promise<string[]> {
  const ids = await seedUsers(directory, users, contosoUser);
  const perGroup = Math.ceil(memberships / groups);
  await seedGroups(directory, groups, (k) => {
    const members = [];
    for (let m = 0; m < perGroup && k * perGroup + m < memberships; m++) {
      members.push({ value: ids[(k * perGroup + m * 7919) % ids.length]!, type: 'User' });
    }
    return { displayName: `Group ${k}`, members: dedupe(members) };
  });
  return ids;
}

function dedupe(members: { value: string; type: string }[]): { value: string; type: string }[] {
  const seen = new Map(members.map((m) => [m.value, m]));
  return [...seen.values()];
}

async function run(users: number, groups: number, memberships: number, withInitial: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'provisio-engine-bench-'));
  const database = await openProvisioDatabase({ sqliteFile: join(dir, 'provisio.db') });
  try {
    const t0 = performance.now();
    const ids = await seed(database.directory, users, groups, memberships);
    const seedMs = performance.now() - t0;
    let target: MemoryTarget | undefined;
    const registry = new ConnectorRegistry().register(
      createMemoryDefinition({ onTarget: (t) => (target = t) }),
    );
    // Matching is part of the real cost: find and the unique attributes stay on (the defaults).
    // MATCHING=off drops them, as the benchmark ran before the memory target had indexes.
    const matching = process.env.MATCHING !== 'off';
    const connector = await registry.open({
      kind: 'memory',
      settings: matching
        ? { capabilities: { batchCreate: false } }
        : {
            capabilities: { find: false, batchCreate: false },
            uniqueAttributes: { User: [], Group: [] },
            requiredAttributes: { User: [], Group: [] },
          },
    });
    const { engine, appId } = await startBenchEngine(database, definition, connector);
    const result: Record<string, number> = { users, groups, memberships, seedMs };
    if (withInitial) {
      // The seeding's garbage is the benchmark's, not the engine's: collected before the cycle
      // when the script runs with --expose-gc (as `npm run bench:engine` does), so the peak below
      // is what the cycle adds to a settled process. RSS at the start is reported beside it.
      (globalThis as { gc?: () => void }).gc?.();
      result.startRssMb = process.memoryUsage().rss / 2 ** 20;
      let peak = process.memoryUsage().rss;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
      const i0 = performance.now();
      const cpu0 = process.cpuUsage();
      const initial = await profiled(() => engine.sync('bench'));
      result.initialMs = performance.now() - i0;
      result.initialCpuMs = cpuMs(process.cpuUsage(cpu0));
      clearInterval(sampler);
      result.initialObjects = initial.summary.create;
      result.peakRssMb = peak / 2 ** 20;
      if (target!.count('User') !== users || initial.status !== 'completed') {
        throw new Error(
          `initial cycle incomplete: ${initial.status}, ${target!.count('User')} users in the target`,
        );
      }
    } else {
      // At a million users only incremental cycles run: the app starts at the feed's head, a first
      // cycle provisions the 100 users (and their groups), and the timed one updates them.
      await database.engineState.setFullSyncRequired(appId, false);
      await database.engineState.setWatermark(appId, await database.directory.headSeq());
      for (let i = 0; i < 100; i++) {
        const id = ids[(i * 997) % ids.length]!;
        await database.directory.patch('User', id, [{ op: 'replace', path: 'title', value: 'Seen' }]);
      }
      await engine.sync('bench');
    }
    // 100 changes: 100 users edited once each.
    for (let i = 0; i < 100; i++) {
      const id = ids[(i * 997) % ids.length]!;
      await database.directory.patch('User', id, [{ op: 'replace', path: 'title', value: `Changed ${i}` }]);
    }
    const c0 = performance.now();
    const ccpu0 = process.cpuUsage();
    const incremental = await engine.sync('bench');
    result.incrementalMs = performance.now() - c0;
    result.incrementalCpuMs = cpuMs(process.cpuUsage(ccpu0));
    result.incrementalChanges = incremental.summary.update + incremental.summary.create;
    if (result.incrementalChanges !== 100) {
      throw new Error(`the incremental cycle made ${result.incrementalChanges} changes`);
    }
    if (withInitial) {
      // The initial cycle's preview: the same app with no links, no watermark and an empty target
      // (each object is looked up by its matching attribute and found missing), measured last so
      // its report's memory does not count in the cycle's RSS.
      target!.clear();
      await database.engineState.deleteLinks(appId);
      await database.engineState.clearWatermark(appId);
      const p0 = performance.now();
      const pcpu0 = process.cpuUsage();
      const preview = await engine.preview('bench');
      result.previewMs = performance.now() - p0;
      result.previewCpuMs = cpuMs(process.cpuUsage(pcpu0));
      result.previewItems = preview.items.length;
      if (preview.summary.create !== users + groups)
        throw new Error(`preview planned ${preview.summary.create} creates`);
    }
    return result;
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

async function main(): Promise<void> {
  const load = loadavg()
    .map((n) => n.toFixed(1))
    .join(' / ');
  const users = Number(process.env.USERS ?? 100_000);
  const groups = Number(process.env.GROUP_COUNT ?? 5_000);
  const memberships = Number(process.env.MEMBERSHIPS ?? 100_000);
  const rows: Record<string, number>[] = [await run(users, groups, memberships, true)];
  if (process.argv.includes('--million'))
    rows.push(await run(Number(process.env.MILLION_USERS ?? 1_000_000), groups, memberships, false));
  const fmt = (n: number | undefined, digits = 0) =>
    n === undefined ? '-' : n.toLocaleString('en-US', { maximumFractionDigits: digits });
  const lines = [
    '# Engine cycle benchmark',
    '',
    `node ${process.version}, memory connector (find and unique attributes ${process.env.MATCHING === 'off' ? 'off' : 'on'}), directory and engine state in one SQLite file (synchronous=FULL); load average at the start ${load} (1 / 5 / 15 min).`,
    '',
    '| users | groups | memberships | initial cycle | objects/s | CPU per object | RSS at start | peak RSS | preview (initial) | preview CPU per object | incremental, 100 changes | its CPU |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => {
      const objects = r.users! + r.groups!;
      const initial = r.initialMs === undefined ? '-' : `${fmt(r.initialMs / 1000, 1)} s`;
      const rate = r.initialMs === undefined ? '-' : fmt((objects / r.initialMs) * 1000);
      const cpu = r.initialCpuMs === undefined ? '-' : `${fmt((r.initialCpuMs * 1000) / objects)} µs`;
      const rss = r.peakRssMb === undefined ? '-' : `${fmt(r.peakRssMb)} MB`;
      const startRss = r.startRssMb === undefined ? '-' : `${fmt(r.startRssMb)} MB`;
      const preview = r.previewMs === undefined ? '-' : `${fmt(r.previewMs / 1000, 1)} s`;
      const pcpu = r.previewCpuMs === undefined ? '-' : `${fmt((r.previewCpuMs * 1000) / objects)} µs`;
      return `| ${fmt(r.users)} | ${fmt(r.groups)} | ${fmt(r.memberships)} | ${initial} | ${rate} | ${cpu} | ${startRss} | ${rss} | ${preview} | ${pcpu} | ${fmt(r.incrementalMs)} ms | ${fmt(r.incrementalCpuMs)} ms |`;
    }),
    '',
  ];
  const text = lines.join('\n');
  console.log(text);
  console.log(JSON.stringify(rows));
  console.log(`report: ${await writeReport('engine-cycle.md', text)}`);
}

await main();
