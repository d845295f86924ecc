/** Directory users and groups for pickers (GET /admin/v1/directory/...: SCIM list responses). */
import { listOf } from '../api/shapes.js';
import { useApi } from './use-api.js';

export interface DirectoryResource {
  readonly id: string;
  readonly userName?: string;
  readonly displayName?: string;
  readonly active?: boolean;
  readonly [key: string]: unknown;
}

export const resourceLabel = (r: DirectoryResource): string =>
  r.userName ? (r.displayName ? `${r.userName} (${r.displayName})` : r.userName) : (r.displayName ?? r.id);

/** A SCIM filter for what a person types: a prefix of userName (users) or displayName (groups). */
export function searchFilter(kind: 'users' | 'groups', text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const quoted = JSON.stringify(trimmed);
  return kind === 'users' ? `userName sw ${quoted} or displayName sw ${quoted}` : `displayName sw ${quoted}`;
}

export function useDirectory(kind: 'users' | 'groups', text = '', count = 50) {
  const filter = searchFilter(kind, text);
  const loaded = useApi<unknown>(`/directory/${kind}`, { count, ...(filter ? { filter } : {}) });
  return { ...loaded, resources: listOf<DirectoryResource>(loaded.data, 'Resources') };
}
