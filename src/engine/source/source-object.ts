import type { JsonObject, JsonValue } from '../../shared/json.js';
import { isJsonObject } from '../../shared/json.js';
import type { AppRoleAssignment } from '../../expressions/index.js';

/** Which kind of directory object a source view holds. */
export type SourceKind = 'user' | 'group';

/**
 * What the engine knows about an object beyond its SCIM representation: facts that live in the
 * engine's state (assignments, scope), not in the resource.
 */
export interface SourceContext {
  /** Whether the object is assigned to the app (directly or through a group). */
  readonly assigned: boolean;
  /** Whether the object passed the app's scoping filter. */
  readonly inScope: boolean;
  /** The object's app role assignments for this app (AppRoleAssignmentsComplex, SingleAppRoleAssignment). */
  readonly appRoleAssignments?: readonly AppRoleAssignment[];
  /**
   * The directory id of the user's manager. When absent, the enterprise extension's `manager.value`
   * is read; `null` says the user has no manager whatever the resource holds.
   */
  readonly managerId?: string | null;
}

/** A directory user or group as mappings and scoping filters read it. */
export interface SourceObject {
  readonly kind: SourceKind;
  /** The SCIM representation (RFC 7643 §4.1 / §4.2), extensions under their URN keys. */
  readonly resource: JsonObject;
  readonly context: SourceContext;
}

/**
 * A reference to another directory object (a manager, a group member) that the engine must turn
 * into the target's id before exporting. It is plain JSON so that mapped objects stay JSON and
 * hash the same way wherever they are built.
 */
// A type alias, not an interface: it must be assignable to JsonObject.
export type SourceReference = {
  readonly $sourceRef: { readonly resourceType: 'User' | 'Group'; readonly id: string };
};

/** What a source attribute reads: JSON, one reference, or a list of references. */
export type SourceValue = JsonValue | SourceReference | readonly SourceReference[];

/** Builds a reference to the directory object `id`. */
export function sourceReference(resourceType: 'User' | 'Group', id: string): SourceReference {
  return { $sourceRef: { resourceType, id } };
}

/** Whether a value is a reference left for the engine to resolve. */
export function isSourceReference(value: unknown): value is SourceReference {
  if (!isJsonObject(value)) return false;
  const ref = value.$sourceRef;
  return isJsonObject(ref) && typeof ref.id === 'string';
}

/**
 * The value as expressions and scoping filters see it: a reference stands for the referenced
 * object's directory id (what Entra's `[manager]` yields), a list of references for their ids.
 */
export function plainSourceValue(value: SourceValue): JsonValue {
  if (Array.isArray(value)) {
    let hasReference = false;
    for (const item of value) if (isSourceReference(item)) hasReference = true;
    if (!hasReference) return value as JsonValue[];
    return value.map((item: unknown) => (isSourceReference(item) ? item.$sourceRef.id : (item as JsonValue)));
  }
  return isSourceReference(value) ? value.$sourceRef.id : (value as JsonValue);
}
