/**
 * One configured operation, compiled once: its URL template, query templates, headers and body
 * template, and the request it makes for given values. A placeholder the URL needs but the object
 * lacks fails as `schema_violation` before anything is sent.
 */
import type { JsonValue } from '../../shared/json.js';
import { ConnectorError } from '../spi/index.js';
import { bodyTemplateTexts, fillBody, fillText } from './body-template.js';
import { parseJsonPath, type JsonPath } from './json-path.js';
import type { RestRequest } from './rest-client.js';
import { templateNames, type TemplateValues } from './template-values.js';
import { appendQuery, UrlTemplate } from './url-template.js';

export interface OperationSettings {
  method: string;
  url: string;
  query?: Record<string, string> | undefined;
  headers?: Record<string, string> | undefined;
  body?: unknown;
  objectPath?: string | undefined;
  itemsPath?: string | undefined;
}

export class RestOperation {
  readonly method: string;
  readonly #url: UrlTemplate;
  readonly #query: [string, string][];
  readonly #headers: Record<string, string> | undefined;
  readonly #body: JsonValue | undefined;
  /** Where the object (create, get, update) or the items (find, list) are in the answer. */
  readonly objectPath: JsonPath;
  readonly itemsPath: JsonPath;
  /** Every placeholder name used by the URL, query and body. */
  readonly names: ReadonlySet<string>;

  constructor(
    /** `User create`, for errors. */
    readonly label: string,
    settings: OperationSettings,
  ) {
    this.method = settings.method;
    this.#url = new UrlTemplate(settings.url);
    this.#query = Object.entries(settings.query ?? {});
    this.#headers = settings.headers;
    this.#body = settings.body as JsonValue | undefined;
    this.objectPath = parseJsonPath(settings.objectPath ?? '$');
    this.itemsPath = parseJsonPath(settings.itemsPath ?? '$');
    const texts = [
      settings.url,
      ...this.#query.map(([, text]) => text),
      ...(this.#body === undefined ? [] : bodyTemplateTexts(this.#body)),
    ];
    this.names = new Set(texts.flatMap((text) => templateNames(text)));
  }

  get hasBodyTemplate(): boolean {
    return this.#body !== undefined;
  }

  /** The request's target (path and query) for these values. */
  target(
    values: TemplateValues,
    extraQuery: readonly (readonly [string, JsonValue | undefined])[] = [],
  ): string {
    const expanded = this.#url.expand(values);
    if (!expanded.ok && expanded.dotSegment) {
      throw new ConnectorError(
        'schema_violation',
        `${this.label}: a value for ${this.#url.text} would make a path segment '.' or '..', which addresses another URL`,
      );
    }
    if (!expanded.ok) {
      throw new ConnectorError(
        'schema_violation',
        `${this.label}: the URL ${this.#url.text} needs {${expanded.missing}}, and this request has no value for it`,
      );
    }
    const query = this.#query.map(([name, text]) => [name, fillText(text, values)] as const);
    return appendQuery(expanded.text, [...query, ...extraQuery]);
  }

  /** The whole request; `defaultBody` is sent when no template is configured (undefined: no body). */
  request(
    values: TemplateValues,
    signal: AbortSignal,
    defaultBody?: () => JsonValue,
    extraQuery?: readonly (readonly [string, JsonValue | undefined])[],
  ): RestRequest {
    const body = this.#body !== undefined ? fillBody(this.#body, values) : defaultBody?.();
    return {
      method: this.method,
      target: this.target(values, extraQuery),
      ...(this.#headers !== undefined ? { headers: this.#headers } : {}),
      ...(body !== undefined ? { body } : {}),
      signal,
    };
  }
}
