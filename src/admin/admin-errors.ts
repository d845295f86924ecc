/**
 * The admin API's error handler and not-found handler: every failure leaves as problem details
 * (admin-problem.ts). Schema validation failures list each invalid field; a 4xx is the client's
 * problem and is logged at info; anything unexpected is a 500 that says nothing about internals,
 * logged as an error.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { StoreBusyError } from '../directory/store-busy-error.js';
import { isScimError } from '../scim/scim-error.js';
import type { AdminApi } from './admin-route.js';
import {
  AdminProblem,
  type Problem,
  type ProblemFieldError,
  type ProblemKind,
  sendProblem,
} from './admin-problem.js';

/** The kind a plain status maps to, for errors that carry only a status. */
function kindOfStatus(status: number): ProblemKind {
  switch (status) {
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not-found';
    case 405:
      return 'method-not-allowed';
    case 409:
      return 'conflict';
    case 413:
      return 'payload-too-large';
    case 415:
      return 'unsupported-media-type';
    case 429:
      return 'rate-limited';
    case 503:
      return 'unavailable';
    default:
      return status >= 500 ? 'internal' : 'bad-request';
  }
}

/** `/settings/baseUrl` (the validator's JSON pointer) as `settings.baseUrl`. */
function dottedPath(pointer: string): string {
  return pointer
    .split('/')
    .filter((part) => part.length > 0)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .join('.');
}

/**
 * fastify's request errors with a client status: the body parser's, the router's, a schema's.
 * Their messages name the problem without echoing values.
 */
function isClientFastifyError(error: unknown): error is FastifyError {
  if (!(error instanceof Error) || !('statusCode' in error)) return false;
  const status = (error as FastifyError).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** What any thrown value answers with. */
export function toProblem(error: unknown): Problem {
  if (error instanceof AdminProblem) return error.problem;
  if (hasZodFastifySchemaValidationErrors(error)) {
    // body fields by their own path; query, params and headers prefixed so the two never meet.
    const context = (error as { validationContext?: string }).validationContext ?? 'body';
    const errors: ProblemFieldError[] = error.validation.map((issue) => {
      const path = dottedPath(issue.instancePath);
      const where = context === 'body' ? path : path.length > 0 ? `${context}.${path}` : context;
      return { path: where, message: issue.message ?? 'invalid' };
    });
    const first = errors[0]!;
    const detail =
      errors.length === 1
        ? `${first.path.length > 0 ? `${first.path}: ` : ''}${first.message}`
        : `${errors.length} fields are invalid`;
    return { status: 400, kind: 'validation', detail, errors };
  }
  if (isScimError(error))
    return { status: error.status, kind: kindOfStatus(error.status), detail: error.detail };
  if (error instanceof StoreBusyError) {
    return {
      status: 503,
      kind: 'unavailable',
      detail: error.message,
      headers: { 'retry-after': String(error.retryAfterSeconds) },
    };
  }
  if (isClientFastifyError(error)) {
    return { status: error.statusCode!, kind: kindOfStatus(error.statusCode!), detail: error.message };
  }
  return { status: 500, kind: 'internal', detail: 'the server failed to handle the request; see its log' };
}

function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const problem = toProblem(error);
  if (problem.status >= 500 && !(error instanceof StoreBusyError)) {
    request.log.error({ err: error }, 'admin request failed');
  } else {
    request.log.info({ status: problem.status, detail: problem.detail }, 'admin request rejected');
  }
  return sendProblem(reply, problem);
}

/**
 * Sets the error handler and the not-found handler of the admin API instance. The not-found
 * handler declares the `viewer` role: like the SCIM side, only a signed-in caller learns which
 * paths do not exist.
 */
export function registerAdminErrorHandling(api: AdminApi): void {
  api.setErrorHandler((error, request, reply) => handleError(error, request, reply));
  // fastify accepts a route config for its 404 context (four-oh-four.js) though its types omit it.
  const notFoundOptions = { config: { adminRole: 'viewer', access: 'admin-api' } } as Record<string, unknown>;
  api.setNotFoundHandler(notFoundOptions, (request, reply) =>
    sendProblem(reply, {
      status: 404,
      kind: 'not-found',
      detail: `no admin API route ${request.method} ${request.url.split('?')[0]}`,
    }),
  );
}
