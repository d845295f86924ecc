import { defineConfig } from 'vitest/config';
import { LoadFailureAsFailedTest } from './scripts/load-failure-as-failed-test.mjs';

/**
 * The unit tests beside the code, for mutation testing (stryker.config.mjs): the server-backed
 * suites in test/ are left out so each mutant runs in seconds.
 *
 * PROVISIO_MUTATION_TESTS (comma-separated globs, set by scripts/mutate.mjs) narrows the tests to
 * a group's. They are chosen here and not with Stryker's `testFiles`: with `testFiles`, Stryker
 * 9.6 activates static mutants (code run while a module loads) only after the modules are loaded,
 * so no test ever sees them (stryker-js issue #6144). Without it, a static mutant is active before
 * any module is imported and every test of the group runs against it.
 */
const groupTests = process.env.PROVISIO_MUTATION_TESTS?.split(',').filter((glob) => glob !== '');

export default defineConfig({
  test: {
    include: groupTests && groupTests.length > 0 ? groupTests : ['src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', new LoadFailureAsFailedTest()],
  },
});
