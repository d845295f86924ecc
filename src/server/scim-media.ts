/**
 * The media types of the SCIM protocol (RFC 7644 §3.1, §8.1): clients send and receive
 * `application/scim+json`; `application/json` is accepted too, since many clients send it.
 */
import type { FastifyInstance } from 'fastify';

/** The Content-Type of every SCIM response (RFC 7644 §3.1). */
export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** The request media types the server parses; anything else with a body gets 415. */
export const ACCEPTED_MEDIA_TYPES = ['application/scim+json', 'application/json'] as const;

/**
 * Replaces fastify's parsers with one JSON parser for both SCIM media types. Bodies are parsed with
 * fastify's prototype-poisoning checks (a `__proto__` key is rejected as 400, never merged), and a
 * parse failure reaches the error mapper as a 400 with statusCode set.
 */
export function registerScimContentTypes(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser([...ACCEPTED_MEDIA_TYPES], { parseAs: 'string' }, parse);
}
