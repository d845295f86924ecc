/**
 * Argument templates: the arguments of a SOAP operation written as data, with `{{name}}`
 * placeholders for what the request carries. A string that is exactly one placeholder becomes
 * the value itself (a boolean stays a boolean, a list of member ids a list, so the package writes
 * one element per item); when the value is absent the key (or the list item) is left out, so an
 * optional element is not sent. A placeholder inside other text is replaced by the value as text.
 * `{{attributes.<name>}}` names a mapped attribute (the rest after `attributes.` is the whole name,
 * dots included).
 */
import type { JsonValue } from '../../shared/json.js';

/** The values a template is filled from. */
export interface TemplateValues {
  names: Record<string, JsonValue | undefined>;
  attributes?: Record<string, JsonValue | undefined>;
}

/** Which placeholders an operation offers. */
export interface TemplateVariables {
  names: readonly string[];
  /** Whether `{{attributes.<name>}}` may be used. */
  attributes: boolean;
}

const WHOLE = /^\{\{\s*([^{}]+?)\s*\}\}$/u;
const ANY = /\{\{\s*([^{}]+?)\s*\}\}/gu;
const ABSENT = Symbol('absent');

/** The template filled in. */
export function renderTemplate(template: JsonValue, values: TemplateValues): JsonValue {
  const rendered = render(template, values);
  return rendered === ABSENT ? null : rendered;
}

function render(template: JsonValue, values: TemplateValues): JsonValue | typeof ABSENT {
  if (typeof template === 'string') {
    const whole = WHOLE.exec(template);
    if (whole !== null) {
      const value = lookup(whole[1]!, values);
      return value === undefined || value === null ? ABSENT : value;
    }
    return template.replace(ANY, (_, name: string) => asText(lookup(name, values)));
  }
  if (Array.isArray(template)) {
    const items: JsonValue[] = [];
    for (const item of template) {
      const value = render(item, values);
      if (value === ABSENT) continue;
      // A list placeholder inside a list ([ '{{members}}' ]) adds its items, not a nested list.
      if (Array.isArray(value) && typeof item === 'string') items.push(...value);
      else items.push(value);
    }
    return items;
  }
  if (typeof template === 'object' && template !== null) {
    const object: Record<string, JsonValue> = {};
    for (const [key, item] of Object.entries(template)) {
      const value = render(item, values);
      if (value !== ABSENT) object[key] = value;
    }
    return object;
  }
  return template;
}

function lookup(name: string, values: TemplateValues): JsonValue | undefined {
  if (name.startsWith('attributes.')) return values.attributes?.[name.slice('attributes.'.length)];
  return values.names[name];
}

function asText(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A placeholder a template may not use here, with the path of the string that names it. */
export interface PlaceholderIssue {
  path: (string | number)[];
  message: string;
}

/** Every placeholder in the template that the operation does not offer. */
export function placeholderIssues(template: unknown, variables: TemplateVariables): PlaceholderIssue[] {
  const issues: PlaceholderIssue[] = [];
  const offered = () =>
    [
      ...variables.names.map((n) => `{{${n}}}`),
      ...(variables.attributes ? ['{{attributes.<name>}}'] : []),
    ].join(', ');
  const visit = (value: unknown, path: (string | number)[]) => {
    if (typeof value === 'string') {
      for (const match of value.matchAll(ANY)) {
        const name = match[1]!;
        const ok = name.startsWith('attributes.')
          ? variables.attributes && name.length > 'attributes.'.length
          : variables.names.includes(name);
        if (!ok)
          issues.push({
            path,
            message: `has placeholder {{${name}}}, which this operation does not offer (it offers ${offered()})`,
          });
      }
    } else if (Array.isArray(value)) value.forEach((item, index) => visit(item, [...path, index]));
    else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) visit(item, [...path, key]);
    }
  };
  visit(template, []);
  return issues;
}

/** The attribute names a template reads (`{{attributes.x}}`), for partial updates. */
export function templateAttributes(template: unknown): Set<string> {
  const names = new Set<string>();
  const visit = (value: unknown) => {
    if (typeof value === 'string') {
      for (const match of value.matchAll(ANY)) {
        if (match[1]!.startsWith('attributes.')) names.add(match[1]!.slice('attributes.'.length));
      }
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(visit);
  };
  visit(template);
  return names;
}
