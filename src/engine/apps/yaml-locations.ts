/**
 * Where a path of an app file (`objects.User.mappings[5].expression`) is in the YAML text, so every
 * problem is reported as `app.yaml:14:9 objects.User.mappings[5].expression: ...`. A path that does
 * not exist (a required key left out) points at the deepest part of it that does.
 */
import type { Document, LineCounter, Node } from 'yaml';
import { isMap, isNode, isPair, isScalar, isSeq } from 'yaml';

export type PathSegment = string | number;

/** A 1-based line and column. */
export interface TextPosition {
  readonly line: number;
  readonly col: number;
}

/** `objects.User.mappings[5].expression` as segments; the inverse of formatPath. */
export function parsePath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  for (const part of path.split('.')) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!match) {
      segments.push(part);
      continue;
    }
    if (match[1] !== '') segments.push(match[1]!);
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) segments.push(Number(index[1]));
  }
  return segments;
}

/** Segments as the path issues name: keys joined by dots, list indices in brackets. */
export function formatPath(segments: readonly PathSegment[]): string {
  let text = '';
  for (const segment of segments) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? segment : `.${segment}`;
  }
  return text;
}

/**
 * The position of the node at `path`: of the key itself when `atKey` (an unknown key), else of the
 * value; the nearest existing ancestor when the path goes further than the document.
 */
export function locate(
  document: Document,
  lineCounter: LineCounter,
  path: readonly PathSegment[],
  atKey = false,
): TextPosition | undefined {
  let node: unknown = document.contents;
  let found: Node | undefined = isNode(node) ? node : undefined;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    let next: unknown;
    let key: unknown;
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
      );
      key = pair?.key;
      next = pair?.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
    }
    if (atKey && i === path.length - 1 && isNode(key)) {
      found = key;
      break;
    }
    if (!isNode(next)) {
      // A key with no value (`mappings:`) still has a position: its key's.
      if (isNode(key)) found = key;
      break;
    }
    found = next;
    node = next;
  }
  const offset = found?.range?.[0];
  if (offset === undefined) return undefined;
  const position = lineCounter.linePos(offset);
  return { line: position.line, col: position.col };
}
