/**
 * The credential header of each request, from the app's credentials: a static bearer token, basic,
 * an API key in a header of the API's choosing, or an OAuth access token that can be renewed once
 * when the target refuses it.
 */
import type { HttpCredentials } from './http-credentials.js';
import type { HttpTransport } from './http-transport.js';
import { OAuthTokenSource } from './oauth-token-source.js';
import type { LearningRedactor } from './redactor.js';

export interface Authorizer {
  /** The header the credential goes in, lower case (`authorization`, or the API key's header). */
  readonly headerName: string;
  /** The header value for the next request. */
  header(signal: AbortSignal): Promise<string>;
  /** The header value when it is at hand without waiting (a static credential, a fresh token). */
  ready(): string | undefined;
  /** Called after a 401 with the header that was refused; true when a retry may succeed. */
  refused(header: string): boolean;
  /** The token source, for OAuth credentials. */
  readonly oauth?: OAuthTokenSource;
}

const AUTHORIZATION = 'authorization';

export function createAuthorizer(
  credentials: HttpCredentials,
  transport: HttpTransport,
  redact: LearningRedactor,
  timeoutMs: number,
): Authorizer {
  if ('token' in credentials) {
    const header = `Bearer ${credentials.token}`;
    return {
      headerName: AUTHORIZATION,
      header: async () => header,
      ready: () => header,
      refused: () => false,
    };
  }
  if ('basic' in credentials) {
    const pair = `${credentials.basic.username}:${credentials.basic.password}`;
    const encoded = Buffer.from(pair).toString('base64');
    redact.add(encoded);
    const header = `Basic ${encoded}`;
    return {
      headerName: AUTHORIZATION,
      header: async () => header,
      ready: () => header,
      refused: () => false,
    };
  }
  if ('apiKey' in credentials) {
    const { header: name, value } = credentials.apiKey;
    const header = `${credentials.apiKey.prefix ?? ''}${value}`;
    return {
      headerName: name.toLowerCase(),
      header: async () => header,
      ready: () => header,
      refused: () => false,
    };
  }
  const source = new OAuthTokenSource(credentials.oauth, transport, redact, timeoutMs);
  return {
    headerName: AUTHORIZATION,
    oauth: source,
    header: async (signal) => `Bearer ${await source.token(signal)}`,
    ready: () => {
      const token = source.freshToken();
      return token === undefined ? undefined : `Bearer ${token}`;
    },
    refused: (header) => {
      source.invalidate(header.slice('Bearer '.length));
      return true;
    },
  };
}
