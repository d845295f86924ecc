import { describe, expect, it } from 'vitest';
import {
  hashPassword,
  hashPasswordSync,
  isPasswordHash,
  PASSWORD_HASH_PREFIX,
  sealPassword,
  verifyPassword,
  withHashedPassword,
} from './user-password.js';

describe('user passwords', () => {
  it('hashes with a fresh salt each time and verifies only the same password', async () => {
    const one = await hashPassword('correct horse');
    const two = await hashPassword('correct horse');
    expect(one.startsWith(PASSWORD_HASH_PREFIX)).toBe(true);
    expect(one).not.toBe(two);
    expect(one).not.toContain('correct horse');
    expect(await verifyPassword('correct horse', one)).toBe(true);
    expect(await verifyPassword('correct horse', two)).toBe(true);
    expect(await verifyPassword('correct horsf', one)).toBe(false);
    expect(await verifyPassword('correct horse', 'correct horse')).toBe(false);
    expect(await verifyPassword('x', hashPasswordSync('x'))).toBe(true);
  });

  it('compares passwords after Unicode NFC normalisation', async () => {
    const composed = 'caf\u00e9';
    const decomposed = 'cafe\u0301';
    expect(await verifyPassword(decomposed, await hashPassword(composed))).toBe(true);
  });

  it('takes only a well-formed hash for a hash, never a password that looks like one', async () => {
    expect(isPasswordHash(await hashPassword('p'))).toBe(true);
    expect(isPasswordHash(`${PASSWORD_HASH_PREFIX}not a hash`)).toBe(false);
    expect(isPasswordHash(42)).toBe(false);
    const sealed = sealPassword({ password: `${PASSWORD_HASH_PREFIX}not a hash` });
    expect(isPasswordHash(sealed.password)).toBe(true);
  });

  it('seals a cleartext password under any casing of the key and leaves the rest alone', async () => {
    const attributes = { userName: 'u', PassWord: 'secret' };
    const sealed = sealPassword(attributes);
    expect(sealed.userName).toBe('u');
    expect(isPasswordHash(sealed.PassWord)).toBe(true);
    expect(attributes.PassWord).toBe('secret');
    expect(sealPassword(sealed)).toBe(sealed);
    expect(sealPassword({ userName: 'u' })).toEqual({ userName: 'u' });
    const hashed = await withHashedPassword({ password: 'secret' });
    expect(await verifyPassword('secret', hashed.password as string)).toBe(true);
    expect(await withHashedPassword(hashed)).toBe(hashed);
  });
});
