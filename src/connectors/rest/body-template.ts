/**
 * JSON body templates: a JSON value in which a string that is exactly `{name}` becomes the named
 * value as it is (a boolean stays a boolean, an array an array), a string with text around
 * placeholders becomes that text with the values in it, and everything else is a constant. A key
 * or array item whose value is absent is left out, so one template serves objects with and
 * without optional attributes; a null value is kept (for a merge patch it removes the attribute).
 *
 * A template is compiled once per operation (`compileBody`, `TextTemplate`): filling it per
 * request walks the compiled tree and never re-reads the template text.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../shared/json.js';
import { lookup, templateParts, type TemplatePart, type TemplateValues } from './template-values.js';

const ABSENT = Symbol('absent');
type Filled = JsonValue | typeof ABSENT;

/** One template text, split into its parts once. */
export class TextTemplate {
  readonly #parts: TemplatePart[];
  /** The name when the text is exactly one placeholder (its value is used as it is). */
  readonly #lone: string | undefined;
  /** The text when it holds no placeholder at all. */
  readonly #constant: string | undefined;

  constructor(readonly text: string) {
    this.#parts = templateParts(text);
    const first = this.#parts[0];
    this.#lone = this.#parts.length === 1 && first !== undefined && 'name' in first ? first.name : undefined;
    this.#constant = this.#parts.every((part) => 'text' in part)
      ? this.#parts.map((part) => ('text' in part ? part.text : '')).join('')
      : undefined;
  }

  /** The names it refers to. */
  get names(): string[] {
    return this.#parts.flatMap((part) => ('name' in part ? [part.name] : []));
  }

  /** A lone placeholder as its value; text with the values as text; ABSENT when a value is missing. */
  fill(values: TemplateValues): Filled {
    if (this.#constant !== undefined) return this.#constant;
    if (this.#lone !== undefined) {
      const value = lookup(values, this.#lone);
      return value === undefined ? ABSENT : value;
    }
    let out = '';
    for (const part of this.#parts) {
      if ('text' in part) out += part.text;
      else {
        const value = lookup(values, part.name);
        if (value === undefined || value === null) return ABSENT;
        out += typeof value === 'string' ? value : JSON.stringify(value);
      }
    }
    return out;
  }

  /** The value, or undefined when absent (a query parameter or header is then left out). */
  fillOrUndefined(values: TemplateValues): JsonValue | undefined {
    const value = this.fill(values);
    return value === ABSENT ? undefined : value;
  }
}

type BodyNode =
  | { kind: 'constant'; value: JsonValue }
  | { kind: 'text'; template: TextTemplate }
  | { kind: 'array'; items: BodyNode[] }
  | { kind: 'object'; entries: [string, BodyNode][] };

function compileNode(template: JsonValue): BodyNode {
  if (typeof template === 'string') return { kind: 'text', template: new TextTemplate(template) };
  if (Array.isArray(template)) return { kind: 'array', items: template.map(compileNode) };
  if (isJsonObject(template))
    return {
      kind: 'object',
      entries: Object.entries(template).map(([key, item]) => [key, compileNode(item)]),
    };
  return { kind: 'constant', value: template };
}

function fillNode(node: BodyNode, values: TemplateValues): Filled {
  switch (node.kind) {
    case 'constant':
      return node.value;
    case 'text':
      return node.template.fill(values);
    case 'array': {
      const items: JsonValue[] = [];
      for (const item of node.items) {
        const value = fillNode(item, values);
        if (value !== ABSENT) items.push(value);
      }
      return items;
    }
    case 'object': {
      const out: JsonObject = {};
      for (const [key, item] of node.entries) {
        const value = fillNode(item, values);
        // defineProperty: a key named __proto__ is an own key of the body, never its prototype.
        if (value !== ABSENT)
          Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
  }
}

/** A body template compiled once. */
export class BodyTemplate {
  readonly #root: BodyNode;
  readonly texts: string[];

  constructor(template: JsonValue) {
    this.#root = compileNode(template);
    this.texts = bodyTemplateTexts(template);
  }

  /** The body for `values`; an entirely absent template is an empty object. */
  fill(values: TemplateValues): JsonValue {
    const value = fillNode(this.#root, values);
    return value === ABSENT ? {} : value;
  }
}

/** The body for `values` (compiles the template; operations keep a `BodyTemplate` instead). */
export function fillBody(template: JsonValue, values: TemplateValues): JsonValue {
  return new BodyTemplate(template).fill(values);
}

/** Every placeholder text in a template, for validating it once. */
export function bodyTemplateTexts(template: JsonValue): string[] {
  if (typeof template === 'string') return [template];
  if (Array.isArray(template)) return template.flatMap(bodyTemplateTexts);
  if (isJsonObject(template)) return Object.values(template).flatMap(bodyTemplateTexts);
  return [];
}
