/** Builds the taxonomy error for a database error, keeping the database's words and code for the log. */
import { ConnectorError, type ConnectorErrorCode } from '../../spi/index.js';

/** A database error as a `ConnectorError`: `what` says it in our words, the driver's message is the detail. */
export function databaseError(
  code: ConnectorErrorCode,
  what: string,
  error: unknown,
  targetCode: string | number | undefined,
): ConnectorError {
  const record = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const detail = [record.message, record.detail].filter((part) => typeof part === 'string' && part !== '');
  return new ConnectorError(code, what, {
    cause: error,
    ...(detail.length > 0 ? { detail: detail.join(' ') } : {}),
    ...(targetCode !== undefined ? { targetCode } : {}),
  });
}

/** The `code` property of an error-like value, if it is a string. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The `message` property of an error-like value, or ''. */
export function errorMessage(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : '';
}
