/**
 * Turns a stored app into what the engine runs (`LoadedApp`): the definition compiled, its
 * credentials unsealed and its connector opened through the registry (validated and guarded).
 *
 * `serve` runs a cycle per directory commit, so opening the connector each time (loading a module,
 * binding to LDAP, a TLS handshake) would cost more than the cycle; the loaded app is kept per app
 * until its stored version changes, and the connector it replaces is closed.
 */
import { join } from 'node:path';
import type { ConnectorRegistry } from '../../connectors/spi/connector-registry.js';
import { isJsonObject } from '../../shared/json.js';
import { compileApp } from '../apps/compile-app.js';
import type { SecretBox } from '../apps/secret-box.js';
import type { LoadedApp } from '../cycle/create-engine-service.js';
import type { EngineStateStore, StoredAppWithSecrets } from '../state/engine-state.js';

export interface StoredAppLoader {
  (name: string): Promise<LoadedApp>;
  /** Closes every connector opened. */
  close(): Promise<void>;
}

export function storedAppLoader(options: {
  readonly state: Pick<EngineStateStore, 'getApp'>;
  readonly registry: ConnectorRegistry;
  readonly secrets: SecretBox;
}): StoredAppLoader {
  const cache = new Map<string, { readonly key: string; readonly loaded: Promise<LoadedApp> }>();

  const open = async (stored: StoredAppWithSecrets): Promise<LoadedApp> => {
    const definition = stored.definition;
    const compiled = compileApp(definition);
    if (!compiled.ok) {
      const issues = compiled.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
      throw new Error(`the stored definition of '${definition.name}' does not compile: ${issues}`);
    }
    const credentials =
      stored.sealedCredentials === null ? {} : await options.secrets.open(stored.sealedCredentials, definition.name);
    if (!isJsonObject(credentials)) throw new Error(`the stored credentials of '${definition.name}' are not an object`);
    const connector = definition.connector;
    const config =
      connector.module !== undefined
        ? { module: connector.module, settings: connector.settings }
        : { kind: connector.kind ?? '', settings: connector.settings };
    // The registry resolves a relative module path from the app file's directory.
    const appFile = connector.baseDirectory !== undefined ? join(connector.baseDirectory, 'app.yaml') : undefined;
    const opened = await options.registry.open(config, {
      ...(appFile !== undefined ? { appFile } : {}),
      credentials,
    });
    return { stored, compiled: compiled.app, connector: opened };
  };

  const closeLoaded = async (loaded: Promise<LoadedApp>): Promise<void> => {
    try {
      await (await loaded).connector.close?.();
    } catch {
      // A connector that failed to open or to close holds nothing more to release.
    }
  };

  const load = (async (name: string): Promise<LoadedApp> => {
    const stored = await options.state.getApp(name);
    if (stored === undefined) throw new Error(`no application named '${name}'`);
    // A new version or new credentials open the connector again; flags such as fullSyncRequired do not.
    const key = `${stored.id}:${stored.version}:${stored.sealedCredentials ?? ''}`;
    const cached = cache.get(name);
    if (cached?.key === key) {
      const loaded = await cached.loaded;
      // The same connector, with the state's latest flags (fullSyncRequired is cleared by a cycle).
      return { ...loaded, stored };
    }
    if (cached) void closeLoaded(cached.loaded);
    const loaded = open(stored);
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
