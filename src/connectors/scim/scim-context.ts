/**
 * What every operation of one SCIM connector shares: the client, the resolved behaviour, the
 * endpoints, and the target paths the app has written (so reads answer attributes under the same
 * paths the mappings use).
 */
import type { ObjectType } from '../spi/index.js';
import type { ScimClient } from './scim-client.js';
import type { Redactor } from '../http/redactor.js';
import type { ScimBehaviour } from './scim-profiles.js';

export interface ScimContext {
  readonly client: ScimClient;
  readonly behaviour: ScimBehaviour;
  readonly endpoints: Readonly<Record<ObjectType, string>>;
  readonly memberBatchSize: number;
  readonly maxPageSize: number;
  readonly redact: Redactor;
  /** Target paths written per object type, read back under the same text. */
  readonly paths: Record<ObjectType, Set<string>>;
}

/** The endpoint of one resource: `/Users/<id>` with the id escaped. */
export function resourcePath(context: ScimContext, objectType: ObjectType, id: string): string {
  return `${context.endpoints[objectType]}/${encodeURIComponent(id)}`;
}

/** Remembers the paths of written attributes, so later reads answer them under the same text. */
export function rememberPaths(context: ScimContext, objectType: ObjectType, paths: Iterable<string>): void {
  const known = context.paths[objectType];
  for (const path of paths) if (known.size < 1024) known.add(path);
}
