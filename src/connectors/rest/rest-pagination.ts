/**
 * One page of a list, in the API's paging style: page + size, offset + limit, a cursor in the
 * body, a next link in the body, or the RFC 8288 `Link` header. The engine's cursor is the next
 * page number, offset, cursor or URL as text. A page that points at itself ends nothing, so it is
 * refused rather than looped on.
 */
import type { JsonValue } from '../../shared/json.js';
import { ConnectorError, type ListPage, type ListRequest, type TargetObject } from '../spi/index.js';
import { invalidAnswer } from '../http/index.js';
import { getAtPath, parseJsonPath } from './json-path.js';
import { linkWithRel } from './link-header.js';
import type { RestAnswer } from './rest-client.js';
import type { RestContext, RestTypeContext } from './rest-context.js';
import type { RestOperation } from './rest-operation.js';
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
      `the answer has no array of objects at '${operation.itemsPath.length === 0 ? '$' : operation.itemsPath.join('.')}'`,
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

function numberCursor(cursor: string | undefined, first: number): number {
  if (cursor === undefined) return first;
  if (!/^\d{1,15}$/u.test(cursor))
    throw new ConnectorError(
      'schema_violation',
      `list: '${cursor.slice(0, 40)}' is not a cursor this connector answered`,
    );
  return Number(cursor);
}

function total(answer: RestAnswer, path: string | undefined): number | undefined {
  if (path === undefined) return undefined;
  const value = getAtPath(answer.json, parseJsonPath(path));
  return typeof value === 'number'
    ? value
    : typeof value === 'string' && /^\d+$/u.test(value)
      ? Number(value)
      : undefined;
}

export async function listPage(
  context: RestContext,
  type: RestTypeContext,
  request: ListRequest,
  signal: AbortSignal,
): Promise<ListPage> {
  const operation = type.list!;
  const paging = type.pagination;
  const size = Math.max(1, Math.min(request.pageSize, context.settings.maxPageSize));
  const values: TemplateValues = { context: {}, attributes: {} };
  const what = `${operation.method} ${operation.target(values).split('?')[0]}`;
  const fetch = async (target: string) =>
    context.client.send({ method: operation.method, target, signal }, what);
  const cursor = request.cursor;
  let answer: RestAnswer;
  let next: string | undefined;
  let objects: TargetObject[] | undefined;
  switch (paging.style) {
    case 'none': {
      answer = await fetch(operation.target(values));
      break;
    }
    case 'page': {
      const page = numberCursor(cursor, paging.firstPage);
      answer = await fetch(
        operation.target(values, [
          [paging.pageParam, page],
          [paging.sizeParam, size],
        ]),
      );
      objects = itemsOf(context, type, operation, answer, what);
      const count = objects.length;
      const all = total(answer, paging.totalPath);
      const done = count < size || (all !== undefined && (page - paging.firstPage + 1) * size >= all);
      next = done ? undefined : String(page + 1);
      break;
    }
    case 'offset': {
      const offset = numberCursor(cursor, 0);
      answer = await fetch(
        operation.target(values, [
          [paging.offsetParam, offset],
          [paging.sizeParam, size],
        ]),
      );
      objects = itemsOf(context, type, operation, answer, what);
      const count = objects.length;
      const all = total(answer, paging.totalPath);
      const done = count < size || (all !== undefined && offset + count >= all);
      next = done ? undefined : String(offset + count);
      break;
    }
    case 'cursor': {
      answer = await fetch(
        operation.target(values, [
          [paging.cursorParam, cursor],
          [paging.sizeParam, size],
        ]),
      );
      next = textAt(answer.json, paging.nextCursorPath);
      break;
    }
    case 'nextLink': {
      answer = await fetch(cursor ?? operation.target(values, [[paging.sizeParam, size]]));
      const link = textAt(answer.json, paging.nextLinkPath);
      next = link === undefined ? undefined : context.client.url(link, what).toString();
      break;
    }
    case 'linkHeader': {
      answer = await fetch(cursor ?? operation.target(values, [[paging.sizeParam, size]]));
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
  return next === undefined ? { objects } : { objects, nextCursor: next };
}

function textAt(json: JsonValue | undefined, path: string): string | undefined {
  const value = getAtPath(json, parseJsonPath(path));
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value !== '' ? value : undefined;
}
