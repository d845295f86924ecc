/**
 * What a `{name}` in a URL or body template stands for: the operation's own values first (`id`,
 * `value`, `attribute`, `groupId`, `memberId`, `memberIds`, `memberItems`, `enabled`), then the mapped attributes
 * by their target name (`userName`, `name.givenName`). `{*}` in a body is every mapped attribute
 * as one nested object.
 */
import type { JsonValue } from '../../shared/json.js';

export const CONTEXT_NAMES = [
  'id',
  'value',
  'attribute',
  'groupId',
  'memberId',
  'memberIds',
  'memberItems',
  'enabled',
] as const;
export type ContextName = (typeof CONTEXT_NAMES)[number];

export interface TemplateValues {
  /** The operation's own values. */
  readonly context: Readonly<Partial<Record<ContextName, JsonValue>>>;
  /** The mapped attributes (for an update: the new values of the changed ones, null when removed). */
  readonly attributes: Readonly<Record<string, JsonValue>>;
  /** The value of `{*}`: the attributes nested at their JSON paths. */
  readonly all?: () => JsonValue;
}

/** The value a placeholder names, or undefined when nothing has it. */
export function lookup(values: TemplateValues, name: string): JsonValue | undefined {
  if (name === '*') return values.all?.();
  if (Object.hasOwn(values.context, name)) return values.context[name as ContextName];
  return Object.hasOwn(values.attributes, name) ? values.attributes[name] : undefined;
}

/** One piece of a template text: literal text, or a `{name}`. */
export type TemplatePart = { text: string } | { name: string };

/** Splits a template text into parts; `{{` and `}}` are literal braces. Throws on an unclosed `{`. */
export function templateParts(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if ((c === '{' || c === '}') && text[i + 1] === c) {
      literal += c;
      i++;
    } else if (c === '{') {
      const end = text.indexOf('}', i + 1);
      if (end < 0) throw new Error(`'{' at offset ${i} is not closed (write '{{' for a literal brace)`);
      const name = text.slice(i + 1, end).trim();
      if (name === '' || name.includes('{'))
        throw new Error(`'{' at offset ${i} holds no name (write '{{' for a literal brace)`);
      if (literal !== '') parts.push({ text: literal });
      literal = '';
      parts.push({ name });
      i = end;
    } else if (c === '}') {
      throw new Error(`'}' at offset ${i} closes nothing (write '}}' for a literal brace)`);
    } else literal += c;
  }
  if (literal !== '') parts.push({ text: literal });
  return parts;
}

/** The names a template text refers to. */
export function templateNames(text: string): string[] {
  return templateParts(text).flatMap((part) => ('name' in part ? [part.name] : []));
}
