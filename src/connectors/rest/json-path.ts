/**
 * The JSON paths of REST settings: where an id, an attribute, a page's items or the next page is
 * found in an answer, and where a value goes in a body. A small, total syntax rather than full
 * JSONPath: `$` is the value itself; `a.b`, `items[0]` and `a["dotted.key"]` step into objects and
 * arrays (a leading `$.` is allowed). Paths are parsed once, when settings are validated.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../shared/json.js';

/** One step: an object key or an array index. */
export type PathSegment = string | number;
export type JsonPath = readonly PathSegment[];

/** Why a path does not parse, with the offset into its text. */
export class JsonPathError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'JsonPathError';
  }
}

const NAME = /^[A-Za-z_$@][\w$@:-]*/u;

/** Parses `a.b[0]["c d"]`; `$` or `""` alone is the root. */
export function parseJsonPath(text: string): JsonPath {
  let rest = text.trim();
  if (rest === '' || rest === '$') return [];
  if (rest.startsWith('$.') || rest.startsWith('$[')) rest = rest.slice(1);
  const start = text.length - rest.length;
  const segments: PathSegment[] = [];
  let i = 0;
  let expectName = !rest.startsWith('[') && !rest.startsWith('.');
  if (rest.startsWith('.')) {
    i = 1;
    expectName = true;
  }
  while (i < rest.length || expectName) {
    if (expectName) {
      const match = NAME.exec(rest.slice(i));
      if (match === null) throw new JsonPathError(`expected a key at offset ${start + i}`, start + i);
      segments.push(match[0]);
      i += match[0].length;
      expectName = false;
      continue;
    }
    const c = rest[i];
    if (c === '.') {
      i++;
      expectName = true;
    } else if (c === '[') {
      const close = readBracket(rest, i + 1, start);
      segments.push(close.segment);
      i = close.end;
    } else {
      throw new JsonPathError(`unexpected '${c}' at offset ${start + i}`, start + i);
    }
  }
  return segments;
}

function readBracket(text: string, from: number, start: number): { segment: PathSegment; end: number } {
  const index = /^(\d+)\]/u.exec(text.slice(from));
  if (index !== null) return { segment: Number(index[1]), end: from + index[0].length };
  const quote = text[from];
  if (quote === '"' || quote === "'") {
    let key = '';
    for (let i = from + 1; i < text.length; i++) {
      const c = text[i]!;
      if (c === '\\' && i + 1 < text.length) {
        key += text[++i];
      } else if (c === quote) {
        if (text[i + 1] !== ']')
          throw new JsonPathError(`expected ']' at offset ${start + i + 1}`, start + i + 1);
        return { segment: key, end: i + 2 };
      } else key += c;
    }
  }
  throw new JsonPathError(
    `expected an index or a quoted key after '[' at offset ${start + from}`,
    start + from,
  );
}

/** The canonical text of a path (parses back to the same segments). */
export function printJsonPath(path: JsonPath): string {
  if (path.length === 0) return '$';
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$@][\w$@:-]*$/u.test(segment) && !(out === '' && segment === '$'))
      out += out === '' ? segment : `.${segment}`;
    else out += `["${segment.replace(/["\\]/gu, (c) => `\\${c}`)}"]`;
  }
  return out;
}

/** The value at `path`, or undefined when any step is missing. */
export function getAtPath(value: JsonValue | undefined, path: JsonPath): JsonValue | undefined {
  let current: JsonValue | undefined = value;
  for (const segment of path) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[segment];
    } else {
      if (!isJsonObject(current) || !Object.hasOwn(current, segment)) return undefined;
      current = current[segment];
    }
  }
  return current;
}

/** Sets the value at `path` in `target` (an object), creating objects and arrays on the way. */
export function setAtPath(target: JsonObject, path: JsonPath, value: JsonValue): void {
  if (path.length === 0) throw new TypeError('cannot set the root');
  let current: JsonObject | JsonValue[] = target;
  for (let i = 0; i < path.length - 1; i++) {
    const segment = path[i]!;
    const nextIsIndex = typeof path[i + 1] === 'number';
    // Own properties only: an inherited one (`__proto__`, `constructor`) must never be written into.
    const existing: JsonValue | undefined = Object.hasOwn(current, segment)
      ? (current as Record<PathSegment, JsonValue | undefined>)[segment]
      : undefined;
    const fits: boolean = nextIsIndex ? Array.isArray(existing) : isJsonObject(existing);
    const child: JsonObject | JsonValue[] = fits
      ? (existing as JsonObject | JsonValue[])
      : nextIsIndex
        ? []
        : {};
    if (!fits) assign(current, segment, child);
    current = child;
  }
  assign(current, path[path.length - 1]!, value);
}

function assign(container: JsonObject | JsonValue[], segment: PathSegment, value: JsonValue): void {
  if (Array.isArray(container)) {
    const index = Number(segment);
    while (container.length < index) container.push(null);
    container[index] = value;
  } else {
    // defineProperty: a key such as "__proto__" is stored as data, never reaching the prototype.
    Object.defineProperty(container, String(segment), {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
}

/** Removes the value at `path`, if it is there. */
export function deleteAtPath(target: JsonObject, path: JsonPath): void {
  if (path.length === 0) return;
  const parent = getAtPath(target, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (isJsonObject(parent) && typeof last === 'string') delete parent[last];
  else if (Array.isArray(parent) && typeof last === 'number' && last < parent.length) parent[last] = null;
}
