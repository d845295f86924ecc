/**
 * One JSON request to the API: the URL under the base URL, JSON in and out, and a non-2xx answer
 * as a `ConnectorError` by the shared status mapping with this app's own status table and the
 * API's words as detail. Slots, rate, credentials, timeouts and OAuth renewal are the shared
 * HTTP client's.
 */
import { isJsonObject, type JsonValue } from '../../shared/json.js';
import {
  errorFromResponse,
  invalidAnswer,
  type HttpClient,
  type Redactor,
  type ResponseErrorRules,
  type TransportHeaders,
} from '../http/index.js';
import type { RequestTarget } from '../http/http-transport.js';
import { BaseUrl } from '../http/request-target.js';
import { ConnectorError, type ConnectorErrorCode } from '../spi/index.js';
import { getAtPath, parseJsonPath, type JsonPath } from './json-path.js';

export interface RestRequest {
  method: string;
  /** Path and query relative to the base URL, or an absolute URL on the base URL's origin (a next link). */
  target: string;
  /** How errors name the request (`GET /users/42`); default the method and the target's path. */
  what?: string;
  /** A frozen object is taken as constant: it is merged with the client's headers once. */
  headers?: Readonly<Record<string, string>>;
  body?: JsonValue;
  signal: AbortSignal;
}

export interface RestAnswer {
  status: number;
  headers: TransportHeaders;
  /** The parsed body; undefined when it is empty. */
  json: JsonValue | undefined;
  text: string;
  /** The URL asked, for resolving relative links in the answer. */
  readonly url: URL;
}

export interface RestClientOptions {
  baseUrl: string;
  contentType: string;
  statusCodes?: Readonly<Record<string, ConnectorErrorCode>> | undefined;
  errorMessagePath?: string | undefined;
  http: HttpClient;
  redact: Redactor;
}

/** Where APIs commonly put their words in an error body, tried in order. */
const COMMON_MESSAGE_PATHS: JsonPath[] = [
  ['message'],
  ['error_description'],
  ['error', 'message'],
  ['error'],
  ['detail'],
  ['title'],
  ['errors', 0, 'message'],
  ['errors', 0],
];

function wordsAt(body: string, paths: readonly JsonPath[]): string | undefined {
  let json: JsonValue;
  try {
    json = JSON.parse(body) as JsonValue;
  } catch {
    return undefined;
  }
  for (const path of paths) {
    const value = getAtPath(json, path);
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}

/** An operation's headers with the client's own, for a request without and with a body. */
interface MergedHeaders {
  plain: Readonly<Record<string, string>>;
  withBody: Readonly<Record<string, string>>;
}

export class RestClient {
  readonly #base: URL;
  readonly #baseUrl: BaseUrl;
  readonly #rules: ResponseErrorRules;
  /** The headers every request starts from (the app's and the operation's come with the request). */
  readonly #baseHeaders: Record<string, string> = {
    accept: 'application/json',
    'user-agent': 'Provisio-REST-connector',
  };
  /** Headers merged once for operations whose headers are constant (frozen), by those headers. */
  readonly #merged = new WeakMap<object, MergedHeaders>();
  readonly #noHeaders = Object.freeze({});

  constructor(private readonly options: RestClientOptions) {
    this.#baseUrl = new BaseUrl(options.baseUrl);
    this.#base = new URL(`${this.#baseUrl.text}/`);
    const paths =
      options.errorMessagePath === undefined
        ? COMMON_MESSAGE_PATHS
        : [parseJsonPath(options.errorMessagePath)];
    const statusCodes: Record<number, ConnectorErrorCode> = {};
    for (const [status, code] of Object.entries(options.statusCodes ?? {}))
      statusCodes[Number(status)] = code;
    this.#rules = { detailOf: (body) => wordsAt(body, paths), statusCodes };
  }

  /** Scrubs the app's secrets from a text. */
  get redactor(): Redactor {
    return this.options.redact;
  }

  /** Requests sent, by method. */
  get sent(): ReadonlyMap<string, number> {
    return this.options.http.sent;
  }

  /**
   * The URL of a target. A path is appended to the base URL as written (its escapes kept); an
   * absolute URL must be on the base URL's origin, so credentials never go to a host a body named.
   */
  url(target: string, what: string): URL {
    if (target.startsWith('/')) return new URL(`${this.#baseUrl.text}${target}`);
    return this.#absolute(target, what);
  }

  #absolute(target: string, what: string): URL {
    let url: URL;
    try {
      url = new URL(target, this.#base);
    } catch {
      throw new ConnectorError(
        'invalid_response',
        `${what}: the API answered a next link that is not a URL`,
        {
          detail: this.options.redact(target.slice(0, 200)),
        },
      );
    }
    if (url.origin !== this.#base.origin) {
      throw new ConnectorError(
        'invalid_response',
        `${what}: the API answered a link to ${url.origin}, not to ${this.#base.origin}; credentials are sent only to baseUrl's origin`,
      );
    }
    return url;
  }

  /** Where a target goes: a path under the base without a URL parse when it needs none. */
  #target(target: string, what: string): RequestTarget {
    if (target.startsWith('/')) return this.#baseUrl.target(target);
    const url = this.#absolute(target, what);
    return { origin: url.origin, path: `${url.pathname}${url.search}` };
  }

  #headers(headers: Readonly<Record<string, string>> | undefined, withBody: boolean) {
    const own = headers ?? this.#noHeaders;
    let merged = this.#merged.get(own);
    if (merged === undefined) {
      const plain = { ...this.#baseHeaders, ...own };
      merged = {
        plain: Object.freeze(plain),
        withBody: Object.freeze({ ...plain, 'content-type': this.options.contentType }),
      };
      // Headers filled per request are merged per request; constant ones once.
      if (!Object.isFrozen(own)) return withBody ? { ...merged.withBody } : { ...merged.plain };
      this.#merged.set(own, merged);
    }
    return withBody ? merged.withBody : merged.plain;
  }

  /** Sends a request; answers its parsed JSON, or throws a ConnectorError. */
  async send(
    request: RestRequest,
    what = request.what ?? `${request.method} ${request.target.split('?')[0]}`,
  ): Promise<RestAnswer> {
    const target = this.#target(request.target, what);
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const response = await this.options.http.exchange(what, {
      method: request.method,
      url: target,
      headers: this.#headers(request.headers, body !== undefined),
      ...(body !== undefined ? { body } : {}),
      signal: request.signal,
    });
    if (response.status < 200 || response.status >= 300) {
      throw errorFromResponse(what, response, this.options.redact, this.#rules);
    }
    // Parsed first, and only a body that fails to parse is looked at for being blank: trimming
    // every answer would copy it.
    let json: JsonValue | undefined;
    let text = response.body;
    if (text.length > 0) {
      try {
        json = JSON.parse(text) as JsonValue;
      } catch {
        if (text.trim() !== '') {
          const type = String(response.headers['content-type'] ?? 'no content type');
          throw invalidAnswer(what, `the API answered ${type} that is not JSON`, text, this.options.redact);
        }
        text = '';
      }
    }
    return new LazyUrlAnswer(response.status, response.headers, json, text, target);
  }
}

/**
 * An answer whose URL (for resolving links in it) is parsed only when asked for. A class, so the
 * getter lives on the prototype: an object literal with its own accessor is slow to make.
 */
class LazyUrlAnswer implements RestAnswer {
  #url: URL | undefined;

  constructor(
    readonly status: number,
    readonly headers: TransportHeaders,
    readonly json: JsonValue | undefined,
    readonly text: string,
    private readonly target: RequestTarget,
  ) {}

  get url(): URL {
    return (this.#url ??= new URL(`${this.target.origin}${this.target.path}`));
  }
}

/** The value at a path of an answer, checked to be an object. */
export function objectAt(answer: RestAnswer, path: JsonPath): Record<string, JsonValue> | undefined {
  const value = getAtPath(answer.json, path);
  return isJsonObject(value) ? value : undefined;
}
