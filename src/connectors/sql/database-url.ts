/**
 * Which database a `url` setting names: a postgres:// or mysql:// / mariadb:// URL, or otherwise a
 * SQLite file path. Passwords may be in the URL; this module is where they are taken out of it, so
 * that no message ever repeats the URL as given.
 */
import { isAbsolute, resolve } from 'node:path';
import { ConnectorError } from '../spi/index.js';
import type { EngineName } from './sql-engine.js';

/** A database server reached over the network. */
export interface ServerTarget {
  engine: 'postgres' | 'mysql';
  host: string;
  port: number | undefined;
  database: string | undefined;
  user: string | undefined;
  password: string | undefined;
  /** Query parameters of the URL (sslmode, ssl), kept for the driver. */
  params: URLSearchParams;
}

export type DatabaseTarget = ServerTarget | { engine: 'sqlite'; file: string };

const SCHEMES: Record<string, EngineName> = {
  'postgres:': 'postgres',
  'postgresql:': 'postgres',
  'mysql:': 'mysql',
  'mariadb:': 'mysql',
  'sqlite:': 'sqlite',
};

/** Parses `url`; a relative SQLite path is resolved from `baseDirectory` (the app file's directory). */
export function parseDatabaseUrl(url: string, baseDirectory: string): DatabaseTarget {
  const scheme = /^([a-z][a-z0-9+.-]*:)/i.exec(url)?.[1]?.toLowerCase();
  const engine = scheme === undefined ? undefined : SCHEMES[scheme];
  // A Windows drive letter (C:\...) looks like a scheme; anything unknown is a file path.
  if (engine === undefined || engine === 'sqlite') {
    const path = engine === 'sqlite' ? url.slice(scheme!.length).replace(/^\/\/(?=\/)/, '') : url;
    if (path === ':memory:') return { engine: 'sqlite', file: path };
    return { engine: 'sqlite', file: isAbsolute(path) ? path : resolve(baseDirectory, path) };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConnectorError('schema_violation', `settings.url is not a valid ${scheme}// URL`);
  }
  if (parsed.hostname === '') throw new ConnectorError('schema_violation', 'settings.url names no host');
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  return {
    engine: engine as ServerTarget['engine'],
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port === '' ? undefined : Number(parsed.port),
    database: database === '' ? undefined : database,
    user: parsed.username === '' ? undefined : decodeURIComponent(parsed.username),
    password: parsed.password === '' ? undefined : decodeURIComponent(parsed.password),
    params: parsed.searchParams,
  };
}

/** The URL without its password, for messages. */
export function describeTarget(target: DatabaseTarget): string {
  if (target.engine === 'sqlite') return `SQLite file ${target.file}`;
  const user = target.user === undefined ? '' : `${target.user}@`;
  const port = target.port === undefined ? '' : `:${target.port}`;
  return `${target.engine === 'postgres' ? 'PostgreSQL' : 'MySQL/MariaDB'} ${user}${target.host}${port}/${target.database ?? ''}`;
}
