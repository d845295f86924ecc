/**
 * One configured operation, compiled once: its URL template, query templates, header templates
 * and body template, and the request it makes for given values. A placeholder the URL needs but
 * the object lacks fails as `schema_violation` before anything is sent.
 */
import type { JsonValue } from '../../shared/json.js';
import { ConnectorError } from '../spi/index.js';
import { BodyTemplate, TextTemplate } from './body-template.js';
import { HeaderTemplates } from './header-template.js';
import { parseJsonPath, type JsonPath } from './json-path.js';
import type { RestRequest } from './rest-client.js';
import type { TemplateValues } from './template-values.js';
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

/** Extra query parameters (paging), appended after the template's own. */
export type ExtraQuery = readonly (readonly [string, JsonValue | undefined])[];

export class RestOperation {
  readonly method: string;
  readonly #url: UrlTemplate;
  readonly #query: [string, TextTemplate][];
  readonly #headers: HeaderTemplates;
  readonly #body: BodyTemplate | undefined;
  /** Where the object (create, get, update) or the items (find, list) are in the answer. */
  readonly objectPath: JsonPath;
  readonly itemsPath: JsonPath;
  /** Every placeholder name used by the URL, query, headers and body. */
  readonly names: ReadonlySet<string>;

  constructor(
    /** `User create`, for errors. */
    readonly label: string,
    settings: OperationSettings,
    /** The app's `headers`, sent with every operation (the operation's own win by name). */
    appHeaders?: Record<string, string>,
  ) {
    this.method = settings.method;
    this.#url = new UrlTemplate(settings.url);
    this.#query = Object.entries(settings.query ?? {}).map(([name, text]) => [name, new TextTemplate(text)]);
    this.#headers = new HeaderTemplates(label, appHeaders, settings.headers);
    this.#body = settings.body === undefined ? undefined : new BodyTemplate(settings.body as JsonValue);
    this.objectPath = parseJsonPath(settings.objectPath ?? '$');
    this.itemsPath = parseJsonPath(settings.itemsPath ?? '$');
    this.names = new Set([
      ...this.#url.names,
      ...this.#query.flatMap(([, template]) => template.names),
      ...this.#headers.names,
      ...(this.#body?.texts.flatMap((text) => new TextTemplate(text).names) ?? []),
    ]);
  }

  get hasBodyTemplate(): boolean {
    return this.#body !== undefined;
  }

  /** The request's path (without the query) for these values, as errors name it. */
  #path(values: TemplateValues): string {
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
    return expanded.text;
  }

  /** How errors name this operation's request for these values: `GET /users/42`. */
  whatFor(values: TemplateValues): string {
    const path = this.#path(values);
    const query = path.indexOf('?');
    return `${this.method} ${query < 0 ? path : path.slice(0, query)}`;
  }

  /** The request's target (path and query) for these values. */
  target(values: TemplateValues, extraQuery: ExtraQuery = []): string {
    const path = this.#path(values);
    if (this.#query.length === 0 && extraQuery.length === 0) return path;
    const query = this.#query.map(([name, template]) => [name, template.fillOrUndefined(values)] as const);
    return appendQuery(path, [...query, ...extraQuery]);
  }

  /** The whole request; `defaultBody` is sent when no template is configured (undefined: no body). */
  request(
    values: TemplateValues,
    signal: AbortSignal,
    defaultBody?: () => JsonValue,
    extraQuery?: ExtraQuery,
  ): RestRequest {
    return this.requestTo(this.target(values, extraQuery), values, signal, defaultBody);
  }

  /** The request to a given target (a next page's link) with this operation's headers and body. */
  requestTo(
    target: string,
    values: TemplateValues,
    signal: AbortSignal,
    defaultBody?: () => JsonValue,
  ): RestRequest {
    const body = this.#body !== undefined ? this.#body.fill(values) : defaultBody?.();
    const query = target.indexOf('?');
    return {
      method: this.method,
      target,
      what: `${this.method} ${query < 0 ? target : target.slice(0, query)}`,
      headers: this.#headers.fill(values),
      ...(body !== undefined ? { body } : {}),
      signal,
    };
  }
}
