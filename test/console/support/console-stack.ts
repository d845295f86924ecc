/**
 * What the console's end-to-end tests run against: a fresh console build, a real `serve` (runServer
 * with the engine) on its own data directory, and the SCIM test target as the application.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { runServer, type RunningServer } from '../../../src/main.js';
import { startScimTarget, type ScimTarget } from '../../support/scim-target/index.js';

const VITE_CONFIG = fileURLToPath(new URL('../../../src/console/vite.config.ts', import.meta.url));

let built: Promise<string> | undefined;

/** Builds the console once per test process into a temporary folder (never over dist/console). */
export function buildConsole(): Promise<string> {
  built ??= (async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'provisio-console-build-'));
    await build({ configFile: VITE_CONFIG, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    return outDir;
  })();
  return built;
}

export interface ConsoleStack {
  readonly url: string;
  readonly server: RunningServer;
  readonly target: ScimTarget;
  readonly dataDir: string;
  close(): Promise<void>;
}

export async function startConsoleStack(): Promise<ConsoleStack> {
  const consoleDir = await buildConsole();
  const dataDir = mkdtempSync(join(tmpdir(), 'provisio-console-data-'));
  const target = await startScimTarget();
  const server = await runServer({ port: 0, dataDir, engine: true, consoleDir, feedRetentionMs: 0 });
  return {
    url: server.url,
    server,
    target,
    dataDir,
    close: async () => {
      await server.close();
      await target.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
