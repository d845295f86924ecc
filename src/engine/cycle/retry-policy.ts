/**
 * How failures are retried. Within a cycle a transient error (throttled, unavailable, timeout) is
 * retried a few times with exponential backoff and full jitter, waiting at least what the target
 * asked for (Retry-After); after that, or at once for an error a retry cannot fix, the object is
 * escrowed: retried in later cycles on a growing interval, without holding up the others.
 */
import type { ConnectorError } from '../../connectors/spi/connector-error.js';

/** The knobs of the retry policy; tests shrink the delays. */
export interface RetryPolicy {
  /** Attempts of one operation within a cycle, the first included. */
  readonly attempts: number;
  /** First backoff; doubles per attempt. */
  readonly baseDelayMs: number;
  /** Longest wait within a cycle; a Retry-After above it escrows instead of waiting. */
  readonly maxDelayMs: number;
  /** First escrow interval; doubles per failed cycle up to escrowMaxMs. */
  readonly escrowBaseMs: number;
  readonly escrowMaxMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  attempts: 3,
  baseDelayMs: 200,
  maxDelayMs: 30_000,
  escrowBaseMs: 60_000,
  escrowMaxMs: 6 * 60 * 60_000,
});

/**
 * The wait before attempt `attempt + 1` (attempt counts from 1), or undefined when the error is not
 * to be retried within this cycle.
 */
export function retryDelay(
  policy: RetryPolicy,
  error: ConnectorError,
  attempt: number,
  random: () => number,
): number | undefined {
  if (!error.retryable || attempt >= policy.attempts) return undefined;
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.floor(backoff / 2 + random() * (backoff / 2));
  const wait = Math.max(jittered, error.retryAfterMs ?? 0);
  return wait > policy.maxDelayMs ? undefined : wait;
}

/** When an escrowed object is tried again after its `attempts`-th failed cycle. */
export function escrowDelay(
  policy: RetryPolicy,
  attempts: number,
  error: ConnectorError | undefined,
): number {
  const grown = Math.min(policy.escrowMaxMs, policy.escrowBaseMs * 2 ** Math.max(0, attempts - 1));
  return Math.max(grown, error?.retryAfterMs ?? 0);
}

/** Errors that say the whole target is out of reach, not that one object is wrong. */
export function isTargetWide(error: ConnectorError): boolean {
  return (
    error.code === 'invalid_credentials' ||
    error.code === 'unavailable' ||
    error.code === 'timeout' ||
    error.code === 'throttled' ||
    error.code === 'connector_failure'
  );
}
