/**
 * RFC 9457 problem details, the admin API's one error shape (`application/problem+json`):
 * `{ type, title, status, detail, errors? }`. `errors` lists validation failures by dotted field
 * path, so the console can put each message next to its field. Routes throw `AdminProblem`; the
 * error handler (admin-errors.ts) turns it and everything else into a body.
 */
import type { FastifyReply } from 'fastify';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Problem `type` URIs are this plus the kind. */
export const PROBLEM_TYPE_BASE = 'https://provisio.dev/problems/';

/** One invalid field: where (dotted path; for YAML input also line and column) and what. */
export interface ProblemFieldError {
  readonly path: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

/** The kinds the admin API answers with; each is the last segment of its `type` URI. */
export type ProblemKind =
  | 'validation'
  | 'bad-request'
  | 'unauthorized'
  | 'forbidden'
  | 'wrong-credential'
  | 'csrf'
  | 'not-found'
  | 'method-not-allowed'
  | 'conflict'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'rate-limited'
  | 'unavailable'
  | 'internal';

const TITLES: Record<ProblemKind, string> = {
  validation: 'The request is not valid',
  'bad-request': 'Bad request',
  unauthorized: 'Not signed in',
  forbidden: 'Not allowed',
  'wrong-credential': 'Wrong kind of credential',
  csrf: 'Missing or wrong CSRF token',
  'not-found': 'Not found',
  'method-not-allowed': 'Method not allowed',
  conflict: 'Conflict',
  'payload-too-large': 'Request body too large',
  'unsupported-media-type': 'Unsupported media type',
  'rate-limited': 'Too many attempts',
  unavailable: 'Temporarily unavailable',
  internal: 'Internal error',
};

export interface Problem {
  readonly status: number;
  readonly kind: ProblemKind;
  readonly detail: string;
  readonly title?: string;
  readonly errors?: readonly ProblemFieldError[];
  /** Extra response headers (WWW-Authenticate, Retry-After). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** The body on the wire. */
export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors?: readonly ProblemFieldError[];
}

/** What a route throws to answer with a problem. */
export class AdminProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
    this.name = 'AdminProblem';
  }
}

/** Shorthand: `throw adminProblem(404, 'not-found', 'no app named "crm"')`. */
export function adminProblem(
  status: number,
  kind: ProblemKind,
  detail: string,
  extra: Pick<Problem, 'errors' | 'headers' | 'title'> = {},
): AdminProblem {
  return new AdminProblem({ status, kind, detail, ...extra });
}

export function problemBody(problem: Problem): ProblemBody {
  return {
    type: `${PROBLEM_TYPE_BASE}${problem.kind}`,
    title: problem.title ?? TITLES[problem.kind],
    status: problem.status,
    detail: problem.detail,
    ...(problem.errors !== undefined ? { errors: problem.errors } : {}),
  };
}

/** Sends `problem` as application/problem+json, bypassing the route's response schema. */
export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  for (const [name, value] of Object.entries(problem.headers ?? {})) void reply.header(name, value);
  return reply
    .code(problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    .serializer((body: unknown) => JSON.stringify(body))
    .send(problemBody(problem));
}
