/**
 * The engine's load of a stored app refuses one whose Group mappings write the connector's
 * member attribute directly (stored before apply checked it), naming the mapping, and closes the
 * connector it opened.
 */
import { describe, expect, it } from 'vitest';
import { AppsError } from '../../src/engine/apps/apps-service.js';
import { compileApp, type CompiledApp } from '../../src/engine/apps/compile-app.js';
import type { StoredAppWithSecrets } from '../../src/engine/state/engine-state.js';
import { storedAppLoader } from '../../src/engine/runtime/stored-app-loader.js';
import { appDefinition } from './support/engine-harness.js';
import { stubConnector } from './support/stub-connector.js';

function loaderFor(groupMappings: { target: string; source?: string; constant?: string }[]) {
  const definition = appDefinition({
    group: {
      mappings: [{ target: 'displayName', source: 'displayName', matchingPrecedence: 1 }, ...groupMappings],
    },
  });
  const compiled = compileApp(definition);
  if (!compiled.ok) throw new Error('does not compile');
  const stored = {
    id: 'a1',
    version: 1,
    definition,
    sealedCredentials: null,
  } as unknown as StoredAppWithSecrets;
  const closed: string[] = [];
  const connector = stubConnector(
    { rename: false, membership: { kind: 'attribute', attribute: 'member', reference: 'id' } },
    {
      close: async () => {
        closed.push('closed');
      },
    },
  );
  const load = storedAppLoader({
    loadCompiledApp: async () => ({ stored, compiled: compiled.app as CompiledApp }),
    openConnector: async () => connector,
  });
  return { load, closed };
}

describe('loading a stored app for the engine', () => {
  it("refuses a Group mapping onto the connector's member attribute, naming it", async () => {
    const { load, closed } = loaderFor([{ target: 'member', constant: 'cn=nobody' }]);
    const error = await load('target').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppsError);
    expect((error as AppsError).code).toBe('not_compilable');
    expect((error as Error).message).toContain(
      "objects.Group.mappings[1].target: 'member' is the memory connector's member attribute",
    );
    expect((error as Error).message).toContain('use group membership provisioning instead');
    expect(closed).toEqual(['closed']);
  });

  it('loads the app when that attribute comes from the members reference', async () => {
    const { load } = loaderFor([{ target: 'member', source: 'members' }]);
    expect((await load('target')).stored.id).toBe('a1');
  });
});
