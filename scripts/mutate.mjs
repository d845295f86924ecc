#!/usr/bin/env node
/**
 * Mutation testing of one folder or a few files: `npm run mutate -- src/scim/filter`.
 *
 * Turns each argument into Stryker `--mutate` globs (a folder: its .ts files, tests excluded; a
 * quoted glob such as 'src/expressions/*.ts': the files it matches, tests excluded; a file: that
 * file) and writes the reports to reports/mutation/<name>/ (gitignored), so runs of
 * different folders do not overwrite each other. Arguments after `--` go to Stryker unchanged.
 *
 * `npm run mutate -- --group <name>` runs one of the recorded groups below: the files mutated and
 * the only test files run against them, so each score in bench/README.md is one command. A group
 * runs at the lowest CPU priority with one test runner, and incrementally (stryker.config.mjs):
 * a second run of the same group re-tests only mutants whose code or covering tests changed.
 * Stryker writes the incremental file when a run ends, so a killed run starts over; groups are
 * kept small for that reason. `npm run mutate -- --list` prints the groups.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { setPriority } from 'node:os';
import { relative, resolve } from 'node:path';

/**
 * The recorded groups: `mutate` are source files, `tests` the test files (globs) that cover them.
 * Test files that only re-test a file through more layers, or take many seconds per run (the
 * filter fuzz test, the PATCH property tests), are left out: fewer tests can only lose kills, so
 * a group's score is a lower bound.
 */
const groups = {
  'expressions-scanner': {
    mutate: ['src/expressions/expression-scanner.ts'],
    tests: ['src/expressions/expression-scanner.test.ts', 'src/expressions/expression-parser*.test.ts'],
  },
  'expressions-parser': {
    mutate: ['src/expressions/expression-parser.ts'],
    tests: ['src/expressions/expression-parser*.test.ts'],
  },
  'expressions-checker': {
    mutate: ['src/expressions/expression-checker.ts'],
    tests: ['src/expressions/expression-checker*.test.ts', 'src/expressions/compile-expression.test.ts'],
  },
  'expressions-compiler': {
    mutate: ['src/expressions/expression-compiler.ts'],
    tests: [
      'src/expressions/expression-compiler*.test.ts',
      'src/expressions/compile-expression*.test.ts',
      'src/expressions/create-context.test.ts',
    ],
  },
  'expressions-compare-attribute': {
    mutate: ['src/expressions/compare-values.ts', 'src/expressions/attribute-reader.ts'],
    tests: [
      'src/expressions/compare-values*.test.ts',
      'src/expressions/attribute-reader*.test.ts',
      'src/expressions/expression-compiler*.test.ts',
      'src/expressions/compile-expression*.test.ts',
    ],
  },
  'filter-scanner': {
    mutate: ['src/scim/filter/filter-scanner.ts'],
    tests: ['src/scim/filter/filter-scanner.test.ts', 'src/scim/filter/filter-parser*.test.ts'],
  },
  'filter-printer-check': {
    mutate: ['src/scim/filter/filter-printer.ts', 'src/scim/filter/filter-check.ts'],
    tests: [
      'src/scim/filter/filter-printer.test.ts',
      'src/scim/filter/filter-check.test.ts',
      'src/scim/filter/filter-properties.test.ts',
    ],
  },
  'filter-evaluator-lookup': {
    mutate: ['src/scim/filter/filter-evaluator.ts', 'src/scim/filter/attribute-lookup.ts'],
    tests: ['src/scim/filter/filter-evaluator*.test.ts', 'src/scim/filter/attribute-lookup*.test.ts'],
  },
  'filter-normalise': {
    mutate: ['src/scim/filter/filter-normalise.ts'],
    tests: ['src/scim/filter/filter-normalise*.test.ts'],
  },
};

/** A function file's group: the file and its own test plus the shared argument conversions. */
function functionGroup(file, ...extraTests) {
  return {
    mutate: [`src/expressions/functions/${file}.ts`],
    tests: [`src/expressions/functions/${file}*.test.ts`, ...extraTests],
  };
}
for (const file of [
  'string-functions',
  'date-functions',
  'dotnet-regex',
  'format-date-time',
  'date-format-parser',
  'date-values',
  'logic-functions',
  'replace-function',
  'coerce',
  'multi-value-functions',
  'normalize-diacritics',
  'random-functions',
  'app-role-functions',
  'flow-functions',
]) {
  groups[`functions-${file}`] = functionGroup(
    file,
    'src/expressions/functions/docs-examples.test.ts',
    'src/expressions/functions/builtin-signatures.test.ts',
  );
}
// The files no function group covers, each run against every test file that reaches it.
groups['expressions-compile-context'] = {
  mutate: ['src/expressions/compile-expression.ts', 'src/expressions/create-context.ts'],
  tests: [
    'src/expressions/compile-expression*.test.ts',
    'src/expressions/create-context.test.ts',
    'src/expressions/expression-compiler*.test.ts',
    'src/expressions/expression-syntax-docs.test.ts',
    'src/expressions/functions/docs-examples.test.ts',
  ],
};
groups['expressions-values-diagnostics'] = {
  mutate: [
    'src/expressions/value.ts',
    'src/expressions/named-constants.ts',
    'src/expressions/expression-diagnostic.ts',
    'src/expressions/expression-limits.ts',
    'src/expressions/default-functions.ts',
  ],
  tests: [
    'src/expressions/compare-values*.test.ts',
    'src/expressions/named-constants.test.ts',
    'src/expressions/expression-scanner.test.ts',
    'src/expressions/expression-parser*.test.ts',
    'src/expressions/expression-checker*.test.ts',
    'src/expressions/compile-expression*.test.ts',
    'src/expressions/expression-syntax-docs.test.ts',
    'src/expressions/functions/coerce.test.ts',
    'src/expressions/functions/logic-functions.test.ts',
    'src/expressions/functions/flow-functions.test.ts',
    'src/expressions/functions/docs-examples.test.ts',
  ],
};
groups['functions-definitions'] = {
  mutate: ['src/expressions/functions/define-function.ts', 'src/expressions/functions/function-spec.ts'],
  tests: [
    'src/expressions/functions/define-function.test.ts',
    'src/expressions/functions/builtin-robustness.test.ts',
    'src/expressions/functions/builtin-signatures.test.ts',
    'src/expressions/functions/coerce.test.ts',
    'src/expressions/functions/string-functions*.test.ts',
    'src/expressions/expression-checker*.test.ts',
    'src/expressions/compile-expression*.test.ts',
    'src/expressions/functions/docs-examples.test.ts',
  ],
};
groups['functions-helpers'] = {
  mutate: [
    'src/expressions/functions/pcase.ts',
    'src/expressions/functions/select-unique-value.ts',
    'src/expressions/functions/time-zones.ts',
  ],
  tests: [
    'src/expressions/functions/pcase.test.ts',
    'src/expressions/functions/select-unique-value.test.ts',
    'src/expressions/functions/time-zones.test.ts',
    'src/expressions/functions/builtin-signatures.test.ts',
    'src/expressions/functions/string-functions*.test.ts',
    'src/expressions/functions/flow-functions.test.ts',
    'src/expressions/functions/date-functions*.test.ts',
    'src/expressions/functions/format-date-time.test.ts',
    'src/expressions/expression-checker.test.ts',
    'src/expressions/functions/docs-examples.test.ts',
  ],
};
// Module-level tables only (the comparison operators, the library maps): every mutant is static.
groups['expressions-ast-index'] = {
  mutate: ['src/expressions/expression-ast.ts', 'src/expressions/functions/index.ts'],
  tests: [
    'src/expressions/functions/builtin-signatures.test.ts',
    'src/expressions/expression-parser*.test.ts',
    'src/expressions/expression-checker*.test.ts',
    'src/expressions/compile-expression*.test.ts',
  ],
};
// FormatDateTime lives in date-functions.ts but is tested beside the formatter it drives.
groups['functions-date-functions'].tests.push('src/expressions/functions/format-date-time.test.ts');
// The .NET regex translation is tested through the functions that take patterns.
groups['functions-dotnet-regex'].tests.push('src/expressions/functions/replace-function.test.ts');

const rawArgs = process.argv.slice(2);
if (rawArgs[0] === '--list') {
  for (const [name, group] of Object.entries(groups)) {
    console.log(`${name}: ${group.mutate.join(' ')}  (tests: ${group.tests.join(' ')})`);
  }
  process.exit(0);
}
let args = rawArgs;
let groupName;
/** @type {string[] | undefined} */
let groupTests;
if (rawArgs[0] === '--group') {
  groupName = rawArgs[1];
  const group = groupName === undefined ? undefined : groups[groupName];
  if (!group) {
    console.error(`mutate: unknown group ${groupName ?? '(none)'}; --list prints them`);
    process.exit(2);
  }
  groupTests = group.tests;
  args = [
    ...group.mutate,
    '--',
    '--concurrency',
    '1',
    '--reporters',
    'clear-text,progress,json,html,event-recorder',
    ...rawArgs.slice(2).filter((arg) => arg !== '--'),
  ];
  // Other work shares the machine: the runs take what CPU is left (the test runners inherit it).
  setPriority(19);
}
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

const name =
  groupName ??
  targets
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
// The tests go to vitest (vitest.mutation.config.ts), not to Stryker's `--testFiles`: with that
// option Stryker activates static mutants only after the modules have loaded, so none of them can
// fail a test (stryker-js issue #6144). A `--testFiles` passed through after `--` brings that back.
const testFiles = groupTests ?? libraries.map((library) => `${library}/**/*.test.ts`);
if (passThrough.includes('--testFiles')) {
  console.warn('mutate: --testFiles makes every static mutant survive; prefer --group');
}
const strykerArgs = ['run', '--mutate', globs.join(','), '--tempDirName', `.stryker-tmp/${name}`];
const result = spawnSync('npx', ['stryker', ...strykerArgs, ...passThrough], {
  stdio: 'inherit',
  env: {
    ...process.env,
    PROVISIO_MUTATION_REPORT_DIR: reportDir,
    PROVISIO_MUTATION_TESTS: testFiles.join(','),
  },
});
console.log(`mutate: finished in ${Math.round((Date.now() - started) / 1000)} s`);
process.exit(result.status ?? 1);
