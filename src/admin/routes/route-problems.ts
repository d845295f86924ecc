/**
 * The services' typed errors as the problems the application routes answer (docs/admin-api.md):
 * no such app or principal → 404, an app definition that does not validate → 400 with each issue's
 * path, line and column, a cycle already running or the app held by another process → 409. The
 * admin API's own error handling (admin-errors.ts) does the rest, request validation included.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppsError } from '../../engine/apps/apps-service.js';
import { AppFileError } from '../../engine/apps/load-app-file.js';
import { AppBusyError } from '../../engine/cycle/app-lease.js';
import { EngineRequestError } from '../../engine/cycle/engine-service.js';
import { CycleConflictError } from '../../engine/runtime/app-control.js';
import { toProblem } from '../admin-errors.js';
import type { AdminProblem } from '../admin-problem.js';
import { adminProblem, sendProblem, type ProblemFieldError } from '../admin-problem.js';

export const notFound = (detail: string) => adminProblem(404, 'not-found', detail);
export const conflict = (detail: string) => adminProblem(409, 'conflict', detail);
export const invalid = (detail: string, errors: readonly ProblemFieldError[]) =>
  adminProblem(400, 'validation', detail, { errors });

/** An app file's issues as field errors; `withPositions` false for text the server wrote itself. */
export function appFileProblem(error: AppFileError, withPositions: boolean): AdminProblem {
  const count = error.issues.length;
  return invalid(
    count === 1
      ? `the app definition has 1 problem: ${error.issues[0]!.path || '(file)'}: ${error.issues[0]!.message}`
      : `the app definition has ${count} problems`,
    error.issues.map((issue) => ({
      path: issue.path,
      message: issue.message,
      ...(withPositions && issue.line !== undefined ? { line: issue.line, column: issue.col ?? 1 } : {}),
    })),
  );
}

/** A service error as the problem it means, or the error itself when it is not one of theirs. */
export function serviceProblem(error: unknown): unknown {
  if (error instanceof AppFileError) return appFileProblem(error, true);
  if (error instanceof AppsError) {
    switch (error.code) {
      case 'app_not_found':
      case 'principal_not_found':
        return notFound(error.message);
      case 'unknown_role':
        return invalid(error.message, [{ path: 'role', message: error.message }]);
      case 'not_compilable':
        return conflict(error.message);
      case 'connector_failed':
        return adminProblem(502, 'internal', error.message, { title: 'The connector failed' });
    }
  }
  if (error instanceof EngineRequestError) {
    return error.code === 'user_not_found' ? notFound(error.message) : conflict(error.message);
  }
  if (error instanceof CycleConflictError || error instanceof AppBusyError) return conflict(error.message);
  return error;
}

/** The error handler of the application routes' scope: services' errors mapped, then the API's own. */
export function routeErrorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const problem = toProblem(serviceProblem(error));
  if (problem.status >= 500) request.log.error({ err: error }, 'admin request failed');
  else request.log.info({ status: problem.status, detail: problem.detail }, 'admin request rejected');
  return sendProblem(reply, problem);
}
