/**
 * Errors of the application routes as RFC 9457 problem details (docs/admin-api.md): the services'
 * typed errors (no such app, a file that does not validate, a cycle already running) mapped to a
 * status and a problem type, and request validation (the zod schemas) to 400 with `errors[].path`.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppsError } from '../../engine/apps/apps-service.js';
import { AppFileError } from '../../engine/apps/load-app-file.js';
import { AppBusyError } from '../../engine/cycle/app-lease.js';
import { CycleConflictError } from '../../engine/runtime/app-control.js';
import { isScimError } from '../../scim/scim-error.js';

export const PROBLEM_BASE = 'https://provisio.dev/problems/';

export interface ProblemFieldError {
  readonly path: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

/** A problem a route answers on purpose. */
export class RouteProblem extends Error {
  constructor(
    readonly status: number,
    readonly kind: string,
    readonly title: string,
    detail: string,
    readonly errors?: readonly ProblemFieldError[],
  ) {
    super(detail);
    this.name = 'RouteProblem';
  }
}

export const notFound = (detail: string) => new RouteProblem(404, 'not-found', 'Not found', detail);
export const conflict = (detail: string) => new RouteProblem(409, 'conflict', 'Conflict', detail);
export const invalid = (detail: string, errors: readonly ProblemFieldError[]) =>
  new RouteProblem(400, 'validation', 'Invalid request', detail, errors);

/** The problem body's schema, for the routes' documented error responses. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  errors: z
    .array(
      z.object({
        path: z.string(),
        message: z.string(),
        line: z.number().int().optional(),
        column: z.number().int().optional(),
      }),
    )
    .optional(),
});

/** A service error as the problem it means, or undefined when it is not one of theirs. */
export function problemOf(error: unknown): RouteProblem | undefined {
  if (error instanceof RouteProblem) return error;
  if (error instanceof AppFileError) {
    return invalid(
      error.issues.length === 1
        ? '1 problem in the app definition'
        : `${error.issues.length} problems in the app definition`,
      error.issues.map((issue) => ({
        path: issue.path,
        message: issue.message,
        ...(issue.line !== undefined ? { line: issue.line } : {}),
        ...(issue.line !== undefined ? { column: issue.col ?? 1 } : {}),
      })),
    );
  }
  if (error instanceof AppsError) {
    switch (error.code) {
      case 'app_not_found':
        return notFound(error.message);
      case 'principal_not_found':
        return notFound(error.message);
      case 'unknown_role':
        return invalid(error.message, [{ path: 'role', message: error.message }]);
      case 'not_compilable':
        return conflict(error.message);
      case 'connector_failed':
        return new RouteProblem(502, 'connector', 'Connector failed', error.message);
    }
  }
  if (error instanceof CycleConflictError) return conflict(error.message);
  if (error instanceof AppBusyError) return conflict(error.message);
  if (isScimError(error)) {
    return invalid(error.message, [{ path: 'filter', message: error.message }]);
  }
  return undefined;
}

/** `/body/settings/0` as `settings.0`; the part (`body`, `query`, `params`) is the route's context. */
function dottedPath(instancePath: string): string {
  return instancePath
    .split('/')
    .filter((part) => part !== '')
    .join('.');
}

function send(reply: FastifyReply, problem: RouteProblem): FastifyReply {
  return reply
    .code(problem.status)
    .type('application/problem+json')
    .send({
      type: `${PROBLEM_BASE}${problem.kind}`,
      title: problem.title,
      status: problem.status,
      detail: problem.message,
      ...(problem.errors !== undefined ? { errors: problem.errors } : {}),
    });
}

/** The error handler of the application routes' scope. */
export function routeErrorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors = error.validation.map((issue) => ({
      path: dottedPath(issue.instancePath),
      message: issue.message ?? 'is invalid',
    }));
    return send(reply, invalid(`the request ${error.validationContext ?? 'input'} is invalid`, errors));
  }
  const problem = problemOf(error);
  if (problem !== undefined) return send(reply, problem);
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    // fastify's own refusals: a body that is not JSON, an unsupported media type, too large.
    return send(reply, new RouteProblem(error.statusCode, 'bad-request', 'Bad request', error.message));
  }
  request.log.error({ err: error }, 'admin route failed');
  return send(
    reply,
    new RouteProblem(500, 'internal', 'Internal error', 'the request failed; see the server log'),
  );
}
