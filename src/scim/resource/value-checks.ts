/**
 * Lexical checks for the SCIM data types of RFC 7643 §2.3. Regular expressions are anchored and
 * free of nested quantifiers, so hostile input costs linear time.
 */

const DATE_TIME = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))?$/;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/**
 * RFC 7643 §2.3.5: a valid xsd:dateTime (XML Schema 1.0 §3.2.7), e.g. `2008-01-23T04:56:22Z`. The
 * time zone is optional there; fractional seconds may have any number of digits.
 */
export function isXsdDateTime(text: string): boolean {
  if (text.length > 64) return false;
  const m = DATE_TIME.exec(text);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (year === 0 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const maxDay = month === 2 && !leap ? 28 : (DAYS_IN_MONTH[month - 1] ?? 31);
  if (day > maxDay) return false;
  // 24:00:00 is allowed by XML Schema 1.0 as the end of the day.
  if (hour === 24 ? minute !== 0 || second !== 0 || (m[7] !== undefined && /[1-9]/.test(m[7])) : hour > 23) {
    return false;
  }
  if (minute > 59 || second > 59) return false;
  if (m[9] !== undefined && (Number(m[9]) > 14 || Number(m[10]) > 59)) return false;
  return true;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * RFC 7643 §2.3.6: base64 per RFC 4648 §4 (standard alphabet, not base64url). Padding is optional
 * because clients differ; a length that no encoding can produce is rejected.
 */
export function isBase64(text: string): boolean {
  if (!BASE64.test(text)) return false;
  const padded = text.endsWith('=');
  return padded ? text.length % 4 === 0 : text.length % 4 !== 1;
}

// eslint-disable-next-line no-control-regex
const URI_FORBIDDEN = /[\s\u0000-\u001f\u007f<>"{}|\\^`]/;

/**
 * RFC 7643 §2.3.7: a reference is a URI, absolute or relative (`../Groups/e9e3...`). Bare ids and
 * `bulkId:` references are URIs too, so the check only rejects text no URI can contain.
 */
export function isReference(text: string): boolean {
  return text.length > 0 && !URI_FORBIDDEN.test(text);
}
