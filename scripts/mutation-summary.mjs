#!/usr/bin/env node
/**
 * Per-file mutation scores of a folder from the groups' reports: `node scripts/mutation-summary.mjs
 * src/expressions`. Reads every reports/mutation/<group>/mutation.json (written by
 * `npm run mutate -- --group <group>`), takes each file under the folder from the newest report
 * that holds it, and prints a Markdown table (per file: mutants, killed, timed out, survived, no
 * coverage, static, score) with the folder total, Stryker's score: killed + timed out over valid
 * mutants. Source files of the folder that no report holds are listed after the table, so a total
 * over "every file" can be checked to be one.
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const folder = process.argv[2];
if (!folder) {
  console.error('usage: node scripts/mutation-summary.mjs <folder>');
  process.exit(2);
}
const root = resolve(folder);
const reportsDir = 'reports/mutation';

/** @type {Map<string, { group: string, time: number, mutants: any[] }>} */
const byFile = new Map();
for (const group of existsSync(reportsDir) ? readdirSync(reportsDir) : []) {
  const path = join(reportsDir, group, 'mutation.json');
  if (!existsSync(path)) continue;
  const time = statSync(path).mtimeMs;
  const report = JSON.parse(readFileSync(path, 'utf8'));
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const absolute = resolve(file);
    if (!absolute.startsWith(`${root}/`)) continue;
    const seen = byFile.get(absolute);
    if (!seen || seen.time < time) byFile.set(absolute, { group, time, mutants });
  }
}

const invalid = new Set(['CompileError', 'RuntimeError', 'Ignored']);
const total = {
  mutants: 0,
  valid: 0,
  Killed: 0,
  Timeout: 0,
  Survived: 0,
  NoCoverage: 0,
  static: 0,
  staticDetected: 0,
};
const rows = [];
for (const [file, { group, mutants }] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
  const count = (status) => mutants.filter((m) => m.status === status).length;
  const valid = mutants.filter((m) => !invalid.has(m.status)).length;
  const statics = mutants.filter((m) => m.static);
  const row = {
    mutants: mutants.length,
    valid,
    Killed: count('Killed'),
    Timeout: count('Timeout'),
    Survived: count('Survived'),
    NoCoverage: count('NoCoverage'),
    static: statics.length,
    staticDetected: statics.filter((m) => m.status === 'Killed' || m.status === 'Timeout').length,
  };
  for (const key of Object.keys(total)) total[key] += row[key];
  rows.push({ file: relative(root, file), group, ...row });
}
const score = (r) => (r.valid === 0 ? '—' : `${((100 * (r.Killed + r.Timeout)) / r.valid).toFixed(2)}%`);
console.log(
  '| file | group | mutants | killed | timed out | survived | no coverage | static (detected) | score |',
);
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  console.log(
    `| ${r.file} | \`${r.group}\` | ${r.mutants} | ${r.Killed} | ${r.Timeout} | ${r.Survived} | ${r.NoCoverage} | ${r.static} (${r.staticDetected}) | ${score(r)} |`,
  );
}
console.log(
  `| **total** | | ${total.mutants} | ${total.Killed} | ${total.Timeout} | ${total.Survived} | ${total.NoCoverage} | ${total.static} (${total.staticDetected}) | **${score(total)}** |`,
);

/** Source files under the folder (tests and test helpers excluded) that no report holds. */
function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    if (!entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts') || entry.name === 'test-helper.ts')
      return [];
    return [path];
  });
}
const missing = sources(root).filter((file) => !byFile.has(file));
if (missing.length > 0)
  console.log(
    `\nIn no report (no mutants, or never run): ${missing.map((f) => relative(root, f)).join(', ')}`,
  );
