import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addStorageOptions, storageOptionsFrom } from './storage-options.js';

function parse(args: string[]): Record<string, unknown> {
  const command = addStorageOptions(new Command('x').exitOverride().configureOutput({ writeErr: () => {} }));
  command.parse(args, { from: 'user' });
  return command.opts();
}

describe('storage options', () => {
  it('defaults SQLite to full durability', () => {
    expect(storageOptionsFrom(parse([]))).toMatchObject({ dataDir: './data', sqliteSynchronous: 'full' });
  });

  it('passes --sqlite-sync normal through to the store options', () => {
    expect(storageOptionsFrom(parse(['--sqlite-sync', 'normal'])).sqliteSynchronous).toBe('normal');
  });

  it('rejects an unknown durability level with a clear message', () => {
    expect(() => parse(['--sqlite-sync', 'off'])).toThrow(/expected 'full' or 'normal'/);
  });

  it('takes the PostgreSQL URL from --database', () => {
    expect(storageOptionsFrom(parse(['--database', 'postgres://h/db'])).databaseUrl).toBe('postgres://h/db');
  });
});
