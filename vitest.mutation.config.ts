import { defineConfig } from 'vitest/config';

/**
 * The unit tests beside the code, for mutation testing (stryker.config.mjs): the server-backed
 * suites in test/ are left out so each mutant runs in seconds.
 */
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
