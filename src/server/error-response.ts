/**
 * The one place where errors become HTTP responses. Every error leaves as an RFC 7644 §3.12 body
 * with Content-Type application/scim+json:
 * - ScimError: its own status, scimType and detail;
 * - StoreBusyError (another process held the SQLite write lock too long; nothing was written):
 *   503 with Retry-After;
 * - fastify's request errors (bad JSON, unsupported media type, oversized body, schema validation)
 *   become the matching 4xx;
 * - anything else is a 500 whose detail says nothing about internals, logged as an error.
 * 4xx are logged at info: they are the client's problem, not an incident. So are the statuses the
 * server answers on purpose (HttpError, e.g. `/Me`'s 501): only a failure is logged as an error.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { buildErrorBody, isScimError, type ScimErrorBody, type ScimType } from '../scim/scim-error.js';
import { StoreBusyError } from '../directory/store-busy-error.js';
import { redactUrl } from './log-redaction.js';
import { SCIM_CONTENT_TYPE } from './scim-media.js';

/** A response-ready error: status, optional scimType, detail and extra headers. */
export interface ErrorResponse {
  readonly status: number;
  readonly scimType?: ScimType;
  readonly detail: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Builds the RFC 7644 §3.12 body (status is a string there). */
export function errorBody(response: ErrorResponse): ScimErrorBody {
  return buildErrorBody(response.status, response.detail, response.scimType);
}

/** Headers an error may carry onto the wire (WWW-Authenticate on 401). */
export class HttpError extends Error {
  constructor(readonly response: ErrorResponse) {
    super(response.detail);
    this.name = 'HttpError';
  }
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && ('code' in error || 'statusCode' in error || 'validation' in error);
}

/** Maps any thrown value to the response it deserves; `bulk` marks the /Bulk route (413 tooMany). */
export function toErrorResponse(error: unknown, options: { bulk?: boolean } = {}): ErrorResponse {
  if (error instanceof HttpError) return error.response;
  if (isScimError(error)) {
    return error.scimType === undefined
      ? { status: error.status, detail: error.detail }
      : { status: error.status, scimType: error.scimType, detail: error.detail };
  }
  if (error instanceof StoreBusyError) {
    return {
      status: 503,
      detail: error.message,
      headers: { 'retry-after': String(error.retryAfterSeconds) },
    };
  }
  if (isFastifyError(error)) {
    switch (error.code) {
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return {
          status: 415,
          detail: 'unsupported media type: send application/scim+json or application/json',
        };
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        // RFC 7644 §3.7.4: a bulk request over maxPayloadSize is 413 tooMany.
        return options.bulk
          ? { status: 413, scimType: 'tooMany', detail: 'bulk request exceeds maxPayloadSize' }
          : { status: 413, detail: 'request body is larger than the configured limit' };
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return { status: 400, scimType: 'invalidSyntax', detail: 'request body is empty' };
      case 'FST_ERR_BAD_URL':
        return { status: 400, detail: 'the request URL is not valid (bad percent-encoding)' };
      case 'FST_ERR_MAX_PARAM_LENGTH':
        // No resource has an id that long, so the resource cannot exist.
        return { status: 404, detail: 'no resource with such an id: it is longer than any id issued' };
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return { status: 400, scimType: 'invalidSyntax', detail: 'Content-Length does not match the body' };
      default:
        break;
    }
    if (error.validation !== undefined) {
      return { status: 400, scimType: 'invalidValue', detail: error.message };
    }
    const status = error.statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      // Errors raised while reading the body are JSON syntax errors (the only parser is JSON).
      if (status === 400) {
        return { status: 400, scimType: 'invalidSyntax', detail: `malformed JSON: ${error.message}` };
      }
      return { status, detail: error.message };
    }
  }
  return { status: 500, detail: 'internal server error' };
}

/** Sends an error response with the SCIM media type. */
export function sendError(reply: FastifyReply, response: ErrorResponse): FastifyReply {
  if (response.headers) for (const [k, v] of Object.entries(response.headers)) reply.header(k, v);
  return reply.code(response.status).header('content-type', SCIM_CONTENT_TYPE).send(errorBody(response));
}

/**
 * For fastify's `frameworkErrors` option: errors the router raises before any route runs (a bad
 * percent-encoding, an over-long path parameter) get a SCIM body too.
 */
export function sendFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const response = toErrorResponse(error);
  request.log.info({ status: response.status, detail: response.detail }, 'request rejected');
  void sendError(reply, response);
}

/** Installs the error and not-found handlers on `app`. */
export function registerErrorHandling(
  app: FastifyInstance,
  isBulkRoute: (request: FastifyRequest) => boolean,
): void {
  app.setErrorHandler((error, request, reply) => {
    const response = toErrorResponse(error, { bulk: isBulkRoute(request) });
    if (response.status >= 500 && !(error instanceof HttpError)) {
      request.log.error({ err: error }, 'request failed');
    } else {
      request.log.info(
        { status: response.status, scimType: response.scimType, detail: response.detail },
        'request rejected',
      );
    }
    return sendError(reply, response);
  });
  app.setNotFoundHandler((request, reply) => {
    request.log.info({ method: request.method, url: redactUrl(request.url) }, 'no such endpoint');
    return sendError(reply, {
      status: 404,
      detail: `no endpoint ${request.method} ${request.url.split('?')[0] ?? ''}`,
    });
  });
}
