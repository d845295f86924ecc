/** Checks of the arguments the engine hands the store: a wrong one fails loudly, never as SQL. */

/** Most rows one read may ask for. */
export const MAX_PAGE = 100_000;

/** `limit` as a whole number from 1 to MAX_PAGE, or an error naming `method`. */
export function checkLimit(method: string, limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new RangeError(`${method}: limit must be a whole number from 1 to ${MAX_PAGE}, got ${limit}`);
  }
  return limit;
}

/** A valid Date (an invalid one would be stored as garbage or fail deep in the driver). */
export function checkDate(method: string, what: string, date: Date): Date {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new RangeError(`${method}: ${what} must be a valid Date`);
  }
  return date;
}

const OBJECT_TYPES: readonly string[] = ['User', 'Group'];

/** `User` or `Group`. */
export function checkObjectType(method: string, type: string): void {
  if (!OBJECT_TYPES.includes(type)) {
    throw new RangeError(`${method}: object type must be User or Group, got ${JSON.stringify(type)}`);
  }
}
