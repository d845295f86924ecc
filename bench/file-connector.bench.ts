/**
 * The flat-file connector's full export: 100,000 users created through the connector (as a cycle
 * would), then the export written (CSV, then JSON Lines): the time of the write and the peak RSS
 * of the process, sampled every 20 ms.
 *
 *   npm run bench:file                 (USERS=100000)
 *
 * Goal (issue 19): the full export of 100,000 users in under 5 s and under 256 MB RSS.
 */
import { mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileConnector, fileSettingsSchema } from '../src/connectors/file/index.js';

const USERS = Number(process.env.USERS ?? 100_000);
const signal = new AbortController().signal;

let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);

async function run(format: 'csv' | 'jsonl') {
  const directory = mkdtempSync(join(tmpdir(), 'provisio-bench-file-'));
  try {
    const connector = new FileConnector({
      settings: fileSettingsSchema.parse({
        directory,
        format,
        fileName: 'users.{ext}',
        flushDelayMs: 600_000,
      }),
      baseDirectory: directory,
    });
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
    global.gc?.();
    const beforeExport = process.memoryUsage.rss();
    peak = beforeExport;
    const started = performance.now();
    await connector.close();
    const exportMs = performance.now() - started;
    const exportPeak = Math.max(peak, process.memoryUsage.rss());
    const file = join(directory, `users.${format}`);
    const bytes = statSync(file).size;
    const stateBytes = statSync(join(directory, '.provisio-file-state.json')).size;
    if (readdirSync(directory).length !== 2) throw new Error('unexpected files in the output directory');
    return { format, createMs, exportMs, bytes, stateBytes, beforeExport, exportPeak };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

const results = [];
for (const format of ['csv', 'jsonl'] as const) results.push(await run(format));
clearInterval(sampler);

console.log(`flat-file full export, ${USERS.toLocaleString('en')} users, Node ${process.version}`);
console.log(
  '| format | creates (in memory) | export written (output + state file) | output size | RSS before the export | peak RSS during it |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const r of results) {
  console.log(
    `| ${r.format} | ${(r.createMs / 1000).toFixed(2)} s | ${(r.exportMs / 1000).toFixed(2)} s | ${(r.bytes / 2 ** 20).toFixed(1)} MiB | ${mib(r.beforeExport)} | ${mib(r.exportPeak)} |`,
  );
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}
