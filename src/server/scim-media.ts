/**
 * The media types of the SCIM protocol (RFC 7644 §3.1, §8.1): clients send and receive
 * `application/scim+json`; `application/json` is accepted too, since many clients send it.
 */
import type { FastifyInstance } from 'fastify';
import { ScimError } from '../scim/scim-error.js';

/** The Content-Type of every SCIM response (RFC 7644 §3.1). */
export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** The request media types the server parses; anything else with a body gets 415. */
export const ACCEPTED_MEDIA_TYPES = ['application/scim+json', 'application/json'] as const;

function refuseProtoKey(key: string, value: unknown): unknown {
  if (key === '__proto__') throw ScimError.invalidSyntax('request body: the key "__proto__" is not allowed');
  return value;
}

/**
 * Deepest nesting of arrays and objects a request body may have. A SCIM resource nests five or six
 * levels (a Bulk operation's data a few more, and bulk-request.ts allows that data 32); a body
 * nested hundreds of thousands deep is no request, and parsing it builds one object per level,
 * tens of megabytes for a body under the 1 MiB limit.
 */
export const DEFAULT_MAX_JSON_DEPTH = 64;

/** True when the quote at `at` is escaped: preceded by an odd number of backslashes. */
function isEscaped(text: string, at: number): boolean {
  let backslashes = 0;
  for (let i = at - 1; i >= 0 && text.charCodeAt(i) === 0x5c; i--) backslashes++;
  return backslashes % 2 === 1;
}

/**
 * True when `text` holds more than `limit` of `{` and `[` together (strings included): only then
 * can it nest deeper than `limit`. Counted with indexOf, which is native and several times faster
 * than the scan below, so the usual request body of a dozen brackets is never scanned.
 */
function moreOpeningBracketsThan(text: string, limit: number): boolean {
  let count = 0;
  for (const bracket of ['{', '[']) {
    for (let at = text.indexOf(bracket); at !== -1; at = text.indexOf(bracket, at + 1)) {
      if (++count > limit) return true;
    }
  }
  return false;
}

/**
 * The offset of the first `{` or `[` that opens level `maxDepth + 1` of `text`, or -1 when the
 * text nests no deeper than `maxDepth`. One pass over the text, skipping strings, before anything
 * is parsed: a too-deep body is refused without building its objects. Brackets are counted as
 * JSON reads them; malformed text may be counted oddly, and JSON.parse then refuses it anyway.
 */
export function jsonDepthOverflow(text: string, maxDepth: number): number {
  if (!moreOpeningBracketsThan(text, maxDepth)) return -1;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string: jump to its closing quote.
      let end = text.indexOf('"', i + 1);
      while (end !== -1 && isEscaped(text, end)) end = text.indexOf('"', end + 1);
      if (end === -1) return -1;
      i = end;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > maxDepth) return i;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return -1;
}

/**
 * Parses a JSON request body. A body nested deeper than `maxDepth` is refused with 400
 * invalidSyntax naming the limit (RFC 7644 §3.12: the request body structure is invalid). A
 * `__proto__` key is refused (it could alter an object's prototype when merged by assignment); the
 * reviver that checks it runs only when the text could contain one, so ordinary bodies parse at
 * JSON.parse speed.
 */
export function parseJsonBody(text: string, maxDepth: number = DEFAULT_MAX_JSON_DEPTH): unknown {
  if (text.trim().length === 0) throw ScimError.invalidSyntax('request body is empty');
  const overflow = jsonDepthOverflow(text, maxDepth);
  if (overflow >= 0) {
    throw ScimError.invalidSyntax(
      `request body: arrays and objects nested more than ${maxDepth} levels deep (at character ${overflow}); the limit is ${maxDepth} levels`,
    );
  }
  const suspicious = text.includes('__proto__') || text.includes('\\u');
  try {
    return suspicious ? JSON.parse(text, refuseProtoKey) : JSON.parse(text);
  } catch (error) {
    if (error instanceof ScimError) throw error;
    throw ScimError.invalidSyntax(
      `malformed JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Methods whose SCIM requests carry a body (RFC 7644 §3.3, §3.4.3, §3.5, §3.7). */
const BODY_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Replaces fastify's parsers with the one JSON parser for both SCIM media types; bodies nested
 * deeper than `maxJsonDepth` are refused (400 invalidSyntax).
 */
export function registerScimContentTypes(
  app: FastifyInstance,
  maxJsonDepth: number = DEFAULT_MAX_JSON_DEPTH,
): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser([...ACCEPTED_MEDIA_TYPES], { parseAs: 'string' }, (request, body, done) => {
    try {
      // Clients send `Content-Type: application/scim+json` on every request, DELETE included, with
      // no body: that is no body, not an empty JSON document. Methods that need one still refuse it.
      if (!BODY_METHODS.has(request.method) && (body as string).trim().length === 0) {
        done(null, undefined);
        return;
      }
      done(null, parseJsonBody(body as string, maxJsonDepth));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}
