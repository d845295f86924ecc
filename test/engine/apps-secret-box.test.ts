/** Sealing credentials: round trip, the key sources, a wrong key, tampering, the key file's mode. */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  SECRET_KEY_FILE,
  SecretBox,
  SecretBoxError,
  keyFromFile,
  keyFromText,
  secretKeyProvider,
} from '../../src/engine/apps/secret-box.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'provisio-secret-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const hexKey = randomBytes(32).toString('hex');
const boxFor = (text: string) => new SecretBox(() => keyFromText(text));

async function rejection(promise: Promise<unknown>): Promise<SecretBoxError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof SecretBoxError)) throw new Error(`expected a SecretBoxError, got ${String(error)}`);
  return error;
}

describe('SecretBox', () => {
  it('opens what it sealed, for any JSON value, and the sealed text holds no clear value', async () => {
    const box = boxFor(hexKey);
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.string({ minLength: 1 }), fc.string({ minLength: 6 })),
        async (creds) => {
          const sealed = await box.seal(creds, 'app');
          expect(await box.open(sealed, 'app')).toEqual(creds);
          for (const value of Object.values(creds)) expect(sealed).not.toContain(value);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('uses a fresh nonce each time: the same value seals to different text', async () => {
    const box = boxFor(hexKey);
    expect(await box.seal({ token: 't' }, 'app')).not.toBe(await box.seal({ token: 't' }, 'app'));
  });

  it('names both key ids when opened with another key, instead of decrypting', async () => {
    const sealed = await boxFor(hexKey).seal({ token: 'abc' }, 'app');
    const other = await keyFromText(randomBytes(32).toString('hex'));
    const error = await rejection(new SecretBox(async () => other).open(sealed, 'app'));
    expect(error.code).toBe('wrong_key');
    expect(error.message).toContain(sealed.split('.')[1]);
    expect(error.message).toContain(other.id);
    expect(error.message).toContain('PROVISIO_SECRET_KEY');
  });

  it('refuses sealed text with any byte of nonce, ciphertext or tag changed', async () => {
    const box = boxFor(hexKey);
    const sealed = await box.seal({ token: 'abcdef' }, 'app');
    const parts = sealed.split('.');
    for (const index of [2, 3, 4]) {
      const bytes = Buffer.from(parts[index]!, 'base64url');
      bytes[0] = bytes[0]! ^ 1;
      const changed = parts.map((part, i) => (i === index ? bytes.toString('base64url') : part)).join('.');
      expect((await rejection(box.open(changed, 'app'))).code).toBe('tampered');
    }
  });

  it('refuses sealed text moved to another app (the name is associated data)', async () => {
    const box = boxFor(hexKey);
    const sealed = await box.seal({ token: 'abc' }, 'one');
    const error = await rejection(box.open(sealed, 'two'));
    expect(error.code).toBe('tampered');
    expect(error.message).not.toContain('abc');
  });

  it('refuses text that is not in the sealed format', async () => {
    const box = boxFor(hexKey);
    expect((await rejection(box.open('not sealed', 'app'))).code).toBe('malformed');
    expect((await rejection(box.open('pvs1.0123456789abcdef.AA.AA.AA', 'app'))).code).toBe('malformed');
  });
});

describe('the key', () => {
  it('reads 32 bytes as hex or base64 to the same key, and a passphrase through scrypt', async () => {
    const bytes = randomBytes(32);
    const fromHex = await keyFromText(bytes.toString('hex'));
    const fromBase64 = await keyFromText(bytes.toString('base64'));
    expect(fromHex.key.equals(bytes)).toBe(true);
    expect(fromBase64.key.equals(bytes)).toBe(true);
    expect(fromHex.id).toBe(fromBase64.id);
    const phrase = await keyFromText('correct horse battery staple');
    expect(phrase.key).toHaveLength(32);
    expect((await keyFromText('correct horse battery staple')).id).toBe(phrase.id);
    expect((await keyFromText('correct horse battery stapler')).id).not.toBe(phrase.id);
    expect(phrase.source).toContain('passphrase');
  });

  it('creates the key file with mode 0600 on first use and reads the same key after', async () => {
    const dir = tempDir();
    const box = new SecretBox(secretKeyProvider({ env: {}, dataDir: dir }));
    const sealed = await box.seal({ password: 'p4ss' }, 'app');
    const file = join(dir, SECRET_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    const reopened = new SecretBox(secretKeyProvider({ env: {}, dataDir: dir }));
    expect(await reopened.open(sealed, 'app')).toEqual({ password: 'p4ss' });
  });

  it('prefers PROVISIO_SECRET_KEY over the key file and creates no file then', async () => {
    const dir = tempDir();
    const box = new SecretBox(secretKeyProvider({ env: { PROVISIO_SECRET_KEY: hexKey }, dataDir: dir }));
    const sealed = await box.seal({ a: 'b' }, 'app');
    expect(() => statSync(join(dir, SECRET_KEY_FILE))).toThrow();
    expect(await boxFor(hexKey).open(sealed, 'app')).toEqual({ a: 'b' });
  });

  it('refuses a key file others may read, and one that holds no key', async () => {
    const dir = tempDir();
    const file = join(dir, SECRET_KEY_FILE);
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    chmodSync(file, 0o644);
    const open = await rejection(keyFromFile(file));
    expect(open.message).toMatch(/may be read by other users \(mode 644\); run chmod 600/);
    writeFileSync(file, 'short\n');
    chmodSync(file, 0o600);
    expect((await rejection(keyFromFile(file))).message).toMatch(/does not hold a base64 32-byte key/);
  });
});
