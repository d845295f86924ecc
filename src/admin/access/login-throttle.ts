/**
 * Repeated failed sign-ins lock the user name, and separately the client address, for a while.
 * Counted in the database, so every `serve --workers N` process enforces the same limit. A failure
 * for a user name that does not exist counts like any other: the lock cannot tell an attacker
 * which names exist.
 */
import { sql } from 'kysely';
import type { SharedDatabase } from '../../directory/shared-database.js';
import { accessDb } from './access-tables.js';

export interface ThrottleLimits {
  /** Failures within `windowMs` after which a user name is locked. */
  readonly userFailures: number;
  /** Failures within `windowMs` after which a client address is locked (many names tried). */
  readonly addressFailures: number;
  readonly windowMs: number;
  /** How long a lock lasts. */
  readonly lockMs: number;
}

export const DEFAULT_THROTTLE_LIMITS: ThrottleLimits = {
  userFailures: 5,
  addressFailures: 20,
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
};

/** What one failure did: which keys it locked, and until when. */
export interface FailureOutcome {
  readonly locked: readonly ('user' | 'address')[];
  readonly lockedUntil?: Date;
}

/** The throttle's keys for one sign-in attempt. */
export function throttleKeys(userName: string, address: string): { user: string; address: string } {
  return { user: `user:${userName}`, address: `address:${address}` };
}

export class LoginThrottle {
  readonly #database: SharedDatabase;
  readonly #limits: ThrottleLimits;

  constructor(database: SharedDatabase, limits: ThrottleLimits = DEFAULT_THROTTLE_LIMITS) {
    this.#database = database;
    this.#limits = limits;
  }

  /** Seconds until the latest lock among `keys` ends, or 0 when none is locked. */
  async lockedFor(keys: readonly string[], now: Date): Promise<number> {
    const dialect = this.#database.dialect;
    const rows = await accessDb(this.#database.db)
      .selectFrom('login_throttle')
      .select('locked_until')
      .where('key', 'in', keys)
      .execute();
    let until = 0;
    for (const row of rows) {
      if (row.locked_until === null) continue;
      until = Math.max(until, dialect.readTime(row.locked_until).getTime());
    }
    return until > now.getTime() ? Math.ceil((until - now.getTime()) / 1000) : 0;
  }

  /**
   * Counts one failure against the user name and the address, locking either at its limit.
   * Answers which of the two this failure locked (none, usually), for the audit log.
   */
  async recordFailure(keys: { user: string; address: string }, now: Date): Promise<FailureOutcome> {
    const dialect = this.#database.dialect;
    const windowStart = dialect.time(new Date(now.getTime() - this.#limits.windowMs));
    const until = new Date(now.getTime() + this.#limits.lockMs);
    const lockedUntil = dialect.time(until);
    const locked: ('user' | 'address')[] = [];
    await this.#database.write(async (trx) => {
      locked.length = 0;
      const db = accessDb(trx);
      for (const [which, key, limit] of [
        ['user', keys.user, this.#limits.userFailures],
        ['address', keys.address, this.#limits.addressFailures],
      ] as const) {
        // One statement per key: a count that started before the window starts again at 1. The
        // upsert takes the row lock on PostgreSQL, so concurrent failures are all counted.
        await db
          .insertInto('login_throttle')
          .values({ key, failures: 1, window_start: dialect.time(now), locked_until: null })
          .onConflict((oc) =>
            oc.column('key').doUpdateSet({
              failures: sql<number>`CASE WHEN login_throttle.window_start < ${windowStart} THEN 1 ELSE login_throttle.failures + 1 END`,
              window_start: sql`CASE WHEN login_throttle.window_start < ${windowStart} THEN ${dialect.time(now)} ELSE login_throttle.window_start END`,
            }),
          )
          .execute();
        const lock = await db
          .updateTable('login_throttle')
          .set({ locked_until: lockedUntil, failures: 0, window_start: dialect.time(now) })
          .where('key', '=', key)
          .where('failures', '>=', limit)
          .executeTakeFirst();
        if (Number(lock.numUpdatedRows) > 0) locked.push(which);
      }
    });
    return { locked, ...(locked.length > 0 ? { lockedUntil: until } : {}) };
  }

  /** A successful sign-in clears the user name's count (the address keeps its own). */
  async recordSuccess(userKey: string): Promise<void> {
    await this.#database.write((trx) =>
      accessDb(trx).deleteFrom('login_throttle').where('key', '=', userKey).execute(),
    );
  }
}
