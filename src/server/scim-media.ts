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
 * Parses a JSON request body. A `__proto__` key is refused (it could alter an object's prototype
 * when merged by assignment); the reviver that checks it runs only when the text could contain
 * one, so ordinary bodies parse at JSON.parse speed.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim().length === 0) throw ScimError.invalidSyntax('request body is empty');
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

/** Replaces fastify's parsers with the one JSON parser for both SCIM media types. */
export function registerScimContentTypes(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser([...ACCEPTED_MEDIA_TYPES], { parseAs: 'string' }, (request, body, done) => {
    try {
      // Clients send `Content-Type: application/scim+json` on every request, DELETE included, with
      // no body: that is no body, not an empty JSON document. Methods that need one still refuse it.
      if (!BODY_METHODS.has(request.method) && (body as string).trim().length === 0) {
        done(null, undefined);
        return;
      }
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}
