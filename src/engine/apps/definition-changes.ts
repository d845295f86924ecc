/**
 * What changed between two definitions of an app: whether anything did (an unchanged apply is a
 * no-op), which sections, and whether the change needs a full sync (Entra restarts provisioning
 * when mappings or scoping change: every object is evaluated again, not only the changed ones).
 */
import { dirname } from 'node:path';
import type { JsonValue } from '../../shared/json.js';
import type { AppDefinition } from './app-definition.js';

/** JSON text with object keys sorted and undefined left out: equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): JsonValue | undefined {
  if (Array.isArray(value)) return value.map((item) => sortKeys(item) ?? null);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const key of Object.keys(value).sort()) {
      const item = sortKeys((value as Record<string, unknown>)[key]);
      if (item !== undefined) out[key] = item;
    }
    return out;
  }
  return value as JsonValue | undefined;
}

/** The definition as compared: the app file's directory counts, not its name. */
function comparable(definition: AppDefinition): unknown {
  const { appFile, ...connector } = definition.connector;
  return {
    ...definition,
    connector: { ...connector, ...(appFile !== undefined ? { directory: dirname(appFile) } : {}) },
  };
}

/** The parts of a definition that decide which objects are provisioned and what they look like. */
function syncShape(definition: AppDefinition): unknown {
  const { User, Group } = definition.objects;
  const part = (o: typeof User) => ({ enabled: o.enabled, mappings: o.mappings, scope: o.scope });
  return {
    User: part(User),
    Group: part(Group),
    scope: definition.settings.scope,
    nestedGroupMembers: definition.settings.nestedGroupMembers,
  };
}

export interface DefinitionChanges {
  /** Top-level sections that differ (`connector`, `settings`, `objects.User`, ...). */
  readonly sections: readonly string[];
  readonly fullSyncRequired: boolean;
}

/** Compares two definitions; `credentialsChanged` comes from the caller, who can open them. */
export function compareDefinitions(
  before: AppDefinition,
  after: AppDefinition,
  credentialsChanged: boolean,
): DefinitionChanges {
  const a = comparable(before) as Record<string, unknown>;
  const b = comparable(after) as Record<string, unknown>;
  const sections: string[] = [];
  for (const key of ['description', 'enabled', 'connector', 'appRoles', 'settings', 'templates']) {
    if (canonicalJson(a[key]) !== canonicalJson(b[key])) sections.push(key);
  }
  for (const type of ['User', 'Group'] as const) {
    if (canonicalJson(before.objects[type]) !== canonicalJson(after.objects[type]))
      sections.push(`objects.${type}`);
  }
  if (credentialsChanged) sections.push('connector.credentials');
  return { sections, fullSyncRequired: canonicalJson(syncShape(before)) !== canonicalJson(syncShape(after)) };
}
