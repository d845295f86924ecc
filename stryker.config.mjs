// Mutation testing (Stryker). Run through `npm run mutate -- <folder or files>` (scripts/mutate.mjs),
// which sets what to mutate and where the reports go; it is not part of `npm test` or CI.
const reportDir = process.env.PROVISIO_MUTATION_REPORT_DIR ?? 'reports/mutation';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: {
    // Only the unit tests beside the code; `related` narrows them to those importing the mutated
    // files, and perTest coverage runs, for each mutant, only the tests that reach it.
    configFile: 'vitest.mutation.config.ts',
    related: true,
  },
  coverageAnalysis: 'perTest',
  concurrency: 2,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: false },
  htmlReporter: { fileName: `${reportDir}/index.html` },
  jsonReporter: { fileName: `${reportDir}/mutation.json` },
  // With `--reporters clear-text,progress,json,event-recorder`, each tested mutant is written here
  // as it finishes, so survivors of a long run can be read before it ends.
  eventReporter: { baseDir: `${reportDir}/events` },
  // Later runs of the same target re-test only mutants whose code or covering tests changed.
  incremental: true,
  incrementalFile: `${reportDir}/stryker-incremental.json`,
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['reports', 'dist', 'data', 'coverage', 'bench', '.bench-tmp', '.stryker-tmp'],
  thresholds: { high: 90, low: 80, break: null },
};
