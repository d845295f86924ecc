/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4): an access token fetched from the token endpoint,
 * cached, and fetched again shortly before it expires. Concurrent requests share one fetch; a
 * token the target refused (401) is dropped so the next request fetches a new one.
 */
import { isJsonObject } from '../../shared/json.js';
import { ConnectorError } from '../spi/index.js';
import { TransportError, type HttpTransport } from './http-transport.js';
import { errorFromTransport, invalidAnswer } from './http-errors.js';
import type { LearningRedactor } from './redactor.js';

export interface OAuthClientCredentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  clientAuth: 'basic' | 'body';
}

interface CachedToken {
  token: string;
  /** When to stop using it: its expiry less a margin (performance.now() time). */
  refreshAt: number;
}

/** Tokens are renewed this long before they expire (or a tenth of their life, if shorter). */
const REFRESH_MARGIN_MS = 60_000;
/** RFC 6749 makes expires_in optional; without it a token is used for an hour at most. */
const DEFAULT_LIFETIME_S = 3600;

export class OAuthTokenSource {
  #cached: CachedToken | undefined;
  #inFlight: Promise<string> | undefined;
  /** Tokens fetched so far, for tests and diagnostics. */
  fetches = 0;

  constructor(
    private readonly credentials: OAuthClientCredentials,
    private readonly transport: HttpTransport,
    private readonly redact: LearningRedactor,
    private readonly timeoutMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The cached token if it is not about to expire; undefined when one must be fetched. */
  freshToken(): string | undefined {
    const cached = this.#cached;
    return cached !== undefined && this.now() < cached.refreshAt ? cached.token : undefined;
  }

  /** A token that is not about to expire, fetching one if needed. */
  async token(signal: AbortSignal): Promise<string> {
    const cached = this.#cached;
    if (cached !== undefined && this.now() < cached.refreshAt) return cached.token;
    this.#inFlight ??= this.#fetch(signal).finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  /** Drops `token` if it is the cached one (the target refused it). */
  invalidate(token: string): void {
    if (this.#cached?.token === token) this.#cached = undefined;
  }

  async #fetch(signal: AbortSignal): Promise<string> {
    const { tokenUrl, clientId, clientSecret, scope, clientAuth } = this.credentials;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scope !== undefined) form.set('scope', scope);
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (clientAuth === 'basic') {
      // RFC 6749 §2.3.1: the id and secret are form-encoded before they are joined.
      const pair = `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`;
      headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
    } else {
      form.set('client_id', clientId);
      form.set('client_secret', clientSecret);
    }
    const what = `POST ${new URL(tokenUrl).pathname} (OAuth token)`;
    let response;
    try {
      response = await this.transport.send({
        method: 'POST',
        url: new URL(tokenUrl),
        headers,
        body: form.toString(),
        timeoutMs: this.timeoutMs,
        signal,
      });
    } catch (error) {
      if (error instanceof TransportError) throw errorFromTransport(what, error, this.redact);
      throw error;
    }
    this.fetches++;
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      body = undefined;
    }
    if (response.status < 200 || response.status >= 300) {
      const words = isJsonObject(body)
        ? [body.error, body.error_description].filter((p) => typeof p === 'string').join(': ')
        : '';
      const detail = words === '' ? undefined : this.redact(words);
      const code = response.status >= 500 ? 'unavailable' : 'invalid_credentials';
      throw new ConnectorError(
        code,
        `${what}: the token endpoint refused the client (HTTP ${response.status})`,
        {
          targetCode: response.status,
          ...(detail !== undefined ? { detail } : {}),
        },
      );
    }
    if (!isJsonObject(body) || typeof body.access_token !== 'string' || body.access_token === '') {
      throw invalidAnswer(what, 'the token endpoint answered no access_token', '', this.redact);
    }
    if (typeof body.token_type === 'string' && body.token_type.toLowerCase() !== 'bearer') {
      throw invalidAnswer(
        what,
        `the token endpoint answered token_type '${body.token_type}', not Bearer`,
        '',
        this.redact,
      );
    }
    const lifetimeS = Number(body.expires_in ?? DEFAULT_LIFETIME_S);
    const lifetimeMs = (Number.isFinite(lifetimeS) && lifetimeS > 0 ? lifetimeS : DEFAULT_LIFETIME_S) * 1000;
    const margin = Math.min(REFRESH_MARGIN_MS, lifetimeMs / 10);
    this.redact.add(body.access_token);
    this.#cached = { token: body.access_token, refreshAt: this.now() + lifetimeMs - margin };
    return body.access_token;
  }
}
