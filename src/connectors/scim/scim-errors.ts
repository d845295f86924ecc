/**
 * A target's answers and failures as `ConnectorError`s: HTTP statuses through the SPI's
 * `classifyHttpStatus` with the SCIM error's `scimType` and `detail` kept, and transport failures
 * (timeouts, resets, refused connections, TLS) by phase. Every text that goes into an error passes
 * through the redactor first, so no credential reaches a log even when a target echoes it.
 */
import { isJsonObject } from '../../shared/json.js';
import { ConnectorError, classifyHttpStatus, parseRetryAfter } from '../spi/index.js';
import type { TransportError, TransportHeaders, TransportResponse } from './http-transport.js';

/** Replaces each secret in a text. */
export type Redactor = (text: string) => string;

/** A redactor for the given secrets (and anything added later, such as OAuth access tokens). */
export function createRedactor(secrets: readonly string[]): Redactor & { add(secret: string): void } {
  const known = new Set(secrets.filter((s) => s.length >= 4));
  const redact = (text: string) => {
    let out = text;
    for (const secret of known) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    return out;
  };
  return Object.assign(redact, {
    add: (secret: string) => {
      if (secret.length >= 4) known.add(secret);
    },
  });
}

const MAX_DETAIL = 500;

function clip(text: string): string {
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}...` : text;
}

function header(headers: TransportHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The SCIM error of an answer's body (RFC 7644 §3.12), when it is one. */
function scimErrorOf(body: string): { scimType?: string; detail?: string } | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (!isJsonObject(parsed)) return undefined;
    const scimType = typeof parsed.scimType === 'string' ? parsed.scimType : undefined;
    const detail = typeof parsed.detail === 'string' ? parsed.detail : undefined;
    if (scimType === undefined && detail === undefined) return undefined;
    return { ...(scimType !== undefined ? { scimType } : {}), ...(detail !== undefined ? { detail } : {}) };
  } catch {
    return undefined;
  }
}

/** The error for a non-2xx answer to `what` (`POST /Users`). */
export function errorFromResponse(
  what: string,
  response: TransportResponse,
  redact: Redactor,
  now = Date.now(),
): ConnectorError {
  const scim = scimErrorOf(response.body);
  const detailText =
    scim === undefined
      ? response.body.trim() === ''
        ? undefined
        : response.body.trim()
      : [scim.scimType, scim.detail].filter((part) => part !== undefined).join(': ');
  const detail = detailText === undefined ? undefined : clip(redact(detailText));
  const status = response.status;
  const retryAfter = header(response.headers, 'retry-after');
  const options = { targetCode: status, ...(detail !== undefined ? { detail } : {}) };
  // RFC 7644 §3.12 names uniqueness a 409; some targets answer it with 400.
  if (status === 400 && scim?.scimType?.toLowerCase() === 'uniqueness') {
    return new ConnectorError(
      'already_exists',
      `${what}: the target already holds a conflicting object (HTTP 400 uniqueness)`,
      options,
    );
  }
  // A 503 with Retry-After says when to come back: surfaced as throttled so the engine waits that long.
  if (status === 503 && retryAfter !== undefined) {
    const retryAfterMs = parseRetryAfter(retryAfter, now);
    if (retryAfterMs !== undefined) {
      return new ConnectorError(
        'throttled',
        `${what}: the target is unavailable and asks to retry later (HTTP 503)`,
        {
          ...options,
          retryAfterMs,
        },
      );
    }
  }
  const classified = classifyHttpStatus(status, {
    ...(retryAfter !== undefined ? { retryAfter } : {}),
    ...(detail !== undefined ? { detail } : {}),
    now,
  });
  return new ConnectorError(classified.code, `${what}: ${classified.message}`, {
    ...options,
    ...(classified.retryAfterMs !== undefined ? { retryAfterMs: classified.retryAfterMs } : {}),
  });
}

/** The error for a request that got no complete answer. */
export function errorFromTransport(what: string, error: TransportError, redact: Redactor): ConnectorError {
  const reason = redact(error.message);
  const options = { cause: error, ...(error.code !== undefined ? { targetCode: error.code } : {}) };
  switch (error.phase) {
    case 'timeout':
      return new ConnectorError('timeout', `${what}: the target did not answer in time (${reason})`, options);
    case 'aborted':
      return new ConnectorError('timeout', `${what}: ${reason}`, options);
    case 'connect':
      return new ConnectorError('unavailable', `${what}: cannot connect to the target (${reason})`, options);
    case 'tls':
      return new ConnectorError('unavailable', `${what}: the TLS handshake failed (${reason})`, options);
    case 'reset':
      return new ConnectorError(
        'unavailable',
        `${what}: the target closed the connection (${reason})`,
        options,
      );
    case 'too_large':
      return new ConnectorError('invalid_response', `${what}: the ${reason}`, options);
    case 'network':
      return new ConnectorError('unavailable', `${what}: the request failed (${reason})`, options);
  }
}

/** An answer that is not what SCIM promises (no JSON, no id, not a ListResponse). */
export function invalidAnswer(what: string, problem: string, body: string, redact: Redactor): ConnectorError {
  const detail = body.trim() === '' ? undefined : clip(redact(body.trim()));
  return new ConnectorError(
    'invalid_response',
    `${what}: ${problem}`,
    detail === undefined ? {} : { detail },
  );
}
