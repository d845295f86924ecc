import type { ExprValue } from '../value.js';
import type { FunctionSpec } from './function-spec.js';
import { defineEager, p } from './define-function.js';
import { toInt, toStr } from './coerce.js';

/** Functions over multi-valued attributes: Count, Item, Join, RemoveDuplicates, Split. */

function asList(value: ExprValue | undefined): readonly ExprValue[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? (value as readonly ExprValue[]) : [value as ExprValue];
}

/** Count(attribute): number of values; a single value counts 1, no value counts 0. */
export const count = defineEager(
  {
    name: 'Count',
    summary: 'Returns the number of values in a multi-valued attribute.',
    params: [p('attribute')],
  },
  ([attribute]) => asList(attribute).filter((item) => item !== null).length,
);

/** Item(attribute, index): the value at a 1-based index; null when out of range. */
export const item = defineEager(
  {
    name: 'Item',
    summary: 'Returns the value at a 1-based index of a multi-valued attribute.',
    params: [p('attribute'), p('index', 'number')],
  },
  ([attribute, index]) => {
    const i = toInt(index, 'Item', 'index');
    if (i === null || i < 1) return null;
    return asList(attribute)[i - 1] ?? null;
  },
);

/** Appends every non-empty string form of value (flattening multi-valued ones) to the running result. */
function joinInto(state: { out: string; any: boolean; sep: string }, value: ExprValue | undefined): void {
  if (Array.isArray(value)) {
    for (const inner of value as readonly ExprValue[]) joinInto(state, inner);
    return;
  }
  const text = typeof value === 'string' ? value : toStr(value);
  if (text === null || text === '') return;
  state.out = state.any ? state.out + state.sep + text : text;
  state.any = true;
}

/**
 * Join(separator, source1, ...): the values joined by separator. Multi-valued sources contribute
 * every value; values that are null or empty are skipped (Entra's `Join(", ", "", [sn], [gn])`
 * gives "Doe, John").
 */
export const join = defineEager(
  {
    name: 'Join',
    summary: 'Joins values (every value of multi-valued ones) with a separator, skipping empty ones.',
    params: [p('separator', 'string'), p('source', 'any', { variadic: true })],
  },
  (args) => {
    const sep = toStr(args[0]) ?? '';
    // Single strings (the usual `Join(" ", [givenName], [surname])`) are joined in place; any other
    // value goes through joinInto, which flattens and renders it.
    let out = '';
    let any = false;
    for (let i = 1; i < args.length; i++) {
      const value = args[i];
      if (typeof value === 'string') {
        if (value !== '') {
          out = any ? out + sep + value : value;
          any = true;
        }
      } else if (value !== null && value !== undefined) {
        const state: { out: string; any: boolean; sep: string } = { out, any, sep };
        joinInto(state, value);
        out = state.out;
        any = state.any;
      }
    }
    return out;
  },
);

/** RemoveDuplicates(attribute): values in first-seen order with exact (case-sensitive) duplicates removed. */
export const removeDuplicates = defineEager(
  {
    name: 'RemoveDuplicates',
    summary: 'Removes duplicate values from a multi-valued attribute.',
    params: [p('attribute')],
  },
  ([attribute]) => {
    if (attribute === null || attribute === undefined) return null;
    if (!Array.isArray(attribute)) return attribute as ExprValue;
    const seen = new Set<string>();
    const out: ExprValue[] = [];
    for (const value of attribute as readonly ExprValue[]) {
      const key = typeof value === 'string' ? `s${value}` : `j${JSON.stringify(value)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(value);
    }
    return out;
  },
);

/**
 * Split(source, delimiter): a multi-valued value. Each part is trimmed of surrounding white space and
 * empty parts are dropped, matching Entra's documented example ("One, Two" split on "," gives
 * ["One", "Two"]).
 */
export const split = defineEager(
  {
    name: 'Split',
    summary: 'Splits a string into a multi-valued value at each delimiter.',
    params: [p('source', 'string'), p('delimiter', 'string')],
  },
  ([source, delimiter]) => {
    const text = toStr(source);
    if (text === null) return null;
    const delim = toStr(delimiter) ?? '';
    const parts = delim === '' ? [text] : text.split(delim);
    const out: string[] = [];
    for (const part of parts) {
      const trimmed = part.trim();
      if (trimmed !== '') out.push(trimmed);
    }
    return out;
  },
);

/** The multi-value functions, for index.ts. */
export const multiValueFunctions: readonly FunctionSpec[] = [count, item, join, removeDuplicates, split];
