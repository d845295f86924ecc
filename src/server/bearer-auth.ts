/**
 * Bearer-token authentication of the SCIM endpoints (RFC 6750). A missing or wrong token gets 401
 * with `WWW-Authenticate: Bearer realm="provisio"` (§3: with error="invalid_token" when a token was
 * presented); a read-only token gets 403 on any route that is not declared `read`
 * (route-access.ts): the caller passes the access of the route the router matched. A token made
 * for the admin API (`tokens create --admin`) gets 403 here: it is valid, but not for SCIM.
 */
import type { FastifyRequest } from 'fastify';
import type { ApiTokenRecord, DirectoryStore } from '../directory/directory-store.js';
import { parseToken, secretMatchesBytes, storedHashBytes } from './api-token.js';
import { HttpError } from './error-response.js';
import type { RouteAccess } from './route-access.js';

export const AUTH_REALM = 'provisio';

/** How often last-used is written per token: often enough to be useful, never once per request. */
const TOUCH_INTERVAL_MS = 60_000;

function unauthorized(detail: string, presented: boolean): HttpError {
  const challenge = presented
    ? `Bearer realm="${AUTH_REALM}", error="invalid_token"`
    : `Bearer realm="${AUTH_REALM}"`;
  return new HttpError({ status: 401, detail, headers: { 'www-authenticate': challenge } });
}

/**
 * Checks the Authorization header of each request against the token store.
 *
 * Token records are cached for `cacheMs` (default 1 s) so that a busy client does not cost a
 * database read per request; the secret is still hashed and compared on every request. The price
 * is that a token revoked by another process (`provisio tokens revoke`) is refused within that
 * time rather than at once.
 */
/** A token record as cached: its stored hash already decoded, so a request costs one hash and one compare. */
interface CachedToken {
  readonly record: ApiTokenRecord;
  readonly hash: Buffer | undefined;
  readonly until: number;
}

/** Bounds the token cache: a client cycling through made-up token ids must not grow it forever. */
const MAX_CACHED_TOKENS = 1000;

export class BearerAuthenticator {
  readonly #store: DirectoryStore;
  readonly #cacheMs: number;
  readonly #lastTouched = new Map<string, number>();
  readonly #records = new Map<string, CachedToken>();

  constructor(store: DirectoryStore, options: { cacheMs?: number } = {}) {
    this.#store = store;
    this.#cacheMs = options.cacheMs ?? 1000;
  }

  async #verify(token: string): Promise<ApiTokenRecord | undefined> {
    const parsed = parseToken(token);
    if (!parsed) return undefined;
    const now = Date.now();
    let cached = this.#records.get(parsed.id);
    if (cached === undefined || cached.until <= now) {
      const found = await this.#store.findToken(parsed.id);
      if (!found) {
        this.#records.delete(parsed.id);
        return undefined;
      }
      cached = { record: found, hash: storedHashBytes(found.secretHash), until: now + this.#cacheMs };
      if (this.#cacheMs > 0) {
        if (this.#records.size >= MAX_CACHED_TOKENS) this.#records.clear();
        this.#records.set(parsed.id, cached);
      }
    }
    if (cached.hash === undefined) return undefined;
    return secretMatchesBytes(parsed.secret, cached.hash) ? cached.record : undefined;
  }

  /**
   * Resolves to the token record, or throws HttpError 401 / 403. `access` is that of the matched
   * route; anything but `read` is refused to a read-only token.
   */
  async authenticate(request: FastifyRequest, access: RouteAccess): Promise<ApiTokenRecord> {
    const header = request.headers.authorization;
    if (header === undefined || header.length === 0)
      throw unauthorized('authentication required: send a bearer token', false);
    const match = /^bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw unauthorized('the Authorization header must be "Bearer <token>"', true);
    const record = await this.#verify(match[1]!);
    if (!record) throw unauthorized('invalid or revoked token', true);
    // An admin API token is a valid credential, just not for this API: 403, not 401.
    if (record.audience !== 'scim') {
      throw new HttpError({
        status: 403,
        detail: `token "${record.name}" is an admin API token, not a SCIM token`,
      });
    }
    if (record.scope === 'read-only' && access !== 'read') {
      throw new HttpError({ status: 403, detail: `token "${record.name}" is read-only` });
    }
    this.#touch(record, request);
    return record;
  }

  #touch(record: ApiTokenRecord, request: FastifyRequest): void {
    const now = Date.now();
    const last = this.#lastTouched.get(record.id) ?? 0;
    if (now - last < TOUCH_INTERVAL_MS) return;
    this.#lastTouched.set(record.id, now);
    // Off the request path: a failed bookkeeping write must not fail the request.
    this.#store.touchToken(record.id, new Date(now)).catch((error: unknown) => {
      request.log.warn({ err: error }, 'could not record token use');
    });
  }
}
