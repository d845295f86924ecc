/**
 * A vitest reporter for mutation runs (vitest.mutation.config.ts): a test file that fails to load
 * gets one failed test carrying the load error.
 *
 * Stryker's vitest runner (9.6) builds a mutant's result from the tests vitest collected, and a
 * file whose import throws collects none, so a static mutant that breaks a module at load (a
 * function definition emptied, a table entry removed) was reported surviving although every test
 * of that file failed with it. The everyday suite does not use this reporter: there vitest already
 * reports such a file as failed.
 */
export class LoadFailureAsFailedTest {
  /** @type {import('vitest/node').Vitest | undefined} */
  vitest;

  /** @param {import('vitest/node').Vitest} vitest */
  onInit(vitest) {
    this.vitest = vitest;
  }

  onTestRunEnd() {
    for (const file of this.vitest?.state.getFiles() ?? []) {
      if (file.result?.state !== 'fail' || file.tasks.length > 0) continue;
      file.tasks.push({
        type: 'test',
        id: `${file.id}_load`,
        name: 'the test file loads',
        mode: 'run',
        suite: file,
        file,
        meta: {},
        annotations: [],
        artifacts: [],
        timeout: 0,
        context: /** @type {never} */ (undefined),
        result: { state: 'fail', errors: file.result.errors ?? [] },
      });
    }
  }
}
