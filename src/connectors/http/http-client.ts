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
import {
  TransportError,
  type HttpTransport,
  type RequestTarget,
  type TransportResponse,
} from './http-transport.js';
import type { Redactor } from './redactor.js';
import type { RequestLimiter } from './request-limiter.js';

export interface HttpExchange {
  method: string;
  url: URL | RequestTarget;
  /**
   * The request's headers, without the credential (added here). A frozen object is taken as one the
   * caller sends again and again: its copy with the credential is kept and sent again.
   */
  headers: Readonly<Record<string, string>>;
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
  /** Constant headers with the credential added, by the headers object they came from. */
  readonly #signed = new WeakMap<object, { credential: string; headers: Record<string, string> }>();

  constructor(private readonly options: HttpClientOptions) {}

  /** Sends one request (`what` names it in errors: `GET /users`); answers whatever status came back. */
  async exchange(what: string, request: HttpExchange): Promise<TransportResponse> {
    if (request.signal.aborted) {
      throw new ConnectorError('timeout', `${what}: the caller aborted before sending`, {
        cause: request.signal.reason,
      });
    }
    // A free slot is taken without a promise; only a full limiter makes the request wait.
    let release = this.options.limiter.tryAcquire();
    if (release === undefined) {
      try {
        release = await this.options.limiter.acquire(request.signal);
      } catch (reason) {
        throw new ConnectorError('timeout', `${what}: aborted while waiting for a request slot`, {
          cause: reason,
        });
      }
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

  /** The request's headers with the credential; the same object again for the same headers and credential. */
  #withCredential(headers: Readonly<Record<string, string>>, credential: string): Record<string, string> {
    const known = this.#signed.get(headers);
    if (known !== undefined && known.credential === credential) return known.headers;
    const signed = { ...headers, [this.options.authorizer.headerName]: credential };
    // Only headers objects a protocol client keeps (its constant ones) are worth remembering.
    if (Object.isFrozen(headers)) this.#signed.set(headers, { credential, headers: signed });
    return signed;
  }

  async #attempt(
    request: HttpExchange,
    what: string,
  ): Promise<TransportResponse & { refusedHeader?: string }> {
    const { authorizer } = this.options;
    const credential = authorizer.ready() ?? (await authorizer.header(request.signal));
    this.sent.set(request.method, (this.sent.get(request.method) ?? 0) + 1);
    try {
      const response = await this.options.transport.send({
        method: request.method,
        url: request.url,
        headers: this.#withCredential(request.headers, credential),
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
