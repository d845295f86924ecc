/**
 * `provisio apps apply -f FILE`, `apps list [--json]`, `apps export NAME`, `apps delete NAME`:
 * applications as YAML files (docs/engine/applications.md). They open the same database as
 * `serve` (same --data-dir / --database) and run the directory's and the engine's migrations.
 * A file with problems prints every one of them, with line and column, and stores nothing.
 */
import type { Command } from 'commander';
import type { StoredApp } from '../../engine/apps/app-definition.js';
import type { ApplyResult } from '../../engine/apps/apps-service.js';
import { AppFileError } from '../../engine/apps/load-app-file.js';
import { existingFile } from './option-parsers.js';
import { addStorageOptions } from './storage-options.js';
import type { StorageFlags } from './command-support.js';
import { withAppsService } from './apps-command-context.js';
import { cliActor, table } from './command-support.js';
import { appName } from './option-parsers.js';

/** One app in `apps list --json` (documented in docs/engine/applications.md). */
export function appListEntry(app: StoredApp): Record<string, unknown> {
  const { definition } = app;
  return {
    name: definition.name,
    id: app.id,
    ...(definition.description !== undefined ? { description: definition.description } : {}),
    enabled: definition.enabled,
    connector:
      definition.connector.kind !== undefined
        ? { kind: definition.connector.kind }
        : { module: definition.connector.module },
    version: app.version,
    fullSyncRequired: app.fullSyncRequired,
    created: app.created.toISOString(),
    updated: app.updated.toISOString(),
  };
}

/** `apps apply --json` (a stable interface, docs/engine/commands.md). */
export function applyResultJson(result: ApplyResult): Record<string, unknown> {
  return {
    app: result.app.definition.name,
    id: result.app.id,
    status: result.status,
    version: result.app.version,
    changed: [...result.changed],
    fullSyncMarked: result.fullSyncMarked,
    fullSyncRequired: result.fullSyncRequired,
  };
}

/** `apps apply --json` for a file with problems: every one, with its place. */
export function applyIssuesJson(error: AppFileError): Record<string, unknown> {
  return {
    status: 'invalid',
    issues: error.issues.map((issue) => ({
      file: issue.file,
      path: issue.path,
      ...(issue.line !== undefined ? { line: issue.line, column: issue.col ?? 1 } : {}),
      message: issue.message,
    })),
  };
}

/** Registers `apps` and its subcommands. */
export function register(program: Command): void {
  const apps = program.command('apps').description('Manage applications (targets) as YAML files');

  addStorageOptions(
    apps
      .command('apply')
      .description('Validate an app file and store it (created, updated or unchanged)')
      .requiredOption('-f, --file <file>', 'the app file (YAML)', existingFile)
      .option(
        '--json',
        'print one JSON object: { app, id, status, version, changed, fullSyncMarked, fullSyncRequired }, or { status: "invalid", issues }',
      ),
  ).action(async (options: StorageFlags & { file: string; json?: boolean }) => {
    await withAppsService(options, async (service) => {
      let result: ApplyResult;
      try {
        result = await service.apply(options.file, cliActor());
      } catch (error) {
        // Scripts read the problems from stdout as data; the message still goes to stderr.
        if (options.json && error instanceof AppFileError) {
          process.stdout.write(`${JSON.stringify(applyIssuesJson(error))}\n`);
        }
        throw error;
      }
      if (options.json) {
        process.stdout.write(`${JSON.stringify(applyResultJson(result))}\n`);
        return;
      }
      const { name } = result.app.definition;
      const fullSync = result.fullSyncRequired ? '; the next cycle is a full sync' : '';
      if (result.status === 'unchanged') {
        process.stdout.write(`app '${name}' unchanged (version ${result.app.version})\n`);
      } else if (result.status === 'created') {
        process.stdout.write(`created app '${name}' (version 1)${fullSync}\n`);
      } else {
        process.stdout.write(
          `updated app '${name}' (version ${result.app.version}): ${result.changed.join(', ')} changed${fullSync}\n`,
        );
      }
    });
  });

  addStorageOptions(
    apps
      .command('list')
      .description('List the applications')
      .option('--json', 'print JSON: { "apps": [ { name, id, enabled, connector, version, ... } ] }'),
  ).action(async (options: StorageFlags & { json?: boolean }) => {
    await withAppsService(options, async (service) => {
      const list = await service.list();
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ apps: list.map(appListEntry) }, null, 2)}\n`);
        return;
      }
      if (list.length === 0) {
        process.stderr.write('no apps\n');
        return;
      }
      const rows = list.map((app) => [
        app.definition.name,
        app.definition.connector.kind ?? app.definition.connector.module ?? '',
        app.definition.enabled ? 'yes' : 'no',
        String(app.version),
        app.fullSyncRequired ? 'yes' : 'no',
        app.updated.toISOString(),
      ]);
      process.stdout.write(
        table([['NAME', 'CONNECTOR', 'ENABLED', 'VERSION', 'FULL SYNC', 'UPDATED'], ...rows]),
      );
    });
  });

  addStorageOptions(
    apps
      .command('export')
      .description(
        'Print an app as YAML that apps apply takes back unchanged (credentials as ${VAR} or <secret>)',
      )
      .argument('<name>', 'the app name', appName),
  ).action(async (name: string, options: StorageFlags) => {
    await withAppsService(options, async (service) => {
      process.stdout.write(await service.export(name));
    });
  });

  addStorageOptions(
    apps
      .command('delete')
      .description('Delete an app, its engine state and its assignments')
      .argument('<name>', 'the app name', appName),
  ).action(async (name: string, options: StorageFlags) => {
    await withAppsService(options, async (service) => {
      const { assignmentsRemoved } = await service.delete(name, cliActor());
      const count = assignmentsRemoved === 1 ? '1 assignment' : `${assignmentsRemoved} assignments`;
      process.stderr.write(`deleted app '${name}' and its ${count}\n`);
    });
  });
}
