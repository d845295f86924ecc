/**
 * Substitutes `bulkId:x` references with the ids the server assigned (RFC 7644 §3.7.2) as the
 * operations of a plan execute. Data is copied only along the branches that change.
 */
import type { JsonObject, JsonValue } from '../../shared/json.js';
import { ScimError } from '../scim-error.js';
import { BULK_ID_PREFIX, type BulkOperation } from './bulk-request.js';

/** An operation with its references replaced. */
export interface ResolvedBulkOperation {
  readonly path: string;
  readonly data?: JsonObject;
}

/** Tracks created resources by bulkId within one bulk request. */
export class BulkIdResolver {
  readonly #created = new Map<string, string>();
  readonly #failed = new Map<string, number>();

  /** Records the id of the resource a POST with `bulkId` created. */
  recordCreated(bulkId: string, id: string): void {
    this.#created.set(bulkId, id);
  }

  /** Records that the POST with `bulkId` (at `index`) failed or was skipped. */
  recordFailed(bulkId: string, index: number): void {
    this.#failed.set(bulkId, index);
  }

  /** The created id for a bulkId, if known. */
  idFor(bulkId: string): string | undefined {
    return this.#created.get(bulkId);
  }

  /**
   * Returns the operation's path and data with every reference replaced. Throws ScimError 409 when
   * a referenced POST did not create its resource (RFC 7644 §3.7.3: the referencing operation fails).
   */
  resolve(op: BulkOperation): ResolvedBulkOperation {
    if (op.references.length === 0)
      return op.data === undefined ? { path: op.path } : { path: op.path, data: op.data };
    for (const ref of op.references) {
      if (!this.#created.has(ref)) {
        const failedAt = this.#failed.get(ref);
        throw ScimError.conflict(
          failedAt === undefined
            ? `Operations[${op.index}]: bulkId:${ref} has not been created`
            : `Operations[${op.index}]: bulkId:${ref} could not be resolved because Operations[${failedAt}] failed`,
        );
      }
    }
    const segments = op.path.split('/');
    const last = segments[segments.length - 1]!;
    const path = last.startsWith(BULK_ID_PREFIX)
      ? [...segments.slice(0, -1), this.#created.get(last.slice(BULK_ID_PREFIX.length))!].join('/')
      : op.path;
    if (op.data === undefined) return { path };
    return { path, data: this.#substitute(op.data) as JsonObject };
  }

  #substitute(value: JsonValue): JsonValue {
    if (typeof value === 'string') {
      if (!value.startsWith(BULK_ID_PREFIX)) return value;
      return this.#created.get(value.slice(BULK_ID_PREFIX.length)) ?? value;
    }
    if (value === null || typeof value !== 'object') return value;
    // Depth is bounded by parseBulkRequest, so recursion is safe here.
    if (Array.isArray(value)) {
      let copy: JsonValue[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item = value[i] as JsonValue;
        const next = this.#substitute(item);
        if (next !== item) (copy ??= value.slice())[i] = next;
      }
      return copy ?? value;
    }
    let copy: JsonObject | undefined;
    for (const key of Object.keys(value)) {
      const item = value[key] as JsonValue;
      const next = this.#substitute(item);
      if (next !== item) (copy ??= { ...value })[key] = next;
    }
    return copy ?? value;
  }
}
