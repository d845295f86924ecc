/**
 * Turns a stored app into what the engine runs (`LoadedApp`): the definition compiled and its
 * connector opened (credentials unsealed, validated and guarded), both by the apps service.
 *
 * `serve` runs a cycle per directory commit, so opening the connector each time (loading a module,
 * binding to LDAP, a TLS handshake) would cost more than the cycle; the loaded app is kept per app
 * until its stored version changes, and the connector it replaces is closed.
 */
import type { AppsService } from '../apps/apps-service.js';
import { AppsError } from '../apps/apps-service.js';
import { membershipMappingIssues } from '../apps/check-membership-mappings.js';
import type { LoadedApp } from '../cycle/create-engine-service.js';

export interface StoredAppLoader {
  (name: string): Promise<LoadedApp>;
  /** Closes every connector opened. */
  close(): Promise<void>;
}

export function storedAppLoader(
  apps: Pick<AppsService, 'loadCompiledApp' | 'openConnector'>,
): StoredAppLoader {
  const cache = new Map<string, { readonly key: string; readonly loaded: Promise<LoadedApp> }>();

  const open = async (name: string): Promise<LoadedApp> => {
    const { stored, compiled } = await apps.loadCompiledApp(name);
    const connector = await apps.openConnector(stored);
    // Stored before apply checked it (or the connector's member attribute changed since).
    const issues = membershipMappingIssues(stored.definition, connector.capabilities);
    if (issues.length > 0) {
      await connector.close?.().catch(() => undefined);
      throw new AppsError(
        'not_compilable',
        `app '${name}' cannot run (apply it again after fixing):\n` +
          issues.map((issue) => `  ${issue.path}: ${issue.message}`).join('\n'),
      );
    }
    return { stored, compiled, connector };
  };

  const closeLoaded = async (loaded: Promise<LoadedApp>): Promise<void> => {
    try {
      await (await loaded).connector.close?.();
    } catch {
      // A connector that failed to open or to close holds nothing more to release.
    }
  };

  const load = (async (name: string): Promise<LoadedApp> => {
    const { stored, compiled } = await apps.loadCompiledApp(name);
    // A new version or new credentials open the connector again; flags such as fullSyncRequired do not.
    const key = `${stored.id}:${stored.version}:${stored.sealedCredentials ?? ''}`;
    const cached = cache.get(name);
    if (cached?.key === key) {
      const loaded = await cached.loaded;
      // The same connector, with the state's latest flags (fullSyncRequired is cleared by a cycle).
      return { ...loaded, stored, compiled };
    }
    if (cached) void closeLoaded(cached.loaded);
    const loaded = open(name);
    cache.set(name, { key, loaded });
    // A failed open is not kept: the next cycle tries again (the target may be back).
    loaded.catch(() => {
      if (cache.get(name)?.loaded === loaded) cache.delete(name);
    });
    return loaded;
  }) as StoredAppLoader;
  load.close = async () => {
    const all = [...cache.values()];
    cache.clear();
    await Promise.all(all.map((c) => closeLoaded(c.loaded)));
  };
  return load;
}
