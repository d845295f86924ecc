import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  DATABASE_SCHEMA_ENV,
  DATABASE_URL_ENV,
  addStorageOptions,
  storageOptionsFrom,
} from './storage-options.js';

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
    expect(() => parse(['--sqlite-sync', 'off'])).toThrow(
      "error: option '--sqlite-sync <level>' argument 'off' is invalid. Allowed choices are full, normal.",
    );
  });

  it('takes the PostgreSQL URL from --database', () => {
    expect(storageOptionsFrom(parse(['--database', 'postgres://h/db'])).databaseUrl).toBe('postgres://h/db');
  });

  it('takes the URL from PROVISIO_DATABASE_URL when --database is not given, and an empty one as SQLite', () => {
    const saved = process.env[DATABASE_URL_ENV];
    try {
      process.env[DATABASE_URL_ENV] = 'postgresql://env-host/db';
      expect(storageOptionsFrom(parse([])).databaseUrl).toBe('postgresql://env-host/db');
      expect(storageOptionsFrom(parse(['--database', 'postgres://flag/db'])).databaseUrl).toBe(
        'postgres://flag/db',
      );
      process.env[DATABASE_URL_ENV] = '';
      expect(storageOptionsFrom(parse([])).databaseUrl).toBeUndefined();
      process.env[DATABASE_URL_ENV] = 'not a url';
      expect(() => parse([])).toThrow(
        "error: option '--database <url>' value 'not a url' from env 'PROVISIO_DATABASE_URL' is invalid.",
      );
    } finally {
      if (saved === undefined) delete process.env[DATABASE_URL_ENV];
      else process.env[DATABASE_URL_ENV] = saved;
    }
  });

  it('passes --database-schema (or PROVISIO_DATABASE_SCHEMA) through as the PostgreSQL schema', () => {
    const saved = process.env[DATABASE_SCHEMA_ENV];
    try {
      delete process.env[DATABASE_SCHEMA_ENV];
      expect(
        storageOptionsFrom(parse(['--database', 'postgres://h/db', '--database-schema', 'provisio_a'])),
      ).toMatchObject({ databaseUrl: 'postgres://h/db', postgresSchema: 'provisio_a' });
      expect(storageOptionsFrom(parse(['--database', 'postgres://h/db'])).postgresSchema).toBeUndefined();
      process.env[DATABASE_SCHEMA_ENV] = 'from_env';
      expect(storageOptionsFrom(parse(['--database', 'postgres://h/db'])).postgresSchema).toBe('from_env');
      process.env[DATABASE_SCHEMA_ENV] = '';
      expect(storageOptionsFrom(parse(['--database', 'postgres://h/db'])).postgresSchema).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env[DATABASE_SCHEMA_ENV];
      else process.env[DATABASE_SCHEMA_ENV] = saved;
    }
  });

  it('refuses a schema without a PostgreSQL database instead of ignoring it', () => {
    expect(() => storageOptionsFrom(parse(['--database-schema', 'provisio']))).toThrow(
      '--database-schema (or PROVISIO_DATABASE_SCHEMA) needs a PostgreSQL --database (or PROVISIO_DATABASE_URL); SQLite has no schemas',
    );
  });
});
