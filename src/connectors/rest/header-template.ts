/**
 * Header templates: an operation's headers (the app's `headers`, then the operation's own, which
 * win by name, case-insensitively), each value a template like a query parameter's. A header whose
 * value is absent is left out. A value put into a header must be header text: a line break would
 * end the header and start another one (header injection), so CR, LF and every other control
 * character are refused, and so is text outside US-ASCII, which HTTP/1.1 does not carry reliably.
 * Headers without placeholders are checked once, when the settings are read.
 */
import type { JsonValue } from '../../shared/json.js';
import { ConnectorError } from '../spi/index.js';
import { TextTemplate } from './body-template.js';
import type { TemplateValues } from './template-values.js';

/** Why a header value cannot be sent, or undefined when it can. */
export function headerValueProblem(value: string): string | undefined {
  if (/[\r\n]/u.test(value)) return 'holds a line break (CR or LF), which would start another header';
  // A tab is the one control character a header value may hold.
  if (/(?!\t)\p{Cc}/u.test(value)) return 'holds a control character';
  if (/\P{ASCII}/u.test(value)) return 'holds text outside US-ASCII, which a header does not carry';
  return undefined;
}

/** A value as header text: an array as a comma-separated list (HTTP's list syntax), an object as JSON. */
function headerText(value: JsonValue): string {
  if (Array.isArray(value)) return value.map((item) => headerText(item)).join(', ');
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

export class HeaderTemplates {
  /** The headers without placeholders, sent as they are. */
  readonly #constant: Record<string, string> = {};
  readonly #templated: [string, TextTemplate][] = [];
  readonly names: string[] = [];

  constructor(
    /** `User create`, for errors. */
    private readonly label: string,
    ...layers: (Record<string, string> | undefined)[]
  ) {
    const merged = new Map<string, [string, string]>();
    for (const layer of layers)
      for (const [name, text] of Object.entries(layer ?? {})) merged.set(name.toLowerCase(), [name, text]);
    for (const [name, text] of merged.values()) {
      const template = new TextTemplate(text);
      if (template.names.length === 0)
        this.#constant[name] = String(template.fillOrUndefined({ context: {}, attributes: {} }));
      else {
        this.#templated.push([name, template]);
        this.names.push(...template.names);
      }
    }
    // Frozen: the client may keep what it merges with these, since they never change.
    Object.freeze(this.#constant);
  }

  /** The headers for these values; the same frozen object every time when none has a placeholder. */
  fill(values: TemplateValues): Readonly<Record<string, string>> {
    if (this.#templated.length === 0) return this.#constant;
    const headers = { ...this.#constant };
    for (const [name, template] of this.#templated) {
      const value = template.fillOrUndefined(values);
      if (value === undefined || value === null) continue;
      const text = headerText(value);
      const problem = headerValueProblem(text);
      if (problem !== undefined) {
        throw new ConnectorError(
          'schema_violation',
          `${this.label}: the value for the header ${name} (${template.text}) ${problem}; it is not sent`,
        );
      }
      headers[name] = text;
    }
    return headers;
  }
}
