/**
 * An application's definition (GET /admin/v1/apps/{name}: the JSON form of its YAML, credentials
 * shown only as `{ set: true|false }`) and saving a changed copy (PUT, admin only). A PUT that
 * leaves a credential out keeps the stored one, so pages send only the credentials typed anew.
 */
import { useCallback, useState } from 'react';
import { api, seg } from '../api/client.js';
import type { Json, JsonObject } from '../api/types.js';
import { useApi } from './use-api.js';

export interface AppDefinition extends JsonObject {
  name: string;
}

/** The definition answer, whether it comes bare or as `{ app: ... }`. */
function definitionOf(data: unknown): AppDefinition | undefined {
  if (data === null || typeof data !== 'object') return undefined;
  const record = data as JsonObject;
  const inner = record.definition ?? record.app;
  if (inner !== null && typeof inner === 'object' && !Array.isArray(inner) && 'connector' in inner) {
    return inner as AppDefinition;
  }
  return record as AppDefinition;
}

/** Credentials as the API shows them carry no value: a PUT leaves them out unless typed anew. */
export function withoutShownCredentials(
  definition: AppDefinition,
  typed: Record<string, string> = {},
): JsonObject {
  const connector = { ...((definition.connector ?? {}) as JsonObject) };
  const credentials: JsonObject = {};
  for (const [key, value] of Object.entries(typed)) if (value !== '') credentials[key] = value;
  if (Object.keys(credentials).length > 0) connector.credentials = credentials;
  else delete connector.credentials;
  return { ...definition, connector };
}

export function useAppDefinition(app: string) {
  const loaded = useApi<unknown>(`/apps/${seg(app)}`);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const { reload } = loaded;

  const save = useCallback(
    async (definition: AppDefinition, typedCredentials?: Record<string, string>): Promise<boolean> => {
      setSaving(true);
      setSaveError(undefined);
      setSaved(false);
      try {
        await api.put(`/apps/${seg(app)}`, withoutShownCredentials(definition, typedCredentials));
        setSaved(true);
        reload();
        return true;
      } catch (error) {
        setSaveError(error);
        return false;
      } finally {
        setSaving(false);
      }
    },
    [app, reload],
  );

  return {
    definition: definitionOf(loaded.data),
    error: loaded.error,
    loading: loaded.loading,
    reload,
    save,
    saving,
    saveError,
    saved,
  };
}

/** A deep copy to edit. */
export const copyOf = <T extends Json>(value: T): T => structuredClone(value);

/** `obj.a.b` for a dotted path, creating objects on the way (for edits). */
export function objectAt(root: JsonObject, path: readonly string[]): JsonObject {
  let node = root;
  for (const key of path) {
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as JsonObject;
  }
  return node;
}
