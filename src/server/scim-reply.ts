/** Helpers that every SCIM route uses to answer with the right media type and headers. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { StoredResource } from '../directory/directory-store.js';
import type { JsonObject } from '../shared/json.js';
import { etagOf } from './resource-representation.js';
import { SCIM_CONTENT_TYPE } from './scim-media.js';
import { SCIM_BASE_PATH, type ServerOptions } from './server-options.js';

/** The SCIM base URL of this request: the configured public URL, or the request's own origin. */
export function scimBaseUrl(request: FastifyRequest, options: ServerOptions): string {
  const origin = options.publicUrl ?? `${request.protocol}://${request.host}`;
  return `${origin}${SCIM_BASE_PATH}`;
}

/** Sends a SCIM JSON body with `Content-Type: application/scim+json`. */
export function sendScim(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).header('content-type', SCIM_CONTENT_TYPE).send(body);
}

/** Sends one resource with its ETag (RFC 7644 §3.14) and, on create, its Location (§3.3). */
export function sendResource(
  reply: FastifyReply,
  status: number,
  stored: StoredResource,
  body: JsonObject,
  location?: string,
): FastifyReply {
  reply.header('etag', etagOf(stored));
  if (location !== undefined) reply.header('location', location);
  return sendScim(reply, status, body);
}
