import type { AppDefinition } from '../../src/engine/apps/app-definition.js';
import type { LinkInput, ProvisioningLogEntry } from '../../src/engine/state/engine-state.js';

/** A valid, defaulted definition named `name`; `description` lets a test change it. */
export function definition(name: string, description = 'A test app'): AppDefinition {
  return {
    name,
    description,
    enabled: true,
    connector: {
      kind: 'memory',
      settings: { seed: 1, nested: { list: [1, 'two', null] } },
      credentials: { token: { kind: 'env', variable: 'TOKEN' } },
    },
    appRoles: [{ value: 'User', displayName: 'User', default: true }],
    objects: {
      User: {
        enabled: true,
        actions: ['create', 'update', 'delete'],
        mappings: [{ target: 'userName', source: 'userPrincipalName', matchingPrecedence: 1 }],
      },
      Group: {
        enabled: false,
        actions: ['create'],
        mappings: [{ target: 'displayName', source: 'displayName', matchingPrecedence: 1 }],
      },
    },
    settings: {
      scope: 'assigned',
      nestedGroupMembers: false,
      deprovisionAction: 'disable',
      skipOutOfScopeDeletions: false,
      deletionThreshold: { count: 500, percent: 30 },
      concurrency: 4,
      cycleIntervalMs: 2_400_000,
      nearRealTime: true,
    },
  };
}

/** The same definition with every object's keys in reverse order (canonically equal). */
export function reordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reordered);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([key, item]) => [key, reordered(item)]),
  );
}

export function link(appId: string, sourceId: string, extra: Partial<LinkInput> = {}): LinkInput {
  return {
    appId,
    objectType: 'User',
    sourceId,
    targetId: `t-${sourceId}`,
    exportedHash: `h-${sourceId}`,
    exported: { userName: sourceId, 'emails[type eq "work"].value': `${sourceId}@example.com`, active: true },
    state: 'active',
    ...extra,
  };
}

/** Sortable ids: `s0001`, `s0002`, ... */
export function ids(count: number, prefix = 's'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(5, '0')}`);
}

export function logEntry(
  appId: string,
  i: number,
  extra: Partial<ProvisioningLogEntry> = {},
): ProvisioningLogEntry {
  return {
    appId,
    cycleId: 'c1',
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, i)),
    durationMs: i % 7,
    objectType: 'User',
    sourceId: `u${i}`,
    sourceName: `User${i}@Example.com`,
    action: 'create',
    status: 'success',
    steps: [
      { step: 'import', found: true },
      { step: 'action', decided: 'create' },
    ],
    ...extra,
  };
}
