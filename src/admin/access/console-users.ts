/**
 * Console users: a name, a role and a password kept only as a salted scrypt hash (the format and
 * parameters of directory/resources/user-password.ts, stored with each hash so that stronger
 * parameters can come later). Nothing ever reads a password back.
 */
import type { DialectAdapter } from '../../directory/dialect-adapter.js';
import type { AdminRole } from '../admin-route.js';
import { ADMIN_ROLES } from '../admin-route.js';
import type { AccessDb } from './access-tables.js';

/** Shortest console password accepted: long enough that the sign-in lockout makes guessing hopeless. */
export const MIN_PASSWORD_LENGTH = 12;

/** Longest accepted: scrypt hashes any length, but a megabyte password is a denial of service. */
export const MAX_PASSWORD_LENGTH = 1024;

/** Letters, digits and `.`, `_`, `@`, `-`; 1 to 64 characters, starting with a letter or digit. */
const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export interface ConsoleUser {
  readonly name: string;
  readonly role: AdminRole;
  readonly created: Date;
  readonly passwordChanged: Date;
}

/** What is wrong with a console user name, or undefined when it is fine. */
export function userNameProblem(name: string): string | undefined {
  return USER_NAME.test(name)
    ? undefined
    : 'a console user name is 1-64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit';
}

/** What is wrong with a new password, or undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) {
    return `the password is too short: it needs at least ${MIN_PASSWORD_LENGTH} characters, got ${length}`;
  }
  if (length > MAX_PASSWORD_LENGTH) return `the password is longer than ${MAX_PASSWORD_LENGTH} characters`;
  return undefined;
}

export function isAdminRole(value: string): value is AdminRole {
  return (ADMIN_ROLES as readonly string[]).includes(value);
}

/** A console user's row and its hash, for sign-in only. */
export interface ConsoleUserWithHash extends ConsoleUser {
  readonly passwordHash: string;
}

/**
 * The rows of console users over one executor: the root connection for reads, or the transaction
 * a change runs in together with its audit entry (console-access.ts).
 */
export class ConsoleUsers {
  constructor(
    private readonly db: AccessDb,
    private readonly dialect: DialectAdapter,
  ) {}

  /** Adds a user with an already computed hash; false when the name is taken. */
  async insert(name: string, role: AdminRole, passwordHash: string, at: Date): Promise<boolean> {
    const result = await this.db
      .insertInto('console_users')
      .values({
        name,
        role,
        password_hash: passwordHash,
        created: this.dialect.time(at),
        password_changed: this.dialect.time(at),
      })
      .onConflict((oc) => oc.column('name').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async find(name: string): Promise<ConsoleUserWithHash | undefined> {
    const row = await this.db
      .selectFrom('console_users')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    if (row === undefined || !isAdminRole(row.role)) return undefined;
    return {
      name: row.name,
      role: row.role,
      created: this.dialect.readTime(row.created),
      passwordChanged: this.dialect.readTime(row.password_changed),
      passwordHash: row.password_hash,
    };
  }

  async list(): Promise<ConsoleUser[]> {
    const rows = await this.db
      .selectFrom('console_users')
      .select(['name', 'role', 'created', 'password_changed'])
      .orderBy('name')
      .execute();
    return rows.flatMap((row) =>
      isAdminRole(row.role)
        ? [
            {
              name: row.name,
              role: row.role,
              created: this.dialect.readTime(row.created),
              passwordChanged: this.dialect.readTime(row.password_changed),
            },
          ]
        : [],
    );
  }

  /** Removes a user and every session of theirs; false when there was none. */
  async delete(name: string): Promise<boolean> {
    await this.db.deleteFrom('console_sessions').where('user_name', '=', name).execute();
    const result = await this.db.deleteFrom('console_users').where('name', '=', name).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Sets a new hash and ends every session of the user; false when there is no such user. */
  async setPassword(name: string, passwordHash: string, at: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('console_users')
      .set({ password_hash: passwordHash, password_changed: this.dialect.time(at) })
      .where('name', '=', name)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    await this.db.deleteFrom('console_sessions').where('user_name', '=', name).execute();
    return true;
  }
}
