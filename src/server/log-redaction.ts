/**
 * Keeps credentials out of the request log. The `Authorization` and `Cookie` headers are dropped
 * by pino's redact paths; this covers the URL, where clients put tokens too (`?access_token=`,
 * RFC 6750 §2.3, and API keys, passwords and client secrets in other clients' habits). A query
 * parameter whose name looks like a credential keeps its name and loses its value.
 */
import type { FastifyRequest } from 'fastify';

/** What a redacted value is logged as. */
export const REDACTED = '[REDACTED]';

/** Header paths pino must never write (tokens). */
export const REDACTED_LOG_PATHS = ['req.headers.authorization', 'req.headers.cookie'] as const;

/** Normalised names (lower case, letters and digits only) that are credentials whatever ends them. */
const CREDENTIAL_NAMES = new Set([
  'pwd',
  'pass',
  'passphrase',
  'auth',
  'authorization',
  'code',
  'sig',
  'jwt',
  'otp',
  'session',
  'sessionid',
  'sid',
]);

/** Endings that make a name a credential: access_token, client_secret, api_key, x-amz-signature... */
const CREDENTIAL_ENDING = /(?:token|secret|password|passwd|key|signature|credentials?|assertion)$/;

/** True when a query parameter name (as sent, possibly percent-encoded) names a credential. */
export function isCredentialName(raw: string): boolean {
  let name = raw.replaceAll('+', ' ');
  if (name.includes('%')) {
    try {
      name = decodeURIComponent(name);
    } catch {
      // A malformed escape: judge the name as sent.
    }
  }
  const normalised = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return CREDENTIAL_NAMES.has(normalised) || CREDENTIAL_ENDING.test(normalised);
}

/** Characters after which a parameter name may start: the query, its separators, the fragment. */
function startsName(code: number): boolean {
  return code === 0x3f /* ? */ || code === 0x26 /* & */ || code === 0x3b /* ; */ || code === 0x23; /* # */
}

/**
 * `url` with the value of every credential-looking parameter replaced by REDACTED. A name is
 * looked for after every `?`, `&`, `;` and `#` (`;` for path parameters as some servers read
 * them), even inside another parameter's value, and a credential's value runs to the next `&` or
 * `#`: when in doubt, more is hidden rather than less. A URL with none of those characters is
 * returned as it is.
 */
export function redactUrl(url: string): string {
  let i = 0;
  while (i < url.length && !startsName(url.charCodeAt(i))) i++;
  if (i === url.length) return url;
  let out = '';
  let copied = 0;
  while (i < url.length) {
    if (!startsName(url.charCodeAt(i))) {
      i++;
      continue;
    }
    const nameStart = i + 1;
    let j = nameStart;
    while (j < url.length && url.charCodeAt(j) !== 0x3d /* = */ && !startsName(url.charCodeAt(j))) j++;
    if (j >= url.length || url.charCodeAt(j) !== 0x3d || !isCredentialName(url.slice(nameStart, j))) {
      i = nameStart;
      continue;
    }
    let end = j + 1;
    while (end < url.length && url.charCodeAt(end) !== 0x26 && url.charCodeAt(end) !== 0x23) end++;
    out += url.slice(copied, j + 1) + REDACTED;
    copied = end;
    i = end;
  }
  return copied === 0 ? url : out + url.slice(copied);
}

/**
 * pino serializer for `req` (fastify logs the request under that key): the fields of fastify's own
 * serializer, with the URL redacted.
 */
export function serializeRequest(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: redactUrl(request.url),
    version: request.headers?.['accept-version'],
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
