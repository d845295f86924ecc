/**
 * One SCIM request end to end: wait for the app's concurrency slot and rate token, authorize, send
 * with the per-request timeout, renew an OAuth token once on a 401, classify any failure, and parse
 * the answer's JSON. What the answer must hold is checked by the caller (`scim-answers.ts`).
 */
import type { JsonValue } from '../../shared/json.js';
import { ConnectorError } from '../spi/index.js';
import { TransportError, type HttpTransport, type TransportResponse } from './http-transport.js';
import type { RequestLimiter } from './request-limiter.js';
import type { Authorizer } from './scim-auth.js';
import { errorFromResponse, errorFromTransport, invalidAnswer, type Redactor } from './scim-errors.js';

export type ScimMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ScimRequest {
  method: ScimMethod;
  /** Relative to the base URL: `/Users`, `/Groups/123`. */
  path: string;
  query?: Record<string, string>;
  body?: JsonValue;
  signal: AbortSignal;
  /** Drain the answer without keeping it (see `groupPatchReturnsMembers`). */
  discardBody?: boolean;
}

export interface ScimAnswer {
  status: number;
  /** The parsed body; undefined when the body is empty or was discarded. */
  json: unknown;
  text: string;
}

export interface ScimClientOptions {
  baseUrl: string;
  headers: Record<string, string>;
  requestTimeoutMs: number;
  transport: HttpTransport;
  limiter: RequestLimiter;
  authorizer: Authorizer;
  redact: Redactor;
}

const SCIM_JSON = 'application/scim+json';

export class ScimClient {
  readonly #base: string;
  /** Requests sent, by method, for tests and diagnostics. */
  readonly sent = new Map<string, number>();

  constructor(private readonly options: ScimClientOptions) {
    this.#base = options.baseUrl.replace(/\/+$/u, '');
  }

  /** The URL of a path with its query. */
  url(path: string, query?: Record<string, string>): URL {
    const url = new URL(`${this.#base}${path}`);
    if (query !== undefined) {
      // encodeURIComponent rather than URLSearchParams: targets differ on '+' for a space, none on %20.
      url.search = Object.entries(query)
        .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
        .join('&');
    }
    return url;
  }

  /** Sends a request; answers its parsed JSON, or throws a ConnectorError. */
  async send(request: ScimRequest): Promise<ScimAnswer> {
    const what = `${request.method} ${request.path}`;
    if (request.signal.aborted) {
      throw new ConnectorError('timeout', `${what}: the caller aborted before sending`, {
        cause: request.signal.reason,
      });
    }
    let release: () => void;
    try {
      release = await this.options.limiter.acquire(request.signal);
    } catch (reason) {
      throw new ConnectorError('timeout', `${what}: aborted while waiting for a request slot`, {
        cause: reason,
      });
    }
    try {
      let response = await this.#attempt(request, what);
      if (response.status === 401 && response.refusedHeader !== undefined) {
        if (this.options.authorizer.refused(response.refusedHeader))
          response = await this.#attempt(request, what);
      }
      return this.#answer(what, response, request.discardBody === true);
    } finally {
      release();
    }
  }

  async #attempt(
    request: ScimRequest,
    what: string,
  ): Promise<TransportResponse & { refusedHeader?: string }> {
    const authorization = await this.options.authorizer.header(request.signal);
    const headers: Record<string, string> = {
      accept: `${SCIM_JSON}, application/json`,
      'user-agent': 'Provisio-SCIM-connector',
      ...this.options.headers,
      authorization,
    };
    let body: string | undefined;
    if (request.body !== undefined) {
      headers['content-type'] = SCIM_JSON;
      body = JSON.stringify(request.body);
    }
    this.sent.set(request.method, (this.sent.get(request.method) ?? 0) + 1);
    try {
      const response = await this.options.transport.send({
        method: request.method,
        url: this.url(request.path, request.query),
        headers,
        ...(body !== undefined ? { body } : {}),
        timeoutMs: this.options.requestTimeoutMs,
        signal: request.signal,
        ...(request.discardBody ? { discardBody: true } : {}),
      });
      return response.status === 401 ? { ...response, refusedHeader: authorization } : response;
    } catch (error) {
      if (error instanceof TransportError) throw errorFromTransport(what, error, this.options.redact);
      throw error;
    }
  }

  #answer(what: string, response: TransportResponse, discarded: boolean): ScimAnswer {
    if (response.status < 200 || response.status >= 300) {
      throw errorFromResponse(what, response, this.options.redact);
    }
    if (discarded || response.body.trim() === '')
      return { status: response.status, json: undefined, text: '' };
    try {
      return { status: response.status, json: JSON.parse(response.body), text: response.body };
    } catch {
      const type = String(response.headers['content-type'] ?? 'no content type');
      throw invalidAnswer(
        what,
        `the target answered ${type} that is not JSON: it does not look like a SCIM service`,
        response.body,
        this.options.redact,
      );
    }
  }
}
