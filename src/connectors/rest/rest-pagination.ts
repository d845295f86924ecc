/**
 * Pages of a list or a find answer, in the API's paging style: page + size, offset + limit, a
 * cursor in the body, a next link in the body, or the RFC 8288 `Link` header. For list, the
 * engine's cursor is the next page number, offset, cursor or URL as text, one page per call; find
 * follows the pages itself, to the last one. A page that points at itself, a cursor or link seen
 * before, or a page holding only objects already read ends nothing, so it is refused rather than
 * looped on.
 */
import type { JsonValue } from '../../shared/json.js';
import { ConnectorError, type ListPage, type ListRequest, type TargetObject } from '../spi/index.js';
import { invalidAnswer } from '../http/index.js';
import { getAtPath, parseJsonPath, printJsonPath, type JsonPath } from './json-path.js';
import { linkWithRel } from './link-header.js';
import type { RestAnswer } from './rest-client.js';
import type { RestContext, RestTypeContext } from './rest-context.js';
import type { ExtraQuery, RestOperation } from './rest-operation.js';
import type { PaginationSettings } from './rest-settings.js';
import type { TemplateValues } from './template-values.js';

/** The objects at the operation's items path, each with an id. */
export function itemsOf(
  context: RestContext,
  type: RestTypeContext,
  operation: RestOperation,
  answer: RestAnswer,
  what: string,
): TargetObject[] {
  const items = getAtPath(answer.json, operation.itemsPath);
  if (!Array.isArray(items)) {
    throw invalidAnswer(
      what,
      `the answer has no array of objects at '${printJsonPath(operation.itemsPath)}'`,
      answer.text,
      context.client.redactor,
    );
  }
  return items.map((item, index) => {
    const id =
      typeof item === 'object' && item !== null && !Array.isArray(item) ? type.model.idOf(item) : undefined;
    if (id === undefined)
      throw invalidAnswer(
        what,
        `item ${index} of the answer is not an object with an id`,
        answer.text,
        context.client.redactor,
      );
    return type.model.toTargetObject(item as Record<string, JsonValue>, id);
  });
}

function numberCursor(cursor: string | undefined, first: number, what: string): number {
  if (cursor === undefined) return first;
  if (!/^\d{1,15}$/u.test(cursor))
    throw new ConnectorError(
      'schema_violation',
      `${what}: '${cursor.slice(0, 40)}' is not a cursor this connector answered`,
    );
  return Number(cursor);
}

/** JSON paths of paging settings, parsed once per settings object rather than per page. */
const parsedPaths = new WeakMap<object, Map<string, JsonPath>>();
function pathOf(paging: PaginationSettings, text: string): JsonPath {
  let paths = parsedPaths.get(paging);
  if (paths === undefined) parsedPaths.set(paging, (paths = new Map()));
  let path = paths.get(text);
  if (path === undefined) paths.set(text, (path = parseJsonPath(text)));
  return path;
}

function total(answer: RestAnswer, paging: PaginationSettings, path: string | undefined): number | undefined {
  if (path === undefined) return undefined;
  const value = getAtPath(answer.json, pathOf(paging, path));
  return typeof value === 'number'
    ? value
    : typeof value === 'string' && /^\d+$/u.test(value)
      ? Number(value)
      : undefined;
}

function textAt(json: JsonValue | undefined, paging: PaginationSettings, path: string): string | undefined {
  const value = getAtPath(json, pathOf(paging, path));
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** One page read with an operation: its objects, and the cursor of the next page if there is one. */
export interface Page {
  objects: TargetObject[];
  next?: string;
}

/** Reads the page at `cursor` (undefined: the first) of `operation`'s answer for `values`. */
export async function fetchPage(
  context: RestContext,
  type: RestTypeContext,
  operation: RestOperation,
  paging: PaginationSettings,
  values: TemplateValues,
  cursor: string | undefined,
  size: number,
  signal: AbortSignal,
): Promise<Page> {
  // Errors name the operation's path, also when the request goes to a next link's whole URL.
  let what = '';
  const fetch = (target: string | undefined, extraQuery: ExtraQuery) => {
    let built;
    if (target === undefined) {
      built = operation.request(values, signal, undefined, extraQuery);
      what = built.what!;
    } else {
      what = operation.whatFor(values);
      built = { ...operation.requestTo(target, values, signal), what };
    }
    return context.client.send(built);
  };
  let answer: RestAnswer;
  let next: string | undefined;
  let objects: TargetObject[] | undefined;
  switch (paging.style) {
    case 'none': {
      answer = await fetch(undefined, []);
      break;
    }
    case 'page': {
      const page = numberCursor(cursor, paging.firstPage, operation.label);
      answer = await fetch(undefined, [
        [paging.pageParam, page],
        [paging.sizeParam, size],
      ]);
      objects = itemsOf(context, type, operation, answer, what);
      const all = total(answer, paging, paging.totalPath);
      const done =
        objects.length < size || (all !== undefined && (page - paging.firstPage + 1) * size >= all);
      next = done ? undefined : String(page + 1);
      break;
    }
    case 'offset': {
      const offset = numberCursor(cursor, 0, operation.label);
      answer = await fetch(undefined, [
        [paging.offsetParam, offset],
        [paging.sizeParam, size],
      ]);
      objects = itemsOf(context, type, operation, answer, what);
      const all = total(answer, paging, paging.totalPath);
      const done = objects.length < size || (all !== undefined && offset + objects.length >= all);
      next = done ? undefined : String(offset + objects.length);
      break;
    }
    case 'cursor': {
      answer = await fetch(undefined, [
        [paging.cursorParam, cursor],
        [paging.sizeParam, size],
      ]);
      next = textAt(answer.json, paging, paging.nextCursorPath);
      break;
    }
    case 'nextLink': {
      answer = await fetch(cursor, [[paging.sizeParam, size]]);
      const link = textAt(answer.json, paging, paging.nextLinkPath);
      next = link === undefined ? undefined : context.client.url(link, what).toString();
      break;
    }
    case 'linkHeader': {
      answer = await fetch(cursor, [[paging.sizeParam, size]]);
      const link = linkWithRel(answer.headers.link, 'next');
      next =
        link === undefined
          ? undefined
          : context.client.url(new URL(link, answer.url).toString(), what).toString();
      break;
    }
  }
  objects ??= itemsOf(context, type, operation, answer, what);
  if (next !== undefined && next === cursor) {
    throw new ConnectorError('invalid_response', `${what}: the API answered this same page as the next one`);
  }
  return next === undefined ? { objects } : { objects, next };
}

export async function listPage(
  context: RestContext,
  type: RestTypeContext,
  request: ListRequest,
  signal: AbortSignal,
): Promise<ListPage> {
  const size = Math.max(1, Math.min(request.pageSize, context.settings.maxPageSize));
  const values: TemplateValues = { context: {}, attributes: {} };
  const page = await fetchPage(
    context,
    type,
    type.list!,
    type.pagination,
    values,
    request.cursor,
    size,
    signal,
  );
  return page.next === undefined
    ? { objects: page.objects }
    : { objects: page.objects, nextCursor: page.next };
}

/**
 * Every page of a find answer, followed to the last one. The pages are the API's to end, so a
 * broken one is caught here: a cursor or link answered twice, or a page with nothing new (an API
 * that ignores the page parameter answers the first page forever), is `invalid_response`.
 */
export async function findPages(
  context: RestContext,
  type: RestTypeContext,
  values: TemplateValues,
  signal: AbortSignal,
): Promise<TargetObject[]> {
  const operation = type.find!;
  const objects: TargetObject[] = [];
  const ids = new Set<string>();
  const cursors = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    const page = await fetchPage(
      context,
      type,
      operation,
      type.findPagination,
      values,
      cursor,
      context.settings.maxPageSize,
      signal,
    );
    let fresh = 0;
    for (const object of page.objects) {
      if (ids.has(object.id)) continue;
      ids.add(object.id);
      objects.push(object);
      fresh++;
    }
    if (page.next === undefined) return objects;
    const what = `${operation.label}`;
    if (cursors.has(page.next))
      throw new ConnectorError(
        'invalid_response',
        `${what}: the API answered a next page that was read before; its pages would never end`,
      );
    if (fresh === 0)
      throw new ConnectorError(
        'invalid_response',
        `${what}: the API answered a page with no object it had not answered already; its pages would never end`,
      );
    cursors.add(page.next);
    cursor = page.next;
  }
}
