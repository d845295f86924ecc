/**
 * What a SCIM answer must hold before the connector uses it: a resource with an id, a
 * ListResponse with its Resources and totalResults. Anything else is the target breaking the
 * protocol, reported as `invalid_response` with the answer (redacted, clipped) as detail.
 */
import { isJsonObject, type JsonObject } from '../../shared/json.js';
import type { ScimAnswer } from './scim-client.js';
import { invalidAnswer } from '../http/http-errors.js';
import type { Redactor } from '../http/redactor.js';

/** A resource answer (create, get, PUT): a JSON object with a non-empty string id. */
export function resourceOf(what: string, answer: ScimAnswer, redact: Redactor): JsonObject & { id: string } {
  const json = answer.json;
  if (!isJsonObject(json)) {
    throw invalidAnswer(
      what,
      `the target answered ${answer.text === '' ? 'no body' : 'a body that is not a resource'}`,
      answer.text,
      redact,
    );
  }
  if (typeof json.id !== 'string' || json.id === '') {
    throw invalidAnswer(what, 'the target answered a resource without an id', answer.text, redact);
  }
  return json as JsonObject & { id: string };
}

export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/** A list answer (RFC 7644 §3.4.2): its resources, each with an id, and the total. */
export interface ListAnswer {
  resources: (JsonObject & { id: string })[];
  totalResults: number;
}

export function listOf(what: string, answer: ScimAnswer, redact: Redactor): ListAnswer {
  const json = answer.json;
  if (!isJsonObject(json))
    throw invalidAnswer(what, 'the target answered no ListResponse', answer.text, redact);
  const total = json.totalResults;
  if (typeof total !== 'number' || !Number.isInteger(total) || total < 0) {
    throw invalidAnswer(what, 'the ListResponse has no valid totalResults', answer.text, redact);
  }
  const list = json.Resources ?? (total === 0 ? [] : undefined);
  if (!Array.isArray(list))
    throw invalidAnswer(what, 'the ListResponse has no Resources array', answer.text, redact);
  const resources = list.map((item, index) => {
    if (!isJsonObject(item) || typeof item.id !== 'string' || item.id === '') {
      throw invalidAnswer(what, `Resources[${index}] is not a resource with an id`, answer.text, redact);
    }
    return item as JsonObject & { id: string };
  });
  return { resources, totalResults: total };
}
