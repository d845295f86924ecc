import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import type { ScryptOptions } from 'node:crypto';
import { findKey } from '../../scim/patch/patch-draft.js';
import type { JsonObject } from '../../shared/json.js';

/**
 * A user's `password` is kept only as a salted scrypt hash (RFC 7643 §4.1.1: "If a service
 * provider holds the value locally, the value SHOULD be hashed"). SCIM never returns it
 * (`returned: never`), and nothing in Provisio needs the cleartext back, so a one-way hash is
 * the whole of what is stored.
 *
 * Format: `$scrypt$N=16384,r=8,p=1$<salt, base64>$<key, base64>`, so that stronger parameters can
 * be adopted later and older hashes still verify. The cleartext is normalised to Unicode NFC first
 * (the OpaqueString profile of RFC 8265, which RFC 7643 points to through RFC 7613).
 */
export const PASSWORD_HASH_PREFIX = '$scrypt$';

const COST = { N: 16384, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

function encode(salt: Buffer, key: Buffer): string {
  return `${PASSWORD_HASH_PREFIX}N=${COST.N},r=${COST.r},p=${COST.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

const HASH_FORMAT = /^\$scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

/** Whether a stored value is already a hash made here (the whole format, not just its prefix). */
export function isPasswordHash(value: unknown): value is string {
  return typeof value === 'string' && HASH_FORMAT.test(value);
}

/** Hashes a cleartext password in libuv's thread pool (about 40 ms of CPU), off the event loop. */
export function hashPassword(cleartext: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  return new Promise((resolve, reject) => {
    scrypt(cleartext.normalize('NFC'), salt, KEY_BYTES, COST, (error, key) => {
      if (error) reject(error);
      else resolve(encode(salt, key));
    });
  });
}

/** The same, on the calling thread: for writes that reach the store with a cleartext password. */
export function hashPasswordSync(cleartext: string): string {
  const salt = randomBytes(SALT_BYTES);
  return encode(salt, scryptSync(cleartext.normalize('NFC'), salt, KEY_BYTES, COST));
}

/** Whether `cleartext` is the password a stored hash was made from. */
export function verifyPassword(cleartext: string, stored: string): Promise<boolean> {
  const match = HASH_FORMAT.exec(stored);
  if (!match) return Promise.resolve(false);
  const options: ScryptOptions = {
    N: Number(match[1]),
    r: Number(match[2]),
    p: Number(match[3]),
    maxmem: 256 * 1024 * 1024,
  };
  const salt = Buffer.from(match[4]!, 'base64');
  const expected = Buffer.from(match[5]!, 'base64');
  return new Promise((resolve, reject) => {
    scrypt(cleartext.normalize('NFC'), salt, expected.length, options, (error, key) => {
      if (error) reject(error);
      else resolve(key.length === expected.length && timingSafeEqual(key, expected));
    });
  });
}

/** The key of a top-level password that is still cleartext (attribute names are case-insensitive). */
function cleartextPasswordKey(attributes: JsonObject): string | undefined {
  const key = findKey(attributes, 'password');
  if (key === undefined) return undefined;
  const value = attributes[key];
  return typeof value === 'string' && !isPasswordHash(value) ? key : undefined;
}

/**
 * A user's attributes as the store keeps them: a cleartext password replaced by its hash. The
 * server hashes before it writes (`withHashedPassword`); this is the guarantee for every other
 * way into the store, at the price of hashing on the calling thread.
 */
export function sealPassword(attributes: JsonObject): JsonObject {
  const key = cleartextPasswordKey(attributes);
  if (key === undefined) return attributes;
  return { ...attributes, [key]: hashPasswordSync(attributes[key] as string) };
}

/** The same as sealPassword, hashing off the event loop; used before a write is queued. */
export async function withHashedPassword(attributes: JsonObject): Promise<JsonObject> {
  const key = cleartextPasswordKey(attributes);
  if (key === undefined) return attributes;
  return { ...attributes, [key]: await hashPassword(attributes[key] as string) };
}
