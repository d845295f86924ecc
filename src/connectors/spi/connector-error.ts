/**
 * The one error taxonomy of every connector. Whatever a target answers (an HTTP status, an LDAP
 * result code, a SQL state, a socket error) a connector reports it as one of these codes, and the
 * engine decides from the code alone whether to retry, wait, relink or stop — never from the kind of
 * connector or the target's own wording, which it only records.
 */
import { ScimError } from '../../scim/scim-error.js';
import type { TargetRef } from './connector.js';

/** What a retry can do for each code. Fixed per code, so the engine's policy is one table. */
export const CONNECTOR_ERROR_RETRYABLE = {
  /** The object (or a referenced member) is not in the target. */
  not_found: false,
  /** A create (or rename) collides with an object the target already holds. */
  already_exists: false,
  /** The target refuses the credentials: nothing works until they are changed. */
  invalid_credentials: false,
  /** The credentials are valid but may not do this operation on this object. */
  permission_denied: false,
  /** The target rejects the values: a missing required attribute, a bad format, an unknown attribute. */
  schema_violation: false,
  /** The target asks to slow down; `retryAfterMs` says how long when it said so. */
  throttled: true,
  /** The target cannot be reached or answered that it is down (connection refused, 5xx). */
  unavailable: true,
  /** No answer in time. The operation may or may not have happened on the target. */
  timeout: true,
  /** The connector answered something that breaks the contract (a create without an id, a page that is not a page). */
  invalid_response: false,
  /** The connector failed in its own code (a TypeError, a non-error thrown): a bug, not the target. */
  connector_failure: false,
} as const satisfies Record<string, boolean>;

export type ConnectorErrorCode = keyof typeof CONNECTOR_ERROR_RETRYABLE;

/** Every code, in a stable order (for docs, tests and exhaustive tables). */
export const CONNECTOR_ERROR_CODES = Object.keys(CONNECTOR_ERROR_RETRYABLE) as ConnectorErrorCode[];

/** True when `value` is one of the taxonomy's codes. */
export function isConnectorErrorCode(value: unknown): value is ConnectorErrorCode {
  return typeof value === 'string' && Object.hasOwn(CONNECTOR_ERROR_RETRYABLE, value);
}

/** Optional parts of a connector error. */
export interface ConnectorErrorOptions {
  /** For `throttled`: how long the target asked to wait, in milliseconds. */
  retryAfterMs?: number;
  /** The target's own words (response body, LDAP diagnostic message), kept for the provisioning log. */
  detail?: string;
  /** The target's own code (HTTP status, LDAP result code, SQLSTATE), kept for the provisioning log. */
  targetCode?: string | number;
  /** What was thrown underneath, if anything. */
  cause?: unknown;
  /**
   * The object's ref after the part of the operation that did succeed: an update that moved an
   * entry to a new DN and then failed. The engine keeps it, as it keeps the ref an update returns.
   */
  ref?: TargetRef;
}

/** The plain-data form of a connector error, as it is recorded in the provisioning log. */
export interface ConnectorErrorJson {
  code: ConnectorErrorCode;
  message: string;
  retryable: boolean;
  retryAfterMs?: number;
  detail?: string;
  targetCode?: string | number;
}

/** An error in the connector taxonomy: a stable `code`, whether a retry can help, and the target's detail. */
export class ConnectorError extends Error {
  readonly code: ConnectorErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly detail: string | undefined;
  readonly targetCode: string | number | undefined;
  /** See ConnectorErrorOptions.ref; not part of the logged form (the link records it). */
  readonly ref: TargetRef | undefined;

  constructor(code: ConnectorErrorCode, message: string, options: ConnectorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    if (!isConnectorErrorCode(code)) throw new TypeError(`Unknown connector error code '${String(code)}'`);
    this.name = 'ConnectorError';
    this.code = code;
    this.retryable = CONNECTOR_ERROR_RETRYABLE[code];
    const after = options.retryAfterMs;
    this.retryAfterMs =
      code === 'throttled' && typeof after === 'number' && Number.isFinite(after) && after >= 0
        ? Math.ceil(after)
        : undefined;
    this.detail = options.detail;
    this.targetCode = options.targetCode;
    this.ref = options.ref;
  }

  /** The error as data, for logs and the admin API. */
  toJSON(): ConnectorErrorJson {
    const json: ConnectorErrorJson = { code: this.code, message: this.message, retryable: this.retryable };
    if (this.retryAfterMs !== undefined) json.retryAfterMs = this.retryAfterMs;
    if (this.detail !== undefined) json.detail = this.detail;
    if (this.targetCode !== undefined) json.targetCode = this.targetCode;
    return json;
  }
}

/**
 * `error` (classified) carrying the object's new ref: for an operation that failed after it had
 * already renamed the object, so that the engine does not go on naming it by its old name.
 */
export function withTargetRef(error: unknown, ref: TargetRef): ConnectorError {
  const classified = classifyError(error);
  const options: ConnectorErrorOptions = { cause: classified.cause ?? error, ref };
  if (classified.retryAfterMs !== undefined) options.retryAfterMs = classified.retryAfterMs;
  if (classified.detail !== undefined) options.detail = classified.detail;
  if (classified.targetCode !== undefined) options.targetCode = classified.targetCode;
  return new ConnectorError(classified.code, classified.message, options);
}

/** Type guard for a connector error built by this module. */
export function isConnectorError(value: unknown): value is ConnectorError {
  return value instanceof ConnectorError;
}

/** Options for {@link classifyHttpStatus}. */
export interface HttpErrorContext {
  /** The `Retry-After` header as received (seconds or an HTTP date). */
  retryAfter?: string | null;
  /** The response body or its error detail. */
  detail?: string;
  /** Used to turn an HTTP-date `Retry-After` into a delay; defaults to the current time. */
  now?: number;
}

/**
 * The code for an HTTP error status, for REST and SCIM targets (RFC 9110 §15, RFC 7644 §3.12).
 * 400 and 422 are the target rejecting values; 409 a collision (SCIM `uniqueness`); 408 and 504 no
 * answer in time; other 5xx the target being down.
 */
export function classifyHttpStatus(status: number, context: HttpErrorContext = {}): ConnectorError {
  const options: ConnectorErrorOptions = { targetCode: status };
  if (context.detail !== undefined) options.detail = context.detail;
  const say = (code: ConnectorErrorCode, text: string) =>
    new ConnectorError(code, `${text} (HTTP ${status})`, options);
  if (status === 401) return say('invalid_credentials', 'The target refused the credentials');
  if (status === 403) return say('permission_denied', 'The target does not allow this operation');
  if (status === 404 || status === 410) return say('not_found', 'The target has no such object');
  if (status === 409) return say('already_exists', 'The target already holds a conflicting object');
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(context.retryAfter, context.now ?? Date.now());
    if (retryAfterMs !== undefined) options.retryAfterMs = retryAfterMs;
    return say('throttled', 'The target asks to slow down');
  }
  if (status === 408 || status === 504) return say('timeout', 'The target did not answer in time');
  if (status === 503) {
    // RFC 9110 §10.2.3: a 503 may carry Retry-After too; it is still "down", with a hint.
    return say('unavailable', 'The target is unavailable');
  }
  if (status >= 500) return say('unavailable', 'The target failed');
  if (status === 400 || status === 422) return say('schema_violation', 'The target rejected the values');
  return say('invalid_response', 'The target answered with an unexpected status');
}

/** A `Retry-After` value (delay in seconds, or an HTTP date) as milliseconds from `now`. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

// Node's socket and DNS errors: the target cannot be reached, a retry may reach it.
const UNAVAILABLE_SYSTEM_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
const TIMEOUT_SYSTEM_CODES = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * Turns anything a connector threw into the taxonomy, so the engine never handles a raw error:
 * - a `ConnectorError` is returned as it is;
 * - an error-like object whose `code` is a taxonomy code (thrown by a module connector compiled
 *   against another copy of this file) becomes a `ConnectorError` with its message and detail;
 * - a `ScimError` (from shared SCIM code parsing a target's answer) maps by its HTTP status;
 * - aborts and Node's socket errors become `timeout` / `unavailable`;
 * - anything else (a TypeError, a string, `undefined`) is `connector_failure`: a bug in the connector.
 */
export function classifyError(thrown: unknown): ConnectorError {
  if (thrown instanceof ConnectorError) return thrown;
  if (thrown instanceof ScimError) {
    return classifyHttpStatus(thrown.status, { detail: thrown.detail });
  }
  if (typeof thrown === 'object' && thrown !== null) {
    const record = thrown as Record<string, unknown>;
    const message = typeof record.message === 'string' && record.message !== '' ? record.message : undefined;
    if (isConnectorErrorCode(record.code)) {
      const options: ConnectorErrorOptions = { cause: thrown };
      if (typeof record.retryAfterMs === 'number') options.retryAfterMs = record.retryAfterMs;
      if (typeof record.detail === 'string') options.detail = record.detail;
      if (typeof record.targetCode === 'string' || typeof record.targetCode === 'number') {
        options.targetCode = record.targetCode;
      }
      return new ConnectorError(record.code, message ?? `Connector error ${record.code}`, options);
    }
    const name = typeof record.name === 'string' ? record.name : '';
    if (name === 'AbortError' || name === 'TimeoutError') {
      return new ConnectorError('timeout', message ?? 'The operation was aborted', { cause: thrown });
    }
    const systemCode = typeof record.code === 'string' ? record.code : undefined;
    if (systemCode !== undefined && UNAVAILABLE_SYSTEM_CODES.has(systemCode)) {
      return new ConnectorError('unavailable', message ?? systemCode, {
        cause: thrown,
        targetCode: systemCode,
      });
    }
    if (systemCode !== undefined && TIMEOUT_SYSTEM_CODES.has(systemCode)) {
      return new ConnectorError('timeout', message ?? systemCode, { cause: thrown, targetCode: systemCode });
    }
    if (thrown instanceof Error) {
      return new ConnectorError(
        'connector_failure',
        `The connector failed: ${thrown.name}: ${thrown.message}`,
        {
          cause: thrown,
        },
      );
    }
  }
  return new ConnectorError(
    'connector_failure',
    `The connector threw a non-error: ${describeThrown(thrown)}`,
    {
      cause: thrown,
    },
  );
}

function describeThrown(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
    return text.length > 200 ? `${text.slice(0, 200)}...` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
