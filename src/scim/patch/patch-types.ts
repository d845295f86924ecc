/**
 * Types shared by the PATCH parser and applier (RFC 7644 §3.5.2).
 */
import type { PatchPath } from '../filter/filter-ast.js';
import type { JsonObject, JsonValue } from '../../shared/json.js';
import type { AttributeResolver } from '../schema/schema-types.js';

/** The three PATCH operations, always lower-case once parsed. */
export const PatchOpName = {
  add: 'add',
  remove: 'remove',
  replace: 'replace',
} as const;
export type PatchOpName = (typeof PatchOpName)[keyof typeof PatchOpName];

/**
 * One validated, normalised PATCH operation. `path` is parsed; `value` is the raw JSON value
 * (type checks need the schema and happen in applyPatch).
 */
export interface PatchOperation {
  op: PatchOpName;
  path?: PatchPath;
  value?: JsonValue;
}

/** What applyPatch returns: a new resource and the attributes whose value changed. */
export interface PatchResult {
  resource: JsonObject;
  /**
   * Canonical names of the top-level attributes whose value changed, in first-change order.
   * Extension attributes are URN-qualified (`urn:...:enterprise:2.0:User:manager`).
   */
  changedAttributes: string[];
}

/** Options of applyPatch. */
export interface ApplyPatchOptions {
  /** Resolves attribute names of the resource type to their schema definitions. */
  resolver: AttributeResolver;
}
