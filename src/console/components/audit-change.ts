/**
 * A few words on what an audit entry changed, from its `before` and `after` (the API's shape):
 * who was assigned or unassigned, what was created or deleted, else each changed setting as
 * `path: old → new`. An app's whole definition is in both sides of an apply; naming only the
 * paths that differ keeps the row readable.
 */
import type { Json, JsonObject } from '../api/types.js';

/** Changed paths shown before "and N more". */
const MAX_LINES = 6;
const MAX_VALUE = 60;

const isObject = (v: Json | undefined): v is JsonObject =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function shown(value: Json | undefined): string {
  if (value === undefined) return '(none)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

/** Leaf paths whose values differ; arrays compare whole (a list of mappings is one setting). */
function differences(before: Json | undefined, after: Json | undefined, path: string, out: string[]): void {
  if (isObject(before) && isObject(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      differences(before[key], after[key], path === '' ? key : `${path}.${key}`, out);
    }
    return;
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return;
  out.push(`${path === '' ? 'value' : path}: ${shown(before)} → ${shown(after)}`);
}

function principal(side: JsonObject): string | undefined {
  if (typeof side.principalType !== 'string') return undefined;
  const who = typeof side.principalName === 'string' ? side.principalName : String(side.principalId);
  const role = typeof side.role === 'string' ? ` as ${side.role}` : '';
  return `${side.principalType.toLowerCase()} ${who}${role}`;
}

/** ` alice (admin)` for a side that names something (a console user, a token), else nothing. */
function named(side: Json | undefined): string {
  if (!isObject(side) || typeof side.name !== 'string') return '';
  return ` ${side.name}${typeof side.role === 'string' ? ` (${side.role})` : ''}`;
}

export function describeAuditChange(before: Json | undefined, after: Json | undefined): string[] {
  const side = after ?? before;
  if (isObject(side)) {
    const who = principal(side);
    if (who !== undefined) return [who];
  }
  if (before === undefined && after === undefined) return [];
  if (isObject(after) && typeof after.assignmentsRemoved === 'number')
    return [`deleted, ${after.assignmentsRemoved} assignments removed`];
  if (before === undefined || before === null) return [`created${named(after)}`];
  if (after === undefined || after === null) return [`removed${named(before)}`];
  const lines: string[] = [];
  differences(before, after, '', lines);
  if (lines.length === 0) return ['no change'];
  return lines.length > MAX_LINES
    ? [...lines.slice(0, MAX_LINES), `and ${lines.length - MAX_LINES} more`]
    : lines;
}
