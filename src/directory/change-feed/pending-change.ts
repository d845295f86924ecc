import type { JsonObject } from '../../shared/json.js';
import type { ChangeKind, ResourceKind } from '../directory-store.js';

/** A change to append to the feed when the surrounding write commits. */
export interface PendingChange {
  readonly resourceType: ResourceKind;
  readonly resourceId: string;
  readonly kind: ChangeKind;
  readonly attributes: readonly string[];
  readonly detail?: JsonObject;
}
