/**
 * The flat-file connector's full export: 100,000 users created through the connector (as a cycle
 * would), then the export written (CSV, JSON Lines): the time of the write and the peak RSS of the
 * process, sampled every 20 ms. Each format runs in a process of its own, so neither starts from
 * the other's heap.
 *
 *   npm run bench:file                       (USERS=100000)
 *   npm run bench:file -- --engine           (also: the same users through a whole engine cycle)
 *
 * `--engine` seeds a SQLite directory with the users (not timed) and runs `sync` into the file
 * connector, then, in another process, into the in-memory connector: the baseline, the engine's
 * own cost, with the same matching `find` per user. Their difference is the file connector's part.
 *
 * Goal (issue 19): the full export of 100,000 users in under 5 s and under 256 MB RSS.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileConnector, fileSettingsSchema } from '../src/connectors/file/index.js';
import type { Connector } from '../src/connectors/spi/index.js';

const USERS = Number(process.env.USERS ?? 100_000);
const signal = new AbortController().signal;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

let peak = 0;
function startSampling(): () => number {
  peak = process.memoryUsage.rss();
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  return () => {
    clearInterval(sampler);
    return Math.max(peak, process.memoryUsage.rss());
  };
}

function fileConnector(directory: string, format: 'csv' | 'jsonl'): FileConnector {
  return new FileConnector({
    settings: fileSettingsSchema.parse({ directory, format, fileName: 'users.{ext}', flushDelayMs: 600_000 }),
    baseDirectory: directory,
  });
}

/** One format: creates through the connector, then close() writes the export and the state file. */
async function exportRun(format: 'csv' | 'jsonl') {
  const directory = mkdtempSync(join(tmpdir(), 'provisio-bench-file-'));
  try {
    const connector = fileConnector(directory, format);
    const created = performance.now();
    for (let i = 0; i < USERS; i++) {
      await connector.create(
        {
          objectType: 'User',
          attributes: {
            userName: `user${i}@example.com`,
            displayName: `Last${i}, First "${i}"`,
            givenName: `First${i}`,
            surname: `Last${i}`,
            department: i % 7 === 0 ? 'Sales, EMEA' : 'Engineering',
            title: 'Engineer',
            employeeId: String(100000 + i),
            mail: `user${i}@example.com`,
          },
        },
        signal,
      );
    }
    const createMs = performance.now() - created;
    const beforeExport = process.memoryUsage.rss();
    const stop = startSampling();
    const started = performance.now();
    await connector.close();
    const exportMs = performance.now() - started;
    const exportPeak = stop();
    const bytes = statSync(join(directory, `users.${format}`)).size;
    if (readdirSync(directory).length !== 2) throw new Error('unexpected files in the output directory');
    return { format, createMs, exportMs, bytes, beforeExport, exportPeak };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** One engine cycle of USERS users into the file connector or the in-memory baseline. */
async function engineRun(targetKind: 'file' | 'memory') {
  const { openProvisioDatabase } = await import('../src/engine/state/open-engine-state.js');
  const { ConnectorRegistry } = await import('../src/connectors/spi/connector-registry.js');
  const { createMemoryDefinition } = await import('../src/connectors/memory/memory-definition.js');
  const { fileConnectorDefinition } = await import('../src/connectors/file/index.js');
  const { provisioningApp } = await import('../test/support/provisioning-app.js');
  const { contosoUser, seedUsers } = await import('../test/support/seed-directory.js');
  const { startBenchEngine } = await import('./support/bench-engine.js');
  const dir = mkdtempSync(join(tmpdir(), 'provisio-bench-file-engine-'));
  const database = await openProvisioDatabase({ sqliteFile: join(dir, 'provisio.db') });
  try {
    await seedUsers(database.directory, USERS, contosoUser);
    const registry = new ConnectorRegistry()
      .register(createMemoryDefinition())
      .register(fileConnectorDefinition);
    const connector: Connector = await registry.open(
      targetKind === 'file'
        ? {
            kind: 'file',
            settings: { directory: join(dir, 'out'), fileName: 'users.csv', flushDelayMs: 600_000 },
          }
        : { kind: 'memory', settings: { capabilities: { batchCreate: false } } },
    );
    const definition = provisioningApp({
      name: 'bench',
      connector: { kind: targetKind, settings: {}, credentials: {} },
      user: [
        { target: 'userName', source: 'userPrincipalName', matchingPrecedence: 1 },
        { target: 'displayName', source: 'displayName' },
        { target: 'givenName', source: 'givenName' },
        { target: 'surname', source: 'surname' },
        { target: 'title', source: 'jobTitle' },
        { target: 'department', source: 'department' },
      ],
      group: [{ target: 'displayName', source: 'displayName', matchingPrecedence: 1 }],
    });
    // Users only: the export measured is the users file.
    const usersOnly = {
      ...definition,
      objects: { ...definition.objects, Group: { ...definition.objects.Group, enabled: false } },
    };
    const { engine } = await startBenchEngine(database, usersOnly, connector);
    const beforeCycle = process.memoryUsage.rss();
    const stopCycle = startSampling();
    const c0 = performance.now();
    const result = await engine.sync('bench');
    const cycleMs = performance.now() - c0;
    const cyclePeak = stopCycle();
    if (result.summary.create !== USERS) throw new Error(`the cycle created ${result.summary.create} users`);
    const stopExport = startSampling();
    const e0 = performance.now();
    await connector.close?.();
    const exportMs = performance.now() - e0;
    const exportPeak = stopExport();
    return { targetKind, cycleMs, beforeCycle, cyclePeak, exportMs, exportPeak };
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function child<T>(...args: string[]): T {
  const run = spawnSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--child', ...args],
    {
      encoding: 'utf8',
      env: process.env,
      maxBuffer: 16 * 2 ** 20,
    },
  );
  if (run.status !== 0) throw new Error(`child ${args.join(' ')} failed:\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as T;
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  const result =
    argv[1] === 'export'
      ? await exportRun(argv[2] as 'csv' | 'jsonl')
      : await engineRun(argv[2] as 'file' | 'memory');
  console.log(JSON.stringify(result));
} else {
  const load = loadavg()[0]!.toFixed(1);
  console.log(
    `flat-file full export, ${USERS.toLocaleString('en')} users, Node ${process.version}, load average ${load}`,
  );
  console.log(
    '| format | creates (in memory) | export written (output + state file) | output size | RSS before the export | peak RSS during it |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const format of ['csv', 'jsonl'] as const) {
    const r = child<Awaited<ReturnType<typeof exportRun>>>('export', format);
    console.log(
      `| ${r.format} | ${seconds(r.createMs)} | ${seconds(r.exportMs)} | ${(r.bytes / 2 ** 20).toFixed(1)} MiB | ${mib(r.beforeExport)} | ${mib(r.exportPeak)} |`,
    );
  }
  if (argv.includes('--engine')) {
    console.log(
      `\nengine cycle of ${USERS.toLocaleString('en')} users (SQLite directory, seeding not timed)`,
    );
    console.log(
      '| target | cycle | RSS before the cycle | peak RSS in the cycle | export (close) | peak RSS in the export |',
    );
    console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const kind of ['memory', 'file'] as const) {
      const r = child<Awaited<ReturnType<typeof engineRun>>>('engine', kind);
      const exported = kind === 'file' ? `${seconds(r.exportMs)} | ${mib(r.exportPeak)}` : '— | —';
      console.log(
        `| ${kind} | ${seconds(r.cycleMs)} | ${mib(r.beforeCycle)} | ${mib(r.cyclePeak)} | ${exported} |`,
      );
    }
  }
}
