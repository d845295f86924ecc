/**
 * Admin API tokens: the same `pvs_<id>_<secret>` tokens as SCIM's, stored hashed in the same table
 * with audience `admin` and the role as their scope (directory migration 0006). This checks a
 * presented one; `provisio tokens create --admin` issues them.
 */
import type { ApiTokenRecord, DirectoryStore } from '../../directory/directory-store.js';
import { verifyToken } from '../../server/api-token.js';
import type { AdminActor } from '../admin-route.js';
import { isAdminRole } from './console-users.js';

/** How often last-used is written per token: often enough to be useful, never once per request. */
const TOUCH_INTERVAL_MS = 60_000;

/** Bounds the last-touched map: a process sees few admin tokens, but nothing here grows forever. */
const MAX_TRACKED_TOKENS = 1000;

export type AdminTokenCheck =
  | { readonly outcome: 'valid'; readonly actor: AdminActor }
  /** A real token, but for SCIM: 403, not 401. */
  | { readonly outcome: 'scim-token'; readonly name: string }
  | { readonly outcome: 'invalid' };

export class AdminTokens {
  readonly #store: DirectoryStore;
  readonly #lastTouched = new Map<string, number>();

  constructor(store: DirectoryStore) {
    this.#store = store;
  }

  /** Checks a presented token: one lookup by id, one SHA-256 compared in constant time. */
  async check(token: string, onTouchFailed: (error: unknown) => void): Promise<AdminTokenCheck> {
    const record = await verifyToken(this.#store, token);
    if (record === undefined) return { outcome: 'invalid' };
    if (record.audience !== 'admin') return { outcome: 'scim-token', name: record.name };
    if (!isAdminRole(record.scope)) return { outcome: 'invalid' };
    this.#touch(record, onTouchFailed);
    return { outcome: 'valid', actor: { kind: 'token', name: record.name, role: record.scope } };
  }

  #touch(record: ApiTokenRecord, onFailed: (error: unknown) => void): void {
    const now = Date.now();
    if (now - (this.#lastTouched.get(record.id) ?? 0) < TOUCH_INTERVAL_MS) return;
    if (this.#lastTouched.size >= MAX_TRACKED_TOKENS) this.#lastTouched.clear();
    this.#lastTouched.set(record.id, now);
    // Off the request path: a failed bookkeeping write must not fail the request.
    this.#store.touchToken(record.id, new Date(now)).catch(onFailed);
  }
}
