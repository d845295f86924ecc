/**
 * The `provisio` command from source (tsx) in a process of its own, as a shell runs it. The
 * environment's PROVISIO_DATABASE_URL is cleared, so that only a test's flags choose the database.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository, the processes' working directory. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The command's entry point from source. */
export const CLI = fileURLToPath(new URL('../server/fixtures/provisio-cli.ts', import.meta.url));

export interface SpawnedCli {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `provisio ...args` (with `env` added) to its end. */
export function spawnCli(args: readonly string[], env: Record<string, string> = {}): Promise<SpawnedCli> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, PROVISIO_DATABASE_URL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
