/**
 * The Authorization header of each request, from the app's credentials: a static bearer token,
 * basic, or an OAuth access token that can be renewed once when the target refuses it.
 */
import type { HttpTransport } from './http-transport.js';
import { OAuthTokenSource } from './oauth-token-source.js';
import type { Redactor } from './scim-errors.js';
import type { ScimCredentials } from './scim-settings.js';

export interface Authorizer {
  /** The header value for the next request. */
  header(signal: AbortSignal): Promise<string>;
  /** Called after a 401 with the header that was refused; true when a retry may succeed. */
  refused(header: string): boolean;
  /** The token source, for OAuth credentials. */
  readonly oauth?: OAuthTokenSource;
}

export function createAuthorizer(
  credentials: ScimCredentials,
  transport: HttpTransport,
  redact: Redactor & { add(secret: string): void },
  timeoutMs: number,
): Authorizer {
  if ('token' in credentials) {
    const header = `Bearer ${credentials.token}`;
    return { header: async () => header, refused: () => false };
  }
  if ('basic' in credentials) {
    const pair = `${credentials.basic.username}:${credentials.basic.password}`;
    const encoded = Buffer.from(pair).toString('base64');
    redact.add(encoded);
    const header = `Basic ${encoded}`;
    return { header: async () => header, refused: () => false };
  }
  const source = new OAuthTokenSource(credentials.oauth, transport, redact, timeoutMs);
  return {
    oauth: source,
    header: async (signal) => `Bearer ${await source.token(signal)}`,
    refused: (header) => {
      source.invalidate(header.slice('Bearer '.length));
      return true;
    },
  };
}
