#!/usr/bin/env node
/**
 * Mutation testing of one folder or a few files: `npm run mutate -- src/scim/filter`.
 *
 * Turns each argument into Stryker `--mutate` globs (a folder: its .ts files, tests excluded; a
 * quoted glob such as 'src/expressions/*.ts': the files it matches, tests excluded; a file: that
 * file) and writes the reports to reports/mutation/<name>/ (gitignored), so runs of
 * different folders do not overwrite each other. Arguments after `--` go to Stryker unchanged.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';

const args = process.argv.slice(2);
const split = args.indexOf('--');
const targets = split === -1 ? args : args.slice(0, split);
const passThrough = split === -1 ? [] : args.slice(split + 1);

if (targets.length === 0) {
  console.error('usage: npm run mutate -- <folder or file.ts>... [-- <stryker options>]');
  process.exit(2);
}

const globs = [];
for (const target of targets) {
  if (target.includes('*')) {
    globs.push(target);
    continue;
  }
  if (!existsSync(target)) {
    console.error(`mutate: ${target} does not exist`);
    process.exit(2);
  }
  const path = relative(process.cwd(), resolve(target)).replaceAll('\\', '/');
  if (statSync(target).isDirectory()) {
    globs.push(`${path}/**/*.ts`);
  } else if (path.endsWith('.test.ts') || !path.endsWith('.ts')) {
    console.error(`mutate: ${target} is not a source file (.ts, not .test.ts)`);
    process.exit(2);
  } else {
    globs.push(path);
  }
}

// Test helpers beside the tests are not code under test.
globs.push('!**/*.test.ts', '!**/test-helper.ts');

const name = targets
  .map((t) => relative(process.cwd(), resolve(t)).replace(/\.ts$/, '').replaceAll('*', 'all'))
  .join('+')
  .replace(/[^A-Za-z0-9._+-]+/g, '-');
const reportDir = `reports/mutation/${name}`;
console.log(`mutate: ${globs.join(' ')}\nmutate: reports in ${reportDir}/`);

const started = Date.now();
// A sandbox folder per target: Stryker deletes its whole temp folder when done, so two targets
// may run at once without one removing the other's sandbox.
// The tests are those of the library the targets belong to (src/scim, src/expressions, ...), and
// of those only the ones related to the mutated files: the store and server suites beside other
// folders are slower and time-sensitive, and would only re-test the library through more layers.
const libraries = [
  ...new Set(targets.map((t) => relative(process.cwd(), resolve(t)).split('/').slice(0, 2).join('/'))),
];
const testFiles = libraries.map((library) => `${library}/**/*.test.ts`);
const strykerArgs = [
  'run',
  '--mutate',
  globs.join(','),
  '--testFiles',
  testFiles.join(','),
  '--tempDirName',
  `.stryker-tmp/${name}`,
];
const result = spawnSync('npx', ['stryker', ...strykerArgs, ...passThrough], {
  stdio: 'inherit',
  env: { ...process.env, PROVISIO_MUTATION_REPORT_DIR: reportDir },
});
console.log(`mutate: finished in ${Math.round((Date.now() - started) / 1000)} s`);
process.exit(result.status ?? 1);
