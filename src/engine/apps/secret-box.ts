/**
 * Sealing an app's credentials for storage: AES-256-GCM (node:crypto) with a fresh 96-bit nonce per
 * seal and the app's name as associated data, so sealed text moved to another app does not open.
 *
 * The key comes from `PROVISIO_SECRET_KEY` when it is set: 32 bytes as 64 hex digits or as base64
 * (what `openssl rand -base64 32` prints), or else any other text taken as a passphrase and
 * stretched with scrypt (a fixed salt, so every process given the passphrase derives the same key).
 * Without the variable the key is read from `<data-dir>/secret.key`, which is created on first use
 * with mode 0600 and refused when others may read it.
 *
 * Sealed text is `pvs1.<key id>.<nonce>.<ciphertext>.<tag>` (base64url parts). The key id is a
 * hash of the key, never the key itself: opening with another key fails with an error naming both
 * ids instead of decrypting garbage, and a changed byte fails GCM's authentication.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, scrypt } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { JsonValue } from '../../shared/json.js';

/** The environment variable holding the key (or a passphrase). */
export const SECRET_KEY_ENV = 'PROVISIO_SECRET_KEY';
/** The key file inside the data directory, used when the variable is not set. */
export const SECRET_KEY_FILE = 'secret.key';

const FORMAT = 'pvs1';
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Fixed on purpose: the passphrase alone must give the same key on every host. */
const PASSPHRASE_SALT = 'provisio.secret-key.v1';
const PASSPHRASE_COST = { N: 32768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

export type SecretBoxErrorCode = 'wrong_key' | 'tampered' | 'malformed' | 'key_unavailable';

/** Why sealing or opening failed; the message never holds a secret or the key. */
export class SecretBoxError extends Error {
  readonly code: SecretBoxErrorCode;
  constructor(code: SecretBoxErrorCode, message: string) {
    super(message);
    this.name = 'SecretBoxError';
    this.code = code;
  }
}

/** A 32-byte key, its public id, and where it came from (for error messages). */
export interface SecretKey {
  readonly key: Buffer;
  readonly id: string;
  readonly source: string;
}

/** The id sealed text names its key by: the first 8 bytes of a hash of the key, in hex. */
export function keyId(key: Buffer): string {
  return createHash('sha256').update('provisio secret key id\0').update(key).digest('hex').slice(0, 16);
}

function secretKey(key: Buffer, source: string): SecretKey {
  if (key.length !== KEY_BYTES) throw new Error(`a secret key must be ${KEY_BYTES} bytes`);
  return { key, id: keyId(key), source };
}

/** Reads `PROVISIO_SECRET_KEY`: hex or base64 32 bytes, else a passphrase. */
export async function keyFromText(text: string, source = SECRET_KEY_ENV): Promise<SecretKey> {
  const value = text.trim();
  if (value === '') throw new SecretBoxError('key_unavailable', `${source} is empty`);
  if (/^[0-9a-f]{64}$/i.test(value)) return secretKey(Buffer.from(value, 'hex'), source);
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const decoded = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (decoded.length === KEY_BYTES) return secretKey(decoded, source);
  }
  const derived = await new Promise<Buffer>((resolve, reject) => {
    scrypt(value.normalize('NFC'), PASSPHRASE_SALT, KEY_BYTES, PASSPHRASE_COST, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
  return secretKey(derived, `${source} (passphrase)`);
}

/** Reads the key file, creating it (mode 0600, never overwriting) when it does not exist. */
export async function keyFromFile(file: string): Promise<SecretKey> {
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new SecretBoxError(
        'key_unavailable',
        `cannot create the secret key file ${file}: ${reason(error)}`,
      );
    }
  }
  const info = await stat(file);
  if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
    throw new SecretBoxError(
      'key_unavailable',
      `the secret key file ${file} may be read by other users (mode ${(info.mode & 0o777).toString(8)}); run chmod 600 on it`,
    );
  }
  const text = (await readFile(file, 'utf8')).trim();
  const decoded = Buffer.from(text, 'base64');
  if (!/^[A-Za-z0-9+/]{43}=$/.test(text) || decoded.length !== KEY_BYTES) {
    throw new SecretBoxError(
      'key_unavailable',
      `the secret key file ${file} does not hold a base64 32-byte key`,
    );
  }
  return secretKey(decoded, file);
}

/** Where the key comes from: the variable when set, else the data directory's key file. */
export function secretKeyProvider(options: {
  env?: NodeJS.ProcessEnv;
  dataDir: string;
}): () => Promise<SecretKey> {
  const text = (options.env ?? process.env)[SECRET_KEY_ENV];
  if (text !== undefined && text !== '') return () => keyFromText(text);
  return () => keyFromFile(join(options.dataDir, SECRET_KEY_FILE));
}

/** Seals and opens JSON values; the key is loaded (and the key file created) only when first needed. */
export class SecretBox {
  readonly #provider: () => Promise<SecretKey>;
  #key: Promise<SecretKey> | undefined;

  constructor(provider: () => Promise<SecretKey>) {
    this.#provider = provider;
  }

  #currentKey(): Promise<SecretKey> {
    this.#key ??= this.#provider().catch((error: unknown) => {
      this.#key = undefined;
      throw error;
    });
    return this.#key;
  }

  /** Seals `value`; `context` (the app's name) must be given again to open it. */
  async seal(value: JsonValue, context: string): Promise<string> {
    const { key, id } = await this.#currentKey();
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(id, context));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return [FORMAT, id, nonce, ciphertext, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** Opens sealed text; a different key, another context or a changed byte is an error, never garbage. */
  async open(sealed: string, context: string): Promise<JsonValue> {
    const parts = sealed.split('.');
    const [format, sealedId, nonceText, ciphertextText, tagText] = parts;
    if (parts.length !== 5 || format !== FORMAT || !/^[0-9a-f]{16}$/.test(sealedId ?? '')) {
      throw new SecretBoxError('malformed', 'the stored credentials are not in the sealed format');
    }
    const nonce = Buffer.from(nonceText!, 'base64url');
    const tag = Buffer.from(tagText!, 'base64url');
    if (nonce.length !== NONCE_BYTES || tag.length !== TAG_BYTES) {
      throw new SecretBoxError('malformed', 'the stored credentials are not in the sealed format');
    }
    const { key, id, source } = await this.#currentKey();
    if (sealedId !== id) {
      throw new SecretBoxError(
        'wrong_key',
        `the credentials were sealed with key ${sealedId}, but the key from ${source} is ${id}:` +
          ` set ${SECRET_KEY_ENV} to the key they were sealed with, or apply the app again`,
      );
    }
    let clear: string;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
      decipher.setAAD(associatedData(id, context));
      decipher.setAuthTag(tag);
      clear = Buffer.concat([
        decipher.update(Buffer.from(ciphertextText!, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new SecretBoxError(
        'tampered',
        `the stored credentials of '${context}' fail their integrity check (changed, or sealed for another app)`,
      );
    }
    return JSON.parse(clear) as JsonValue;
  }
}

function associatedData(id: string, context: string): Buffer {
  return Buffer.from(`${FORMAT}\0${id}\0${context}`, 'utf8');
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
