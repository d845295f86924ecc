/**
 * HTTP/1.1 through an undici `Agent`: a keep-alive pool per origin holding at most the app's
 * concurrency in connections, the TLS options of one app (custom CA, client certificate,
 * verification) on every connection it opens, and the timeouts of one app. Answers are read whole,
 * up to a size bound. Failures reject with a `TransportError` saying in which phase the request
 * failed, so the caller can put it in words and classify it.
 *
 * undici rather than the global fetch: fetch takes no CA or client certificate per target and hides
 * the connection errors' codes behind a generic TypeError.
 */
import { Agent, errors as undiciErrors, type Dispatcher } from 'undici';
import { RequestDeadlines, type Deadline } from './request-deadlines.js';

/** TLS material, already read from files. */
export interface TransportTls {
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized: boolean;
}

export interface HttpTransportOptions {
  /** Connections per origin (the pool size). */
  maxSockets: number;
  connectTimeoutMs: number;
  tls: TransportTls;
  /** Largest answer accepted; a bigger one fails rather than filling memory. Default 64 MiB. */
  maxResponseBytes?: number;
}

/** Where a request goes, split as the pool wants it: the origin, and the path with its query. */
export interface RequestTarget {
  origin: string;
  path: string;
}

export interface TransportRequest {
  method: string;
  url: URL | RequestTarget;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal: AbortSignal;
  /** Read the answer's bytes but keep none (a group PATCH answering every member). */
  discardBody?: boolean;
}

/** Header names in lower case; a repeated header holds an array. */
export type TransportHeaders = Record<string, string | string[] | undefined>;

export interface TransportResponse {
  status: number;
  headers: TransportHeaders;
  body: string;
}

/** Where a request failed. */
export type TransportPhase = 'connect' | 'tls' | 'timeout' | 'aborted' | 'reset' | 'too_large' | 'network';

/** A request that got no complete answer. */
export class TransportError extends Error {
  constructor(
    readonly phase: TransportPhase,
    message: string,
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TransportError';
  }
}

// OpenSSL's and Node's names for certificate and handshake failures.
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH|ERR_OSSL)/u;

function phaseOf(error: NodeJS.ErrnoException): TransportPhase {
  const code = error.code ?? '';
  if (TLS_CODE.test(code) || /certificate|ssl|tls/iu.test(error.message)) return 'tls';
  // undici's SocketError ("other side closed") is the peer ending the connection mid-request.
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED' || code === 'UND_ERR_SOCKET')
    return 'reset';
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH')
    return 'connect';
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'connect';
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
    return 'timeout';
  return 'network';
}

function wrap(error: unknown): TransportError {
  if (error instanceof TransportError) return error;
  if (error instanceof undiciErrors.ConnectTimeoutError) {
    return new TransportError('connect', error.message, 'ETIMEDOUT', { cause: error });
  }
  const errno: NodeJS.ErrnoException = error instanceof Error ? error : new Error(String(error));
  // A socket error keeps the system error (ECONNRESET) as its cause; its code is the one to show.
  const cause = (errno as { cause?: unknown }).cause as NodeJS.ErrnoException | undefined;
  const code = errno.code === 'UND_ERR_SOCKET' && cause?.code !== undefined ? cause.code : errno.code;
  return new TransportError(phaseOf(errno), errno.message, code, { cause: error });
}

/** One keep-alive pool and the way requests go through it. */
export class HttpTransport {
  readonly #agent: Agent;
  readonly #maxResponseBytes: number;
  readonly #deadlines = new RequestDeadlines();

  constructor(options: HttpTransportOptions) {
    const { tls } = options;
    this.#agent = new Agent({
      connections: options.maxSockets,
      connect: {
        timeout: options.connectTimeoutMs,
        rejectUnauthorized: tls.rejectUnauthorized,
        ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
        ...(tls.cert !== undefined ? { cert: tls.cert } : {}),
        ...(tls.key !== undefined ? { key: tls.key } : {}),
      },
    });
    this.#maxResponseBytes = options.maxResponseBytes ?? 64 * 1024 * 1024;
  }

  /**
   * Sends one request. undici closes an idle connection before the server's advertised keep-alive
   * timeout, so a reset here is the target's doing and is reported, not retried.
   */
  async send(request: TransportRequest): Promise<TransportResponse> {
    const { url, signal } = request;
    if (signal.aborted) throw aborted(signal);
    const reader = new AnswerReader(this.#maxResponseBytes, request.discardBody === true);
    // The whole-request timeout and the caller's signal, shared with the requests due at about the
    // same time (headersTimeout/bodyTimeout only bound the gaps between bytes).
    const deadline = this.#deadlines.join(signal, request.timeoutMs, reader.abort);
    try {
      this.#agent.dispatch(
        {
          origin: url.origin,
          path: 'path' in url ? url.path : `${url.pathname}${url.search}`,
          method: request.method as 'GET',
          headers: request.headers,
          body: request.body ?? null,
          headersTimeout: request.timeoutMs,
          bodyTimeout: request.timeoutMs,
        },
        reader,
      );
      return await reader.answer;
    } catch (error) {
      throw failure(error, deadline, request);
    } finally {
      deadline.leave(reader.abort);
    }
  }

  /** Destroys the pool: every connection closes and requests still in flight fail. */
  close(): Promise<void> {
    return this.#agent.destroy().catch(() => undefined);
  }
}

/**
 * One answer read straight from the pool's callbacks, its bytes as UTF-8 text, or a `too_large`
 * failure past `limit` bytes (the request is then aborted and its connection closed). A dispatch
 * handler rather than `Agent.request`: that makes a stream and an abort listener per answer, most
 * of undici's own cost for a small one.
 */
class AnswerReader implements Dispatcher.DispatchHandler {
  readonly answer: Promise<TransportResponse>;
  #resolve!: (response: TransportResponse) => void;
  #reject!: (error: unknown) => void;
  #controller: Dispatcher.DispatchController | undefined;
  /** Why the request was aborted before undici gave the means to (it is then aborted at once). */
  #abortedWith: Error | undefined;
  #settled = false;
  #status = 0;
  #headers: TransportHeaders = {};
  readonly #chunks: Buffer[] = [];
  #size = 0;

  constructor(
    private readonly limit: number,
    private readonly discard: boolean,
  ) {
    this.answer = new Promise<TransportResponse>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  /** Aborts the request (its deadline passed or its caller aborted). */
  readonly abort = (): void => this.#abort(new Error('the request was aborted'));

  #abort(reason: Error): void {
    if (this.#settled) return;
    if (this.#controller === undefined) this.#abortedWith = reason;
    else this.#controller.abort(reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#abortedWith !== undefined) controller.abort(this.#abortedWith);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: TransportHeaders,
  ): void {
    this.#status = statusCode;
    this.#headers = headers;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return;
    this.#size += chunk.length;
    if (this.#size > this.limit) {
      const error = new TransportError('too_large', `answer larger than ${this.limit} bytes`, undefined);
      this.#fail(error);
      controller.abort(error);
      return;
    }
    if (!this.discard) this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.#settled) return;
    this.#settled = true;
    const chunks = this.#chunks;
    const body =
      chunks.length === 0
        ? ''
        : chunks.length === 1
          ? chunks[0]!.toString('utf8')
          : Buffer.concat(chunks).toString('utf8');
    this.#resolve({ status: this.#status, headers: this.#headers, body });
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    this.#fail(error);
  }

  #fail(error: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#reject(error);
  }
}

/** Why a request failed: its deadline first, then the caller's abort, then the error itself. */
function failure(error: unknown, deadline: Deadline, request: TransportRequest): TransportError {
  if (error instanceof TransportError) return error;
  if (deadline.timedOut)
    return new TransportError('timeout', `no answer within ${request.timeoutMs} ms`, 'ETIMEDOUT');
  if (request.signal.aborted) return aborted(request.signal);
  return wrap(error);
}

function aborted(signal: AbortSignal): TransportError {
  const reason = signal.reason as { name?: string } | undefined;
  const isTimeout = reason?.name === 'TimeoutError';
  return new TransportError('aborted', isTimeout ? 'the caller timed out' : 'the caller aborted', undefined, {
    cause: signal.reason,
  });
}
