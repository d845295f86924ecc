/**
 * Console sessions, kept in the database so that every `serve --workers N` process sees the same
 * ones. The cookie carries a 256-bit random id; only its SHA-256 is stored, so a copy of the
 * database holds no usable session. A session ends at its absolute expiry, after `idleTimeoutMs`
 * without a request, at sign-out, and when its user is deleted or their password reset.
 *
 * The CSRF token is derived from the session id (an HMAC keyed by it), so it needs no storage and
 * only the holder of the cookie can know it; a cross-site page can neither read the cookie nor the
 * token a sign-in answered with.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SharedDatabase } from '../../directory/shared-database.js';
import type { AdminRole } from '../admin-route.js';
import { accessDb } from './access-tables.js';
import { isAdminRole } from './console-users.js';

/** What the cookie carries: 32 random bytes, base64url. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * last_seen is rewritten at most this often, so a busy console does not cost a write per request;
 * the idle timeout is therefore honoured to within this much.
 */
const TOUCH_INTERVAL_MS = 10_000;

export interface SessionTimeouts {
  /** Ends a session this long after its last request. */
  readonly idleTimeoutMs: number;
  /** Ends a session this long after sign-in, however active. */
  readonly absoluteTimeoutMs: number;
}

/** A live session as a request sees it. */
export interface ConsoleSession {
  readonly userName: string;
  readonly role: AdminRole;
  readonly csrfToken: string;
}

function hashId(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('hex');
}

/** The CSRF token of a session: HMAC-SHA256 of a fixed label keyed by the session id. */
export function csrfTokenFor(sessionId: string): string {
  return createHmac('sha256', sessionId).update('provisio console csrf').digest('base64url');
}

/** Constant-time comparison of a presented CSRF token with the session's. */
export function csrfTokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export class ConsoleSessions {
  readonly #database: SharedDatabase;
  readonly #timeouts: SessionTimeouts;

  constructor(database: SharedDatabase, timeouts: SessionTimeouts) {
    this.#database = database;
    this.#timeouts = timeouts;
  }

  get idleTimeoutMs(): number {
    return this.#timeouts.idleTimeoutMs;
  }

  /** Starts a session for `userName`; returns the id for the cookie (shown to nobody else). */
  async start(userName: string, now: Date): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    const dialect = this.#database.dialect;
    await this.#database.write((trx) =>
      accessDb(trx)
        .insertInto('console_sessions')
        .values({
          id_hash: hashId(id),
          user_name: userName,
          created: dialect.time(now),
          last_seen: dialect.time(now),
          expires: dialect.time(new Date(now.getTime() + this.#timeouts.absoluteTimeoutMs)),
        })
        .execute(),
    );
    return id;
  }

  /**
   * The live session the cookie names, its idle timer restarted (`fresh` forces the write, for
   * the console's explicit keep-alive); undefined when unknown, expired or idle too long. An ended
   * session is deleted on the way.
   */
  async resume(
    cookie: string,
    now: Date,
    options: { fresh?: boolean } = {},
  ): Promise<ConsoleSession | undefined> {
    if (!SESSION_ID.test(cookie)) return undefined;
    const idHash = hashId(cookie);
    const dialect = this.#database.dialect;
    const row = await accessDb(this.#database.db)
      .selectFrom('console_sessions')
      .innerJoin('console_users', 'console_users.name', 'console_sessions.user_name')
      .select([
        'console_sessions.last_seen',
        'console_sessions.expires',
        'console_users.name',
        'console_users.role',
      ])
      .where('console_sessions.id_hash', '=', idHash)
      .executeTakeFirst();
    if (row === undefined || !isAdminRole(row.role)) return undefined;
    const lastSeen = dialect.readTime(row.last_seen).getTime();
    const expires = dialect.readTime(row.expires).getTime();
    const at = now.getTime();
    if (at >= expires || at - lastSeen >= this.#timeouts.idleTimeoutMs) {
      await this.end(cookie);
      return undefined;
    }
    if (options.fresh === true || at - lastSeen >= TOUCH_INTERVAL_MS) {
      await this.#database.write((trx) =>
        accessDb(trx)
          .updateTable('console_sessions')
          .set({ last_seen: dialect.time(now) })
          .where('id_hash', '=', idHash)
          .execute(),
      );
    }
    return { userName: row.name, role: row.role, csrfToken: csrfTokenFor(cookie) };
  }

  /** Ends the session the cookie names (sign-out); answers its user's name, undefined when there was none. */
  async end(cookie: string): Promise<string | undefined> {
    if (!SESSION_ID.test(cookie)) return undefined;
    const ended = await this.#database.write((trx) =>
      accessDb(trx)
        .deleteFrom('console_sessions')
        .where('id_hash', '=', hashId(cookie))
        .returning('user_name')
        .executeTakeFirst(),
    );
    return ended?.user_name;
  }

  /** Deletes sessions past their expiry or idle timeout (run on sign-in, so the table stays small). */
  async prune(now: Date): Promise<void> {
    const dialect = this.#database.dialect;
    const idleBefore = new Date(now.getTime() - this.#timeouts.idleTimeoutMs);
    await this.#database.write((trx) =>
      accessDb(trx)
        .deleteFrom('console_sessions')
        .where((eb) =>
          eb.or([eb('expires', '<=', dialect.time(now)), eb('last_seen', '<=', dialect.time(idleBefore))]),
        )
        .execute(),
    );
  }
}
