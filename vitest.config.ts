import { defineConfig } from 'vitest/config';

// PROVISIO_TEST_REPORT=FILE also writes vitest's JSON report there, so that .ci/run can run the
// README's `npm test` exactly as written and still say which server-backed suites ran.
const jsonReport = process.env.PROVISIO_TEST_REPORT;

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll waits for something eventual (a page to render, a cycle to end); its 1 s default
    // is shorter than a loaded CI machine takes for a first render. A longer wait costs time only
    // when the assertion fails.
    expect: { poll: { timeout: 10_000 } },
    ...(jsonReport ? { reporters: ['default', 'json'], outputFile: { json: jsonReport } } : {}),
  },
});
