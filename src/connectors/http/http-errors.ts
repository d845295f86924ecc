/**
 * A target's HTTP answers and failures as `ConnectorError`s: statuses through the SPI's
 * `classifyHttpStatus` (after the app's own status table, when it has one) with the target's words
 * kept as detail, and transport failures (timeouts, resets, refused connections, TLS) by phase.
 * Every text that goes into an error passes through the redactor first, so no credential reaches a
 * log even when a target echoes it. Protocol connectors add their own rules on top (SCIM's
 * `scimType`), never a second copy of these.
 */
import {
  ConnectorError,
  classifyHttpStatus,
  parseRetryAfter,
  type ConnectorErrorCode,
} from '../spi/index.js';
import type { TransportError, TransportHeaders, TransportResponse } from './http-transport.js';
import type { Redactor } from './redactor.js';

const MAX_DETAIL = 500;

function clip(text: string): string {
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}...` : text;
}

function header(headers: TransportHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** How one target's error answers are read; every part is optional. */
export interface ResponseErrorRules {
  /**
   * The target's own words in an error body (its `message`, SCIM's `scimType: detail`); undefined
   * falls back to the body as it came.
   */
  detailOf?: (body: string) => string | undefined;
  /** Status codes the app maps itself (an API answering 400 for a duplicate), checked first. */
  statusCodes?: Readonly<Partial<Record<number, ConnectorErrorCode>>>;
}

/** The target's words in an error answer, redacted and clipped; undefined for an empty body. */
export function detailOfAnswer(
  body: string,
  redact: Redactor,
  rules: ResponseErrorRules = {},
): string | undefined {
  const own = rules.detailOf?.(body);
  const text = own ?? (body.trim() === '' ? undefined : body.trim());
  return text === undefined ? undefined : clip(redact(text));
}

/** The error for a non-2xx answer to `what` (`POST /Users`). */
export function errorFromResponse(
  what: string,
  response: TransportResponse,
  redact: Redactor,
  rules: ResponseErrorRules = {},
  now = Date.now(),
): ConnectorError {
  const detail = detailOfAnswer(response.body, redact, rules);
  const status = response.status;
  const retryAfter = header(response.headers, 'retry-after');
  const options = { targetCode: status, ...(detail !== undefined ? { detail } : {}) };
  const mapped = rules.statusCodes?.[status];
  if (mapped !== undefined) {
    const retryAfterMs = mapped === 'throttled' ? parseRetryAfter(retryAfter, now) : undefined;
    return new ConnectorError(
      mapped,
      `${what}: the target answered HTTP ${status} (${mapped} for this app)`,
      {
        ...options,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      },
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

/** An answer that is not what the protocol promises (no JSON, no id, not a page). */
export function invalidAnswer(what: string, problem: string, body: string, redact: Redactor): ConnectorError {
  const detail = body.trim() === '' ? undefined : clip(redact(body.trim()));
  return new ConnectorError(
    'invalid_response',
    `${what}: ${problem}`,
    detail === undefined ? {} : { detail },
  );
}
