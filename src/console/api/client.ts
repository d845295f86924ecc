/**
 * The one way the console talks to the admin API: JSON over fetch with the session cookie, the
 * CSRF header on every state-changing request, and RFC 9457 problem details turned into an
 * `ApiError` whose field errors the forms show next to the field they name.
 */

/** One entry of a validation problem's `errors`: `path` is the dotted field path. */
export interface FieldProblem {
  readonly path?: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: readonly FieldProblem[];
  /** Seconds from Retry-After on 429. */
  readonly retryAfter: number | undefined;

  constructor(init: {
    status: number;
    type?: string;
    title?: string;
    detail?: string;
    errors?: readonly FieldProblem[];
    retryAfter?: number;
  }) {
    super(init.detail ?? init.title ?? `request failed with status ${init.status}`);
    this.status = init.status;
    this.type = init.type ?? 'about:blank';
    this.title = init.title ?? `Request failed (${init.status})`;
    this.detail = init.detail;
    this.errors = init.errors ?? [];
    this.retryAfter = init.retryAfter;
  }

  /** The messages for one field path, and for its sub-paths (`settings.baseUrl` for `settings`). */
  messagesFor(path: string): string[] {
    return this.errors
      .filter((e) => e.path === path || (e.path !== undefined && e.path.startsWith(`${path}.`)))
      .map((e) => e.message);
  }

  /** The errors no field on the form claims: shown above the form. */
  unclaimed(paths: readonly string[]): FieldProblem[] {
    return this.errors.filter(
      (e) => e.path === undefined || !paths.some((p) => e.path === p || e.path!.startsWith(`${p}.`)),
    );
  }
}

const BASE = '/admin/v1';
let csrfToken: string | undefined;
let onUnauthorized: (() => void) | undefined;

/** Set from the session answer; sent as X-CSRF-Token on every POST, PUT, PATCH and DELETE. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called when a request that needed a session answers 401 (the session ended). */
export function setUnauthorizedHandler(handler: (() => void) | undefined): void {
  onUnauthorized = handler;
}

export interface RequestOptions {
  readonly body?: unknown;
  /** Sent as is with this content type (e.g. YAML); otherwise the body is JSON. */
  readonly rawBody?: { readonly text: string; readonly contentType: string };
  readonly query?: Record<string, string | number | boolean | undefined>;
  readonly signal?: AbortSignal;
  /** Leave a 401 to the caller (sign-in and the session probe). */
  readonly expectUnauthorized?: boolean;
}

export function apiUrl(path: string, query?: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return `${BASE}${path}${search ? `?${search}` : ''}`;
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  let body: string | undefined;
  if (options.rawBody !== undefined) {
    headers['Content-Type'] = options.rawBody.contentType;
    body = options.rawBody.text;
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken !== undefined) headers['X-CSRF-Token'] = csrfToken;
  const response = await fetch(apiUrl(path, options.query), {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (response.ok) {
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text.length > 0 ? JSON.parse(text) : undefined) as T;
  }
  const error = await toApiError(response);
  if (error.status === 401 && !options.expectUnauthorized) onUnauthorized?.();
  throw error;
}

async function toApiError(response: Response): Promise<ApiError> {
  const retry = Number(response.headers.get('Retry-After'));
  const retryAfter = Number.isFinite(retry) && retry > 0 ? retry : undefined;
  let problem: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(await response.text());
    if (parsed !== null && typeof parsed === 'object') problem = parsed as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's error page): the status alone says what happened.
  }
  const errors = Array.isArray(problem.errors)
    ? problem.errors.filter(
        (e): e is FieldProblem =>
          e !== null && typeof e === 'object' && typeof (e as FieldProblem).message === 'string',
      )
    : [];
  return new ApiError({
    status: response.status,
    ...(typeof problem.type === 'string' ? { type: problem.type } : {}),
    ...(typeof problem.title === 'string' ? { title: problem.title } : {}),
    ...(typeof problem.detail === 'string' ? { detail: problem.detail } : {}),
    errors,
    ...(retryAfter !== undefined ? { retryAfter } : {}),
  });
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    request<T>('POST', path, { ...options, body }),
  put: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    request<T>('PUT', path, { ...options, body }),
  delete: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    request<T>('DELETE', path, { ...options, body }),
};

/** A path segment, encoded (app names and user ids go into URLs). */
export const seg = (value: string): string => encodeURIComponent(value);
