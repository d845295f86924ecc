/**
 * URL templates (`/users/{id}`, `/users?userName={value}`): each `{name}` is replaced by its value
 * percent-encoded with encodeURIComponent, so a value can never add a path segment, a query
 * parameter or a fragment (`a/b?c#d` arrives as one value). An array is its encoded items joined
 * by commas; an object its JSON, encoded. A placeholder without a value fails rather than sending a
 * request to the wrong URL. The extra `query` map of an operation drops the parameters without a
 * value instead.
 */
import type { JsonValue } from '../../shared/json.js';
import { lookup, templateParts, type TemplatePart, type TemplateValues } from './template-values.js';

/** encodeURIComponent, with a lone surrogate (which it refuses) sent as U+FFFD instead. */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    // Only a lone surrogate makes it throw; the text is scanned for one only then.
    return encodeURIComponent(text.replace(/\p{Surrogate}/gu, '\uFFFD'));
  }
}

/** A value as URL text, encoded. */
export function encodeValue(value: JsonValue): string {
  if (Array.isArray(value)) return value.map((item) => encodeValue(item)).join(',');
  if (typeof value === 'object' && value !== null) return encode(JSON.stringify(value));
  return encode(String(value));
}

/** A compiled URL template. */
export class UrlTemplate {
  readonly #parts: TemplatePart[];
  constructor(readonly text: string) {
    this.#parts = templateParts(text);
  }

  /** The names it needs. */
  get names(): string[] {
    return this.#parts.flatMap((part) => ('name' in part ? [part.name] : []));
  }

  /**
   * The path and query with every value encoded; `missing` names a placeholder without a value.
   * A value that makes a whole path segment `.` or `..` is refused too: URL parsers resolve those
   * (even written `%2e%2e`), so `/users/{id}` with the id `..` would address `/`.
   */
  expand(
    values: TemplateValues,
  ): { ok: true; text: string } | { ok: false; missing: string; dotSegment?: true } {
    let out = '';
    for (const part of this.#parts) {
      if ('text' in part) {
        out += part.text;
        continue;
      }
      const value = lookup(values, part.name);
      if (value === undefined || value === null) return { ok: false, missing: part.name };
      out += encodeValue(value);
    }
    // Segments are looked at only when the text holds a dot at all (most URLs hold none).
    if (out.includes('.') || out.includes('%2e') || out.includes('%2E')) {
      const query = out.indexOf('?');
      const path = query < 0 ? out : out.slice(0, query);
      const dotted = path.split('/').find((segment) => /^(\.|%2e){1,2}$/iu.test(segment));
      if (dotted !== undefined) return { ok: false, missing: this.names.join(', '), dotSegment: true };
    }
    return { ok: true, text: out };
  }
}

/**
 * `path` with the query parameters appended (after any the template already has). A parameter
 * whose value is absent is left out; names and values are encoded.
 */
export function appendQuery(
  path: string,
  parameters: readonly (readonly [string, JsonValue | undefined])[],
): string {
  const pairs = parameters
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([name, value]) => `${encodeValue(name)}=${encodeValue(value!)}`);
  if (pairs.length === 0) return path;
  return `${path}${path.includes('?') ? (path.endsWith('?') || path.endsWith('&') ? '' : '&') : '?'}${pairs.join('&')}`;
}
