/**
 * Everything about console users the server and the CLI do: opening (and migrating) the access
 * tables, managing users, and sign-in with its throttle and sessions. One object per process, over
 * the directory's database. Every change to a user commits together with its audit entry.
 */
import { hashPassword, verifyPassword } from '../../directory/resources/user-password.js';
import type { ProvisioDatabase } from '../../engine/state/open-engine-state.js';
import type { JsonObject } from '../../shared/json.js';
import type { AdminRole } from '../admin-route.js';
import { ACCESS_MIGRATIONS_TABLE, accessMigrations } from './access-migrations.js';
import { accessDb } from './access-tables.js';
import { ConsoleSessions, type ConsoleSession } from './console-sessions.js';
import { ConsoleUsers, type ConsoleUser } from './console-users.js';
import {
  DEFAULT_THROTTLE_LIMITS,
  LoginThrottle,
  throttleKeys,
  type ThrottleLimits,
} from './login-throttle.js';

/** Default idle timeout of a console session (`serve --session-idle-timeout`). */
export const DEFAULT_IDLE_TIMEOUT_MS = 30 * 60_000;

/** A session ends this long after sign-in whatever its activity. */
export const DEFAULT_ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60_000;

export interface ConsoleAccessSettings {
  readonly idleTimeoutMs?: number;
  readonly absoluteTimeoutMs?: number;
  readonly throttle?: ThrottleLimits;
  /** The clock; tests move it to expire sessions and locks. */
  readonly now?: () => Date;
}

export type SignInResult =
  | { readonly outcome: 'signed-in'; readonly sessionId: string; readonly session: ConsoleSession }
  | { readonly outcome: 'denied' }
  | { readonly outcome: 'locked'; readonly retryAfterSeconds: number };

/** The audit log's action for each change to console users. */
export const CONSOLE_USER_ACTIONS = {
  create: 'admin.create',
  delete: 'admin.delete',
  resetPassword: 'admin.reset-password',
} as const;

/**
 * The audit log's actions for sign-in and sign-out. A refused sign-in is one entry (`denied`,
 * the same for an unknown name and a wrong password, as the answer is); a failure that locks the
 * name or the address is one `lockout` entry more. Attempts refused while a lock holds are not
 * each written: they cost nothing and would let anyone fill the log.
 */
export const SESSION_ACTIONS = {
  signIn: 'session.sign-in',
  signInDenied: 'session.sign-in-denied',
  lockout: 'session.lockout',
  signOut: 'session.sign-out',
} as const;

/** The audit actor of a console user (admin-route.ts's auditActor for a session). */
function consoleActor(userName: string): string {
  return `console:${userName}`;
}

export class ConsoleAccess {
  readonly #database: ProvisioDatabase;
  readonly users: ConsoleUsers;
  readonly sessions: ConsoleSessions;
  readonly #throttle: LoginThrottle;
  readonly now: () => Date;
  /** A hash to verify against when the user does not exist, so both cases cost one scrypt. */
  #decoy: Promise<string> | undefined;

  private constructor(provisio: ProvisioDatabase, settings: ConsoleAccessSettings) {
    const database = provisio.shared;
    this.#database = provisio;
    this.users = new ConsoleUsers(accessDb(database.db), database.dialect);
    this.sessions = new ConsoleSessions(database, {
      idleTimeoutMs: settings.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
      absoluteTimeoutMs: settings.absoluteTimeoutMs ?? DEFAULT_ABSOLUTE_TIMEOUT_MS,
    });
    this.#throttle = new LoginThrottle(database, settings.throttle ?? DEFAULT_THROTTLE_LIMITS);
    this.now = settings.now ?? (() => new Date());
  }

  /** Migrates the access tables (booked in provisio_admin_migrations) and opens them. */
  static async open(
    database: ProvisioDatabase,
    settings: ConsoleAccessSettings = {},
  ): Promise<ConsoleAccess> {
    await database.shared.migrate(accessMigrations, ACCESS_MIGRATIONS_TABLE);
    return new ConsoleAccess(database, settings);
  }

  /**
   * Checks a user name and password from `address`. The same `denied` for an unknown user and a
   * wrong password, after the same work (one scrypt, compared in constant time); `locked` while
   * the name or the address is locked out, before any password is looked at.
   */
  async signIn(userName: string, password: string, address: string): Promise<SignInResult> {
    const keys = throttleKeys(userName, address);
    const now = this.now();
    const retryAfterSeconds = await this.#throttle.lockedFor([keys.user, keys.address], now);
    if (retryAfterSeconds > 0) return { outcome: 'locked', retryAfterSeconds };
    const user = await this.users.find(userName);
    this.#decoy ??= hashPassword('decoy password for unknown console users');
    const matches = await verifyPassword(password, user?.passwordHash ?? (await this.#decoy));
    if (user === undefined || !matches) {
      const failure = await this.#throttle.recordFailure(keys, now);
      // Never the password: who tried, from where, and what it cost them.
      await this.#audit(consoleActor(userName), SESSION_ACTIONS.signInDenied, { address });
      if (failure.lockedUntil !== undefined) {
        await this.#audit(consoleActor(userName), SESSION_ACTIONS.lockout, {
          address,
          locked: [...failure.locked],
          until: failure.lockedUntil.toISOString(),
        });
      }
      return { outcome: 'denied' };
    }
    await this.#throttle.recordSuccess(keys.user);
    await this.sessions.prune(now);
    const sessionId = await this.sessions.start(user.name, now);
    const session = await this.sessions.resume(sessionId, now);
    if (session === undefined) return { outcome: 'denied' };
    await this.#audit(consoleActor(user.name), SESSION_ACTIONS.signIn, { address, role: user.role });
    return { outcome: 'signed-in', sessionId, session };
  }

  /** The live session a cookie names (see ConsoleSessions.resume). */
  resume(cookie: string, options: { fresh?: boolean } = {}): Promise<ConsoleSession | undefined> {
    return this.sessions.resume(cookie, this.now(), options);
  }

  /** Ends the cookie's session; `address` is the client's, for the audit log. False when none was live. */
  async signOut(cookie: string, address: string): Promise<boolean> {
    const userName = await this.sessions.end(cookie);
    if (userName === undefined) return false;
    await this.#audit(consoleActor(userName), SESSION_ACTIONS.signOut, { address });
    return true;
  }

  #audit(actor: string, action: string, after: JsonObject): Promise<unknown> {
    return this.#database.engineState.appendAudit({ at: this.now(), actor, action, after });
  }

  get idleTimeoutSeconds(): number {
    return Math.round(this.sessions.idleTimeoutMs / 1000);
  }

  listUsers(): Promise<ConsoleUser[]> {
    return this.users.list();
  }

  /**
   * Adds a console user (the password must have passed passwordProblem); false when the name is
   * taken. `actor` is who did it, for the audit log.
   */
  async createUser(name: string, role: AdminRole, password: string, actor: string): Promise<boolean> {
    const hash = await hashPassword(password);
    const at = this.now();
    return this.#audited(actor, CONSOLE_USER_ACTIONS.create, { name, role }, (users) =>
      users.insert(name, role, hash, at),
    );
  }

  /** Removes a user and ends their sessions; false when there is none. */
  async deleteUser(name: string, actor: string): Promise<boolean> {
    const user = await this.users.find(name);
    return this.#audited(actor, CONSOLE_USER_ACTIONS.delete, { name, role: user?.role ?? null }, (users) =>
      users.delete(name),
    );
  }

  /** Sets a new password and ends every session of the user; false when there is no such user. */
  async resetPassword(name: string, password: string, actor: string): Promise<boolean> {
    const hash = await hashPassword(password);
    const at = this.now();
    return this.#audited(actor, CONSOLE_USER_ACTIONS.resetPassword, { name }, (users) =>
      users.setPassword(name, hash, at),
    );
  }

  /** Runs a change and, when it changed something, its audit entry, in one transaction. */
  #audited(
    actor: string,
    action: string,
    subject: Record<string, string | null>,
    change: (users: ConsoleUsers) => Promise<boolean>,
  ): Promise<boolean> {
    const dialect = this.#database.shared.dialect;
    return this.#database.transaction(async ({ engineState, trx }) => {
      if (!(await change(new ConsoleUsers(accessDb(trx), dialect)))) return false;
      // Never the password or its hash: the name and role say what changed.
      const entry = action === CONSOLE_USER_ACTIONS.delete ? { before: subject } : { after: subject };
      await engineState.appendAudit({ at: this.now(), actor, action, ...entry });
      return true;
    });
  }
}
