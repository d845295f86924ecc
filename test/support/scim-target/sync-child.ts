/**
 * One `sync` of an app in a process of its own, for the crash test: the directory and the engine's
 * state in a SQLite file, the SCIM connector to the test target in the parent process. Prints the
 * cycle's report as one JSON line. The parent kills it with SIGKILL at random points.
 *
 *   node --import tsx sync-child.ts <sqlite file> <app name> <target base URL>
 */
import { ConnectorRegistry } from '../../../src/connectors/spi/index.js';
import { scimConnector } from '../../../src/connectors/scim/index.js';
import { compileApp } from '../../../src/engine/apps/compile-app.js';
import { createEngineService } from '../../../src/engine/cycle/create-engine-service.js';
import { openProvisioDatabase } from '../../../src/engine/state/open-engine-state.js';

const [sqliteFile, appName, baseUrl] = process.argv.slice(2);
if (!sqliteFile || !appName || !baseUrl)
  throw new Error('usage: sync-child <sqlite file> <app> <target url>');

const database = await openProvisioDatabase({ sqliteFile });
const connector = await new ConnectorRegistry()
  .register(scimConnector)
  .open(
    { kind: 'scim', settings: { baseUrl, profile: 'provisio', concurrency: 8 } },
    { credentials: { token: 'target-token' } },
  );
const engine = createEngineService({
  directory: database.directory,
  state: database.engineState,
  loadApp: async (name) => {
    const stored = await database.engineState.getApp(name);
    if (stored === undefined) throw new Error(`no app ${name}`);
    const compiled = compileApp(stored.definition);
    if (!compiled.ok) throw new Error(compiled.issues.map((i) => i.message).join('; '));
    return { stored, compiled: compiled.app, connector };
  },
  // The same holder each run, so a restarted run takes over the lease the killed one left.
  holder: 'crash-test-worker',
  leaseTtlMs: 5_000,
});
const report = await engine.sync(appName);
process.stdout.write(`${JSON.stringify({ status: report.status, summary: report.summary })}\n`);
await connector.close?.();
await database.close();
