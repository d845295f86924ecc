/**
 * SCIM's rules on top of the shared HTTP error mapping: the error body of RFC 7644 §3.12 gives the
 * detail (`scimType: detail`), and a 400 whose `scimType` is `uniqueness` is a collision.
 */
import { isJsonObject } from '../../shared/json.js';
import { errorFromResponse, type ResponseErrorRules } from '../http/http-errors.js';
import type { TransportResponse } from '../http/http-transport.js';
import type { Redactor } from '../http/redactor.js';
import { ConnectorError } from '../spi/index.js';

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

const SCIM_RULES: ResponseErrorRules = {
  detailOf: (body) => {
    const scim = scimErrorOf(body);
    return scim === undefined
      ? undefined
      : [scim.scimType, scim.detail].filter((part) => part !== undefined).join(': ');
  },
};

/** The error for a non-2xx answer to `what` (`POST /Users`). */
export function scimErrorFromResponse(
  what: string,
  response: TransportResponse,
  redact: Redactor,
  now = Date.now(),
): ConnectorError {
  const error = errorFromResponse(what, response, redact, SCIM_RULES, now);
  // RFC 7644 §3.12 names uniqueness a 409; some targets answer it with 400.
  if (response.status === 400 && scimErrorOf(response.body)?.scimType?.toLowerCase() === 'uniqueness') {
    return new ConnectorError(
      'already_exists',
      `${what}: the target already holds a conflicting object (HTTP 400 uniqueness)`,
      { targetCode: 400, ...(error.detail !== undefined ? { detail: error.detail } : {}) },
    );
  }
  return error;
}
