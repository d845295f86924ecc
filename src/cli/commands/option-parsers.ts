/**
 * Parsers for command-line option values, used as commander `argParser`s. Each returns the parsed
 * value or throws commander's InvalidArgumentError with what the option accepts; commander prefixes
 * the message with the option's flags and the value given (or the environment variable it came
 * from), and the CLI exits with the usage-error code before anything is opened or started.
 */
import { statSync } from 'node:fs';
import { isIP } from 'node:net';
import { InvalidArgumentError } from 'commander';
import ms from 'ms';
import { APP_NAME_PATTERN } from '../../engine/apps/app-schema.js';
import { isProxyEntry } from '../../server/server-options.js';

/** A TCP port, 0 to 65535 (0 asks the system for a free one). */
export function portNumber(value: string): number {
  const n = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 0 && n <= 65535)) {
    throw new InvalidArgumentError('Expected a port number from 0 to 65535 (0 picks a free port).');
  }
  return n;
}

/** One DNS label: letters, digits and inner hyphens (RFC 1123 §2.1). */
const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** An address to listen on: an IPv4 or IPv6 address, or a host name such as `localhost`. */
export function listenHost(value: string): string {
  const labels = value.split('.');
  // A name whose last label is all digits is a mistyped IPv4 address, not a host name.
  const isHostName =
    value.length <= 253 && labels.every((label) => HOST_LABEL.test(label)) && !/^\d+$/.test(labels.at(-1)!);
  if (isIP(value) === 0 && !isHostName) {
    throw new InvalidArgumentError(
      'Expected an IP address or a host name, such as 127.0.0.1, 0.0.0.0, :: or localhost.',
    );
  }
  return value;
}

/**
 * The reverse proxies to believe: a comma-separated list of IP addresses, CIDR ranges and the names
 * loopback, linklocal and uniquelocal (e.g. `10.0.0.0/8,loopback`). Spaces around entries are
 * ignored; an empty entry or anything else is refused.
 */
export function proxyList(value: string): string[] {
  const entries = value.split(',').map((entry) => entry.trim());
  const bad = entries.find((entry) => !isProxyEntry(entry));
  if (bad !== undefined) {
    throw new InvalidArgumentError(
      `${bad === '' ? 'An empty entry' : JSON.stringify(bad)} is not a proxy: expected a comma-separated list of IP addresses, CIDR ranges (10.0.0.0/8) or loopback, linklocal, uniquelocal.`,
    );
  }
  return entries;
}

/**
 * An absolute http(s) URL without query or fragment: the server puts resource paths after it in
 * Location and meta.location, so anything after the path would end up in the middle of them.
 */
export function publicBaseUrl(value: string): string {
  const example = 'such as https://scim.example.com or https://example.com/provisio';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`Expected an absolute http:// or https:// URL, ${example}.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(`Expected an http:// or https:// URL, ${example}.`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new InvalidArgumentError(`Expected a URL without a query or fragment, ${example}.`);
  }
  return value;
}

/** A positive whole number of bytes. */
export function byteCount(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('Expected a positive whole number of bytes, such as 1048576.');
  }
  return n;
}

/** A directory path: not empty, and if something of that name exists it is a directory. */
export function directoryPath(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('Expected a directory path.');
  const stats = statSync(value, { throwIfNoEntry: false });
  if (stats !== undefined && !stats.isDirectory()) {
    throw new InvalidArgumentError('Expected a directory; a file of that name exists.');
  }
  return value;
}

/** A file that exists and is not a directory (it is read later, when the command runs). */
export function existingFile(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('Expected a file path.');
  const stats = statSync(value, { throwIfNoEntry: false });
  if (stats === undefined) throw new InvalidArgumentError('No such file.');
  if (stats.isDirectory()) throw new InvalidArgumentError('Expected a file; this is a directory.');
  return value;
}

/**
 * A PostgreSQL connection URL (`postgres://` or `postgresql://`). An empty value passes as empty,
 * meaning "none", so `PROVISIO_DATABASE_URL=` in an environment file selects SQLite.
 */
export function postgresUrl(value: string): string {
  if (value === '') return value;
  const message =
    'Expected a postgres:// or postgresql:// URL, such as postgres://user@localhost:5432/provisio.';
  if (!/^postgres(?:ql)?:\/\//i.test(value)) throw new InvalidArgumentError(message);
  try {
    new URL(value);
  } catch {
    throw new InvalidArgumentError(message);
  }
  return value;
}

/**
 * A PostgreSQL schema name for `--database-schema`: lower-case letters, digits and `_`, not starting
 * with a digit, at most 63 characters (PostgreSQL's identifier limit). The store sets it as the
 * connections' search_path unquoted, where PostgreSQL folds a name to lower case, so upper case is
 * refused rather than silently meaning another schema (the store checks the same rule,
 * src/directory/open-store.ts). An empty value passes as empty, meaning "the connection's own".
 */
export function postgresSchemaName(value: string): string {
  if (value === '') return value;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(value)) {
    throw new InvalidArgumentError(
      'Expected a schema name of lower-case letters, digits and _ (not starting with a digit, at most 63 characters), such as provisio.',
    );
  }
  return value;
}

/** A name that prints on one line: not blank, no control characters. Returned trimmed. */
export function displayName(value: string): string {
  const name = value.trim();
  // eslint-disable-next-line no-control-regex
  if (name === '' || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new InvalidArgumentError('Expected a non-blank name on one line, without control characters.');
  }
  return name;
}

/** A JSON object, e.g. `{"givenName":"Ada"}`. */
export function jsonObject(value: string): Record<string, unknown> {
  const parsed = parseJson(value);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidArgumentError(`Expected a JSON object, such as '{"givenName":"Ada"}'.`);
  }
  return parsed as Record<string, unknown>;
}

/** A JSON array of strings, e.g. `["jdoe@contoso.com"]`. */
export function jsonStringArray(value: string): string[] {
  const parsed = parseJson(value);
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) {
    throw new InvalidArgumentError(`Expected a JSON array of strings, such as '["jdoe@contoso.com"]'.`);
  }
  return parsed as string[];
}

function parseJson(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidArgumentError(`It is not valid JSON (${reason}).`);
  }
}

/** An ISO 8601 date and time, e.g. `2024-01-31T12:00:00Z`. */
export function isoTime(value: string): Date {
  const time = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(time.getTime())) {
    throw new InvalidArgumentError('Expected an ISO 8601 time, such as 2024-01-31T12:00:00Z.');
  }
  return time;
}

/** A whole number, possibly negative, that a double holds exactly. */
export function safeInteger(value: string): number {
  const n = /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('Expected an integer, such as 7.');
  return n;
}

/** A duration with its unit (`30s`, `15m`, `2h`, `7d`), in milliseconds; `0` for none. */
export function durationMs(value: string): number {
  const text = value.trim();
  if (text === '0') return 0;
  // ms reads a bare number as milliseconds; here a number without a unit is a mistake.
  const parsed = /^\d+(?:\.\d+)?\s*[a-z]+$/i.test(text) ? ms(text as ms.StringValue) : undefined;
  if (parsed === undefined || !Number.isFinite(parsed) || parsed < 0) {
    throw new InvalidArgumentError('Expected a duration with a unit, such as 30s, 15m, 2h or 7d, or 0.');
  }
  return Math.round(parsed);
}

/**
 * A point in time: an ISO 8601 time (`2024-01-31T12:00:00Z`, `2024-01-31`) or a duration back from
 * now (`90m`, `2h`, `7d`).
 */
export function pastTime(value: string, now: () => Date = () => new Date()): Date {
  const text = value.trim();
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const time = new Date(text);
    if (!Number.isNaN(time.getTime())) return time;
  } else if (/^\d+(?:\.\d+)?\s*[a-z]+$/i.test(text)) {
    const ago = ms(text as ms.StringValue);
    if (ago !== undefined && Number.isFinite(ago) && ago > 0) return new Date(now().getTime() - ago);
  }
  throw new InvalidArgumentError(
    'Expected an ISO 8601 time (2024-01-31T12:00:00Z) or a duration back from now (90m, 2h, 7d).',
  );
}

/** A whole number from 1 to `max`. */
export function countUpTo(max: number): (value: string) => number {
  return (value) => {
    const n = /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < 1 || n > max) {
      throw new InvalidArgumentError(`Expected a whole number from 1 to ${max}.`);
    }
    return n;
  };
}

/** An application name as `apps apply` accepts it: `[a-z0-9][a-z0-9._-]*`. */
export function appName(value: string): string {
  if (!APP_NAME_PATTERN.test(value) || value.length > 128) {
    throw new InvalidArgumentError(
      'Expected an application name: lower-case letters, digits, dots, dashes and underscores, such as crm or scim-demo.',
    );
  }
  return value;
}
