/**
 * HTTP/1.1 over node:http / node:https with a keep-alive pool per target: the connection limit,
 * the TLS options (custom CA, client certificate, verification) and the timeouts of one app.
 * Answers are read whole, up to a size bound. Failures reject with a `TransportError` saying in
 * which phase the request failed, so the caller can put it in words and classify it.
 *
 * undici is not a dependency of Provisio; node:http's Agent gives the same pooling, and unlike the
 * global fetch it takes a CA and a client certificate per target.
 */
import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';

/** TLS material, already read from files. */
export interface TransportTls {
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized: boolean;
}

export interface HttpTransportOptions {
  /** Sockets per origin (the pool size). */
  maxSockets: number;
  connectTimeoutMs: number;
  tls: TransportTls;
  /** Largest answer accepted; a bigger one fails rather than filling memory. Default 64 MiB. */
  maxResponseBytes?: number;
}

export interface TransportRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal: AbortSignal;
  /** Read the answer's bytes but keep none (a group PATCH answering every member). */
  discardBody?: boolean;
}

export interface TransportResponse {
  status: number;
  headers: IncomingHttpHeaders;
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
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED') return 'reset';
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH')
    return 'connect';
  if (code === 'ETIMEDOUT') return 'timeout';
  return 'network';
}

/** One keep-alive pool and the way requests go through it. */
export class HttpTransport {
  readonly #http: http.Agent;
  readonly #https: https.Agent;
  readonly #connectTimeoutMs: number;
  readonly #maxResponseBytes: number;

  constructor(options: HttpTransportOptions) {
    const pool = { keepAlive: true, maxSockets: options.maxSockets, maxFreeSockets: options.maxSockets };
    this.#http = new http.Agent(pool);
    this.#https = new https.Agent({
      ...pool,
      ...(options.tls.ca !== undefined ? { ca: options.tls.ca } : {}),
      ...(options.tls.cert !== undefined ? { cert: options.tls.cert } : {}),
      ...(options.tls.key !== undefined ? { key: options.tls.key } : {}),
      rejectUnauthorized: options.tls.rejectUnauthorized,
    });
    this.#connectTimeoutMs = options.connectTimeoutMs;
    this.#maxResponseBytes = options.maxResponseBytes ?? 64 * 1024 * 1024;
  }

  /** Sends one request; a reset on a reused keep-alive socket is retried once for idempotent methods. */
  async send(request: TransportRequest): Promise<TransportResponse> {
    try {
      return await this.#once(request);
    } catch (error) {
      const idempotent = request.method !== 'POST';
      if (error instanceof TransportError && error.phase === 'reset' && idempotent && isStale(error)) {
        return this.#once(request);
      }
      throw error;
    }
  }

  #once(request: TransportRequest): Promise<TransportResponse> {
    const { url, signal } = request;
    if (signal.aborted) return Promise.reject(aborted(signal));
    const secure = url.protocol === 'https:';
    const module = secure ? https : http;
    return new Promise<TransportResponse>((resolve, reject) => {
      let settled = false;
      const finish = (error: TransportError | undefined, response?: TransportResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(connectTimer);
        signal.removeEventListener('abort', onAbort);
        if (error) {
          req.destroy();
          reject(error);
        } else resolve(response!);
      };
      const req = module.request(url, {
        method: request.method,
        headers: {
          ...request.headers,
          ...(request.body !== undefined ? { 'content-length': Buffer.byteLength(request.body) } : {}),
        },
        agent: secure ? this.#https : this.#http,
      });
      const timer = setTimeout(
        () => finish(new TransportError('timeout', `no answer within ${request.timeoutMs} ms`, 'ETIMEDOUT')),
        request.timeoutMs,
      );
      let connectTimer: NodeJS.Timeout | undefined;
      const onAbort = () => finish(aborted(signal));
      signal.addEventListener('abort', onAbort, { once: true });
      req.on('socket', (socket) => {
        if (!socket.connecting) return;
        connectTimer = setTimeout(
          () =>
            finish(
              new TransportError('connect', `no connection within ${this.#connectTimeoutMs} ms`, 'ETIMEDOUT'),
            ),
          this.#connectTimeoutMs,
        );
        socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        const wrapped = new TransportError(phaseOf(error), error.message, error.code, { cause: error });
        if (req.reusedSocket) (wrapped as { stale?: boolean }).stale = true;
        finish(wrapped);
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.#maxResponseBytes) {
            finish(
              new TransportError(
                'too_large',
                `answer larger than ${this.#maxResponseBytes} bytes`,
                undefined,
              ),
            );
            return;
          }
          if (!request.discardBody) chunks.push(chunk);
        });
        res.on('end', () =>
          finish(undefined, {
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', (error: NodeJS.ErrnoException) =>
          finish(new TransportError(phaseOf(error), error.message, error.code, { cause: error })),
        );
        res.on('aborted', () =>
          finish(
            new TransportError('reset', 'the connection closed in the middle of the answer', 'ECONNRESET'),
          ),
        );
      });
      req.end(request.body);
    });
  }

  /** Closes every pooled socket. */
  close(): void {
    this.#http.destroy();
    this.#https.destroy();
  }
}

function isStale(error: TransportError): boolean {
  return (error as { stale?: boolean }).stale === true;
}

function aborted(signal: AbortSignal): TransportError {
  const reason = signal.reason as { name?: string } | undefined;
  const isTimeout = reason?.name === 'TimeoutError';
  return new TransportError('aborted', isTimeout ? 'the caller timed out' : 'the caller aborted', undefined, {
    cause: signal.reason,
  });
}
