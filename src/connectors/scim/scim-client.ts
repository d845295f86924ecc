/**
 * One SCIM request end to end: the shared HTTP client waits for the app's slot and token,
 * authorizes, sends and renews an OAuth token once on a 401; this adds SCIM's media type, classifies
 * a non-2xx answer by SCIM's rules, and parses the answer's JSON. What the answer must hold is
 * checked by the caller (`scim-answers.ts`).
 */
import type { JsonValue } from '../../shared/json.js';
import type { HttpClient } from '../http/http-client.js';
import { invalidAnswer } from '../http/http-errors.js';
import type { RequestTarget, TransportResponse } from '../http/http-transport.js';
import { BaseUrl } from '../http/request-target.js';
import type { Redactor } from '../http/redactor.js';
import { scimErrorFromResponse } from './scim-errors.js';
export type ScimMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ScimRequest {
  method: ScimMethod;
  /** Relative to the base URL: `/Users`, `/Groups/123`. */
  path: string;
  query?: Record<string, string>;
  body?: JsonValue;
  signal: AbortSignal;
  /** Drain the answer without keeping it (see `groupPatchReturnsMembers`). */
  discardBody?: boolean;
}

export interface ScimAnswer {
  status: number;
  /** The parsed body; undefined when the body is empty or was discarded. */
  json: unknown;
  text: string;
}

export interface ScimClientOptions {
  baseUrl: string;
  headers: Record<string, string>;
  http: HttpClient;
  redact: Redactor;
}

const SCIM_JSON = 'application/scim+json';

export class ScimClient {
  readonly #base: BaseUrl;
  /** The headers of a request without and with a body, built once: the same objects every time. */
  readonly #headers: Readonly<Record<string, string>>;
  readonly #bodyHeaders: Readonly<Record<string, string>>;

  constructor(private readonly options: ScimClientOptions) {
    this.#base = new BaseUrl(options.baseUrl);
    this.#headers = Object.freeze({
      accept: `${SCIM_JSON}, application/json`,
      'user-agent': 'Provisio-SCIM-connector',
      ...options.headers,
    });
    this.#bodyHeaders = Object.freeze({ ...this.#headers, 'content-type': SCIM_JSON });
  }

  /** The URL of a path with its query. */
  url(path: string, query?: Record<string, string>): URL {
    const target = this.#target(path, query);
    return new URL(`${target.origin}${target.path}`);
  }

  #target(path: string, query: Record<string, string> | undefined): RequestTarget {
    if (query === undefined) return this.#base.target(path);
    // encodeURIComponent rather than URLSearchParams: targets differ on '+' for a space, none on %20.
    let search = '';
    for (const key in query) {
      search += `${search === '' ? '' : '&'}${encodeURIComponent(key)}=${encodeURIComponent(query[key]!)}`;
    }
    return this.#base.target(search === '' ? path : `${path}?${search}`);
  }

  /** Requests sent, by method, for tests and diagnostics. */
  get sent(): ReadonlyMap<string, number> {
    return this.options.http.sent;
  }

  /** Sends a request; answers its parsed JSON, or throws a ConnectorError. */
  async send(request: ScimRequest): Promise<ScimAnswer> {
    const what = `${request.method} ${request.path}`;
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const response = await this.options.http.exchange(what, {
      method: request.method,
      url: this.#target(request.path, request.query),
      headers: body === undefined ? this.#headers : this.#bodyHeaders,
      ...(body !== undefined ? { body } : {}),
      signal: request.signal,
      ...(request.discardBody ? { discardBody: true } : {}),
    });
    return this.#answer(what, response, request.discardBody === true);
  }

  #answer(what: string, response: TransportResponse, discarded: boolean): ScimAnswer {
    if (response.status < 200 || response.status >= 300) {
      throw scimErrorFromResponse(what, response, this.options.redact);
    }
    if (discarded || response.body.length === 0)
      return { status: response.status, json: undefined, text: '' };
    // Parsed first, and only a body that fails to parse is looked at for being blank: trimming
    // every answer would copy it.
    try {
      return { status: response.status, json: JSON.parse(response.body), text: response.body };
    } catch {
      if (response.body.trim() === '') return { status: response.status, json: undefined, text: '' };
      const type = String(response.headers['content-type'] ?? 'no content type');
      throw invalidAnswer(
        what,
        `the target answered ${type} that is not JSON: it does not look like a SCIM service`,
        response.body,
        this.options.redact,
      );
    }
  }
}
