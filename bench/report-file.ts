/**
 * Where a benchmark writes its markdown report. An ordinary run writes `.bench-tmp/<name>` at the
 * root of the repository (gitignored), so benchmarking never leaves the tree dirty; only a run
 * given `--update-report` (`npm run bench:server -- --update-report`) replaces the tracked
 * `bench/<name>` that bench/README.md links to.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The command-line flag that makes a run replace the tracked report. */
export const UPDATE_REPORT_FLAG = '--update-report';

/** Whether this run was asked to replace the tracked report. */
export function updatesTrackedReport(argv: readonly string[] = process.argv): boolean {
  return argv.slice(2).includes(UPDATE_REPORT_FLAG);
}

/** The file a report named `name` (e.g. `scim-server.md`) goes to in this run. */
export function reportPath(name: string, argv: readonly string[] = process.argv): string {
  const folder = updatesTrackedReport(argv) ? './' : '../.bench-tmp/';
  return fileURLToPath(new URL(folder + name, import.meta.url));
}

/** Writes the report where this run's reports go and returns the path written. */
export async function writeReport(
  name: string,
  markdown: string,
  argv: readonly string[] = process.argv,
): Promise<string> {
  const path = reportPath(name, argv);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, markdown);
  return path;
}
