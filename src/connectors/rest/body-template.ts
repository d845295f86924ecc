/**
 * JSON body templates: a JSON value in which a string that is exactly `{name}` becomes the named
 * value as it is (a boolean stays a boolean, an array an array), a string with text around
 * placeholders becomes that text with the values in it, and everything else is a constant. A key
 * or array item whose value is absent is left out, so one template serves objects with and
 * without optional attributes; a null value is kept (for a merge patch it removes the attribute).
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../shared/json.js';
import { lookup, templateParts, type TemplateValues } from './template-values.js';

const ABSENT = Symbol('absent');

function fillString(text: string, values: TemplateValues): JsonValue | typeof ABSENT {
  const parts = templateParts(text);
  if (parts.length === 1 && 'name' in parts[0]!) {
    const value = lookup(values, parts[0].name);
    return value === undefined ? ABSENT : value;
  }
  let out = '';
  for (const part of parts) {
    if ('text' in part) out += part.text;
    else {
      const value = lookup(values, part.name);
      if (value === undefined || value === null) return ABSENT;
      out += typeof value === 'string' ? value : JSON.stringify(value);
    }
  }
  return out;
}

function fill(template: JsonValue, values: TemplateValues): JsonValue | typeof ABSENT {
  if (typeof template === 'string') return fillString(template, values);
  if (Array.isArray(template)) {
    const items: JsonValue[] = [];
    for (const item of template) {
      const value = fill(item, values);
      if (value !== ABSENT) items.push(value);
    }
    return items;
  }
  if (isJsonObject(template)) {
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(template)) {
      const value = fill(item, values);
      if (value !== ABSENT)
        Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return template;
}

/** The body for `values`; an entirely absent template is an empty object. */
export function fillBody(template: JsonValue, values: TemplateValues): JsonValue {
  const value = fill(template, values);
  return value === ABSENT ? {} : value;
}

/** A query parameter's value: a lone `{name}` as it is, text with placeholders as text; undefined when absent. */
export function fillText(text: string, values: TemplateValues): JsonValue | undefined {
  const value = fillString(text, values);
  return value === ABSENT ? undefined : value;
}

/** Every placeholder text in a template, for validating it once. */
export function bodyTemplateTexts(template: JsonValue): string[] {
  if (typeof template === 'string') return [template];
  if (Array.isArray(template)) return template.flatMap(bodyTemplateTexts);
  if (isJsonObject(template)) return Object.values(template).flatMap(bodyTemplateTexts);
  return [];
}
