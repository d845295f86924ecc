/**
 * Everything one HTTP app's connector talks through, built from its shared settings and
 * credentials: the keep-alive transport with its TLS and timeouts, the redactor, the authorizer,
 * the limiter, and the client that joins them. Contacts nothing until a request is sent.
 */
import { ConnectorError } from '../spi/index.js';
import { createAuthorizer, type Authorizer } from './http-auth.js';
import { HttpClient } from './http-client.js';
import { secretsOf, type HttpCredentials } from './http-credentials.js';
import type { HttpSettings } from './http-settings.js';
import { HttpTransport } from './http-transport.js';
import { createRedactor, type LearningRedactor } from './redactor.js';
import { RequestLimiter } from './request-limiter.js';
import { readTls } from './tls-files.js';

export interface HttpStack {
  readonly client: HttpClient;
  readonly authorizer: Authorizer;
  readonly redact: LearningRedactor;
  readonly limiter: RequestLimiter;
  /** Rejects waiting requests and closes every connection. */
  close(): Promise<void>;
}

export function createHttpStack(
  settings: HttpSettings,
  credentials: HttpCredentials,
  baseDirectory: string,
): HttpStack {
  const transport = new HttpTransport({
    maxSockets: settings.concurrency,
    connectTimeoutMs: settings.timeouts.connectMs,
    tls: readTls(settings.tls, baseDirectory),
  });
  const redact = createRedactor(secretsOf(credentials));
  const authorizer = createAuthorizer(credentials, transport, redact, settings.timeouts.requestMs);
  const limiter = new RequestLimiter({
    concurrency: settings.concurrency,
    ...(settings.rateLimitPerSecond !== undefined ? { ratePerSecond: settings.rateLimitPerSecond } : {}),
  });
  const client = new HttpClient({
    requestTimeoutMs: settings.timeouts.requestMs,
    transport,
    limiter,
    authorizer,
    redact,
  });
  return {
    client,
    authorizer,
    redact,
    limiter,
    close: async () => {
      limiter.close(new ConnectorError('unavailable', 'the connector was closed'));
      await transport.close();
    },
  };
}
