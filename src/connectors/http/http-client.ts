/**
 * One HTTP exchange with a target, the part every HTTP connector shares: wait for the app's
 * concurrency slot and rate token, add the credential header, send with the per-request timeout,
 * renew an OAuth token once on a 401, and turn a failure to get an answer into a `ConnectorError`.
 * Any status comes back as it is: what counts as success, and what the body must hold, is the
 * protocol's to say.
 */
import { ConnectorError } from '../spi/index.js';
import type { Authorizer } from './http-auth.js';
import { errorFromTransport } from './http-errors.js';
import { TransportError, type HttpTransport, type TransportResponse } from './http-transport.js';
import type { Redactor } from './redactor.js';
import type { RequestLimiter } from './request-limiter.js';

export interface HttpExchange {
  method: string;
  url: URL;
  /** The request's headers, without the credential (added here). */
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  /** Read the answer's bytes but keep none. */
  discardBody?: boolean;
}

export interface HttpClientOptions {
  requestTimeoutMs: number;
  transport: HttpTransport;
  limiter: RequestLimiter;
  authorizer: Authorizer;
  redact: Redactor;
}

export class HttpClient {
  /** Requests sent, by method, for tests and diagnostics. */
  readonly sent = new Map<string, number>();

  constructor(private readonly options: HttpClientOptions) {}

  /** Sends one request (`what` names it in errors: `GET /users`); answers whatever status came back. */
  async exchange(what: string, request: HttpExchange): Promise<TransportResponse> {
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
      return response;
    } finally {
      release();
    }
  }

  async #attempt(
    request: HttpExchange,
    what: string,
  ): Promise<TransportResponse & { refusedHeader?: string }> {
    const { authorizer } = this.options;
    const credential = await authorizer.header(request.signal);
    this.sent.set(request.method, (this.sent.get(request.method) ?? 0) + 1);
    try {
      const response = await this.options.transport.send({
        method: request.method,
        url: request.url,
        headers: { ...request.headers, [authorizer.headerName]: credential },
        ...(request.body !== undefined ? { body: request.body } : {}),
        timeoutMs: this.options.requestTimeoutMs,
        signal: request.signal,
        ...(request.discardBody ? { discardBody: true } : {}),
      });
      return response.status === 401 ? { ...response, refusedHeader: credential } : response;
    } catch (error) {
      if (error instanceof TransportError) throw errorFromTransport(what, error, this.options.redact);
      throw error;
    }
  }
}
