/**
 * API bearer tokens: `pvs_<id>_<secret>`. The id (16 hex digits) finds the stored record; the
 * secret (256 random bits, base64url) is checked against the stored SHA-256 hash.
 *
 * Why a plain SHA-256 and not a slow password hash (bcrypt, scrypt, argon2): a slow KDF protects
 * low-entropy human passwords against guessing after a database leak. A 256-bit random secret
 * cannot be guessed whatever the hash speed, so the KDF's cost would buy nothing and would be paid
 * on every request. The comparison is constant-time so that the response time does not reveal how
 * many leading bytes of a guessed hash matched.
 */
import { createHash, hash, randomBytes, timingSafeEqual } from 'node:crypto';
import type {
  ApiTokenRecord,
  DirectoryStore,
  TokenAudience,
  TokenScope,
} from '../directory/directory-store.js';

/** Recognisable prefix, so secret scanners and humans can tell a Provisio token. */
export const TOKEN_PREFIX = 'pvs_';
const TOKEN_PATTERN = /^pvs_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** The parts of a token as presented by a client. */
export interface ParsedToken {
  readonly id: string;
  readonly secret: string;
}

/** SHA-256 of the secret, hex. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Splits a presented token; undefined when it is not in the `pvs_<id>_<secret>` form. */
export function parseToken(token: string): ParsedToken | undefined {
  const match = TOKEN_PATTERN.exec(token);
  if (!match) return undefined;
  return { id: match[1]!, secret: match[2]! };
}

/** A stored hex hash as bytes, or undefined when it is not a SHA-256 digest (a corrupt record). */
export function storedHashBytes(storedHash: string): Buffer | undefined {
  const bytes = Buffer.from(storedHash, 'hex');
  return bytes.length === 32 ? bytes : undefined;
}

/**
 * Constant-time check of a presented secret against the bytes of a stored hash: one SHA-256 and
 * one timingSafeEqual, no hex round trip (this runs on every authenticated request).
 */
export function secretMatchesBytes(secret: string, stored: Buffer): boolean {
  // crypto.hash (Node >= 20.12) skips the Hash object: half the cost of createHash for one string.
  const presented = hash('sha256', secret, 'buffer');
  // Both are SHA-256 digests; a length mismatch means a corrupt record, not a timing channel.
  if (presented.length !== stored.length) return false;
  return timingSafeEqual(presented, stored);
}

/** Constant-time check of a presented secret against a stored hash (hex). */
export function secretMatches(secret: string, storedHash: string): boolean {
  const stored = storedHashBytes(storedHash);
  return stored !== undefined && secretMatchesBytes(secret, stored);
}

/** A freshly issued token: the full text is shown once and never stored. */
export interface IssuedToken {
  readonly token: string;
  readonly record: ApiTokenRecord;
}

/**
 * Creates a token named `name` with `scope` for the API `audience` names (SCIM unless told) and
 * stores only its hash.
 */
export async function issueToken(
  store: DirectoryStore,
  name: string,
  scope: TokenScope,
  audience: TokenAudience = 'scim',
): Promise<IssuedToken> {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const record = await store.createToken({ id, name, scope, audience, secretHash: hashSecret(secret) });
  return { token: `${TOKEN_PREFIX}${id}_${secret}`, record };
}

/** Looks a presented token up and checks it; undefined when unknown or wrong. */
export async function verifyToken(store: DirectoryStore, token: string): Promise<ApiTokenRecord | undefined> {
  const parsed = parseToken(token);
  if (!parsed) return undefined;
  const record = await store.findToken(parsed.id);
  if (!record) return undefined;
  return secretMatches(parsed.secret, record.secretHash) ? record : undefined;
}
