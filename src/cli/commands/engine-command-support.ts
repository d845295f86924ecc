/**
 * What the engine's commands (`sync`, `preview`, `provision`, `logs`, `accounts`, `reconcile`,
 * `apps approve-deletes`) share: opening the directory and the engine on the storage options,
 * finding the app by name (with a did-you-mean), stopping with an exit code after the message is
 * on stderr, and the plain aligned tables they print.
 */
import { CommanderError } from 'commander';
import type { DirectoryStore } from '../../directory/directory-store.js';
import type { StoredAppWithSecrets } from '../../engine/state/engine-state.js';
import { AppBusyError, describeLeaseHolder } from '../../engine/cycle/app-lease.js';
import type { AssembledEngine } from '../../engine/runtime/engine-assembly.js';
import { editDistance } from '../../shared/did-you-mean.js';
import { ExitCode } from '../exit-code.js';
import { withDatabase } from './with-database.js';
import type { StorageFlags } from './command-support.js';

export interface EngineSession extends AssembledEngine {
  readonly directory: DirectoryStore;
  /** The app by name; stops the command (exit 1) naming the apps there are when it is unknown. */
  app(name: string): Promise<StoredAppWithSecrets>;
}

/** Stops the command with `code` after writing `message` (and any `next` hints) on stderr. */
export function fail(code: number, message: string, ...next: string[]): never {
  process.stderr.write(`provisio: ${message}\n`);
  for (const line of next) process.stderr.write(`next: ${line}\n`);
  throw new CommanderError(code, 'provisio.engine.failed', message);
}

/** Ends the command with `code` once its output is written (run() returns it as the exit code). */
export function exitWith(code: number): void {
  if (code !== ExitCode.ok) throw new CommanderError(code, 'provisio.engine.exit', `exit ${code}`);
}

/**
 * Opens the directory and the engine, runs `work`, then waits for the notifications the run
 * caused (held deletions, quarantine) to reach the app's webhook, and closes everything.
 */
export async function withEngine<T>(
  flags: StorageFlags,
  work: (session: EngineSession) => Promise<T>,
): Promise<T> {
  // The engine and the connectors load only when an engine command runs, not for every command.
  const [{ assembleEngine }, { leaseHolderName }, { createWebhookNotifier }, { createBuiltinRegistry }] =
    await Promise.all([
      import('../../engine/runtime/engine-assembly.js'),
      import('../../engine/runtime/engine-runner.js'),
      import('../../engine/runtime/webhook-notifier.js'),
      import('../../connectors/builtin-kinds.js'),
    ]);
  return withDatabase(flags, async (database, { dataDir }) => {
    const webhooks = new Map<string, string | undefined>();
    const notifier = createWebhookNotifier({
      urlFor: (app) => webhooks.get(app),
      maxAttempts: 3,
      timeoutMs: 5_000,
    });
    const assembled = assembleEngine(database, {
      holder: `${leaseHolderName()} (cli)`,
      onEvent: notifier.sink,
      dataDir,
      registry: createBuiltinRegistry(),
    });
    const state = assembled.state;
    try {
      const session: EngineSession = {
        ...assembled,
        directory: database.directory,
        app: async (name) => {
          const app = await state.getApp(name);
          if (app === undefined) {
            const names = (await state.listApps()).map((a) => a.definition.name);
            const near = names.filter((n) => editDistance(n, name, 2) <= 2);
            fail(
              ExitCode.failed,
              `no application named '${name}'${near.length > 0 ? `; did you mean '${near[0]}'?` : ''}`,
              names.length === 0
                ? 'create one with `provisio apps apply -f app.yaml`'
                : '`provisio apps list` shows the applications',
            );
          }
          webhooks.set(app.definition.name, app.definition.settings.notificationWebhookUrl);
          return app;
        },
      };
      return await work(session);
    } finally {
      await notifier.close(10_000);
      await assembled.close().catch(() => undefined);
    }
  });
}

/** Who holds the app (name, and pid and host when it recorded them), when another process runs it. */
export function busyHolder(error: unknown): { holder: string; expires: Date } | undefined {
  return error instanceof AppBusyError
    ? { holder: describeLeaseHolder(error.holder, error.process), expires: error.expires }
    : undefined;
}

/** A value on one line for human output: as JSON (strings quoted, so blanks show), absent as `(none)`. */
export function showValue(value: unknown): string {
  if (value === undefined || value === null) return '(none)';
  return JSON.stringify(value);
}

/** Milliseconds as `850 ms` or `12.3 s`. */
export function showDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
