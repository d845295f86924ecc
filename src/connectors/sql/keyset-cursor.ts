/**
 * List cursors: the last anchor value a page served, as opaque text. The value keeps its JSON type
 * (a number for an integer anchor), so the next page binds it as the column compares it.
 */
import { ConnectorError } from '../spi/index.js';

export function encodeCursor(last: string | number): string {
  return Buffer.from(JSON.stringify([last]), 'utf8').toString('base64url');
}

/** The anchor value a cursor carries; `schema_violation` for text that no page answered. */
export function decodeCursor(cursor: string): string | number {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(decoded) && decoded.length === 1) {
      const [value] = decoded as unknown[];
      if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) return value;
    }
  } catch {
    // fall through to the error below
  }
  throw new ConnectorError(
    'schema_violation',
    'list() was given a cursor that no page of this connector answered',
  );
}
