/**
 * A JSON API of the common shape, over real HTTP on 127.0.0.1, for the REST connector's tests and
 * benchmark: `GET /users?<attr>=<value>`, `POST /users`, `GET|PATCH|PUT|DELETE /users/{id}`, the
 * same under `/groups`, and the member endpoints: `POST /groups/{id}/members` with `{ userId }`,
 * `{ userIds: [...] }` or `{ members: [{ value }] }`, `DELETE /groups/{id}/members/{userId}`, and
 * `DELETE /groups/{id}/members?userIds=a,b` for a batch. PATCH is a merge patch (a group's
 * `members` array is replaced whole, the array style of membership). Lists page in one of five styles (chosen per server), and faults can be
 * queued: a status (429 with Retry-After, 500, 503), or a hang.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ApiStore,
  mergePatch,
  valueAt,
  type ApiObject,
  type Collection,
  type Json,
} from './rest-api-store.js';

export type ListStyle = 'page' | 'offset' | 'cursor' | 'nextLink' | 'linkHeader';

export interface Fault {
  method?: string;
  /** Matched against the path (without the query). */
  path?: RegExp;
  /** Answer this status instead of handling the request. */
  status?: number;
  retryAfter?: string;
  /** Hold the request this long before handling it (longer than the client's timeout: a hang). */
  hangMs?: number;
  /** How many matching requests the fault takes. */
  times: number;
}

export interface RestApiOptions {
  token?: string;
  listStyle?: ListStyle;
  /** Accepts a request's credentials; default: `Authorization: Bearer <token>`. */
  authorize?: (headers: IncomingHttpHeaders, token: string) => boolean;
  /** Serve `GET /_stats` without credentials (the benchmark's child process). */
  statsRoute?: boolean;
  /**
   * Paging that never ends: every page answers the first objects again and says there is more
   * (the page, offset and cursor asked are ignored), as a broken API does.
   */
  brokenPaging?: boolean;
  /**
   * Refuse with 409 a member add naming a member the group already has (the whole request,
   * batch included, changes nothing), as some APIs do; by default an add of a present member is
   * accepted and changes nothing.
   */
  conflictOnPresentMember?: boolean;
}

export interface RestApi {
  url: string;
  token: string;
  store: ApiStore;
  faults: Fault[];
  /** Requests by method (`GET`, `POST`, ...) and by `METHOD /collection` since the start or the last reset. */
  requests: Map<string, number>;
  /** Each request's method and path with query, in order (kept only while `log` is an array). */
  log: string[] | undefined;
  /** Each request's headers, in order (kept only while `headerLog` is an array). */
  headerLog: IncomingHttpHeaders[] | undefined;
  close(): Promise<void>;
}

const PAGE_PARAMS: Record<ListStyle, string[]> = {
  page: ['_page', '_limit'],
  offset: ['offset', 'limit'],
  cursor: ['cursor', 'limit'],
  nextLink: ['after', 'limit'],
  linkHeader: ['_page', '_limit'],
};

function send(response: ServerResponse, status: number, body?: Json, headers: Record<string, string> = {}) {
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, {
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<Json | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  return JSON.parse(text) as Json;
}

const isObject = (value: Json | undefined): value is { [key: string]: Json } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export async function startRestApi(options: RestApiOptions = {}): Promise<RestApi> {
  const token = options.token ?? 'rest-token';
  const style = options.listStyle ?? 'page';
  const store = new ApiStore();
  const faults: Fault[] = [];
  const requests = new Map<string, number>();
  const api: RestApi = {
    url: '',
    token,
    store,
    faults,
    requests,
    log: undefined,
    headerLog: undefined,
    close: async () => {},
  };
  // With brokenPaging, the position a request asks for is read as the start.
  const position = (text: string | null, fallback: number) =>
    options.brokenPaging || text === null ? fallback : Number(text);
  const count = (key: string) => requests.set(key, (requests.get(key) ?? 0) + 1);

  const list = (url: URL, collection: Collection, response: ServerResponse) => {
    const paging = PAGE_PARAMS[style];
    const filters = [...url.searchParams].filter(([name]) => !paging.includes(name));
    let items: ApiObject[];
    const key =
      filters.length === 1 && filters[0]![0] === (collection === 'users' ? 'userName' : 'displayName');
    if (key) {
      const found = store.byKey(collection, filters[0]![1]);
      items = found === undefined ? [] : [found];
    } else {
      items = [...store.objects[collection].values()].filter((object) =>
        filters.every(([name, value]) => String(valueAt(object, name)) === value),
      );
    }
    const limitText = url.searchParams.get(paging[1]!);
    const limit = limitText === null ? undefined : Number(limitText);
    const total = items.length;
    const with_ = (extra: Record<string, string | number>) => {
      const next = new URL(url);
      for (const [name, value] of Object.entries(extra)) next.searchParams.set(name, String(value));
      return `${api.url}${next.pathname}${next.search}`;
    };
    if (style === 'page' || style === 'linkHeader') {
      const page = position(url.searchParams.get('_page'), 1);
      const slice = limit === undefined ? items : items.slice((page - 1) * limit, page * limit);
      const headers: Record<string, string> = { 'x-total-count': String(total) };
      if (style === 'linkHeader' && limit !== undefined && (options.brokenPaging || page * limit < total)) {
        headers.link = `<${with_({ _page: 1 })}>; rel="first", <${with_({ _page: page + 1 })}>; rel="next"`;
      }
      return send(response, 200, slice, headers);
    }
    if (style === 'offset') {
      const offset = position(url.searchParams.get('offset'), 0);
      const slice = limit === undefined ? items.slice(offset) : items.slice(offset, offset + limit);
      return send(response, 200, { data: slice, total: options.brokenPaging ? total + 1 : total });
    }
    const startParam = url.searchParams.get(style === 'cursor' ? 'cursor' : 'after');
    const start =
      startParam === null || options.brokenPaging
        ? 0
        : Number(Buffer.from(startParam, 'base64url').toString());
    const slice = limit === undefined ? items.slice(start) : items.slice(start, start + limit);
    const more = options.brokenPaging || start + slice.length < total;
    const nextToken = Buffer.from(String(start + slice.length)).toString('base64url');
    if (style === 'cursor')
      return send(response, 200, { items: slice, next_cursor: more ? nextToken : null });
    return send(response, 200, { items: slice, links: { next: more ? with_({ after: nextToken }) : null } });
  };

  /** A group's members array as written: every item an id of a user the API holds. */
  const badMembers = (collection: Collection, body: { [key: string]: Json }): string | undefined => {
    if (collection !== 'groups' || body.members === undefined || body.members === null) return undefined;
    if (!Array.isArray(body.members)) return 'members must be an array of user ids';
    const unknown = body.members.find((id) => typeof id !== 'string' || !store.objects.users.has(id));
    return unknown === undefined ? undefined : `members: no user ${JSON.stringify(unknown)}`;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = request.method ?? 'GET';
    if (options.statsRoute && url.pathname === '/_stats') {
      const stats = {
        users: store.objects.users.size,
        groups: store.objects.groups.size,
        members: [...store.objects.groups.values()].reduce((n, g) => n + (g.members as string[]).length, 0),
        byMethod: Object.fromEntries([...requests].filter(([k]) => !k.includes(' '))),
      };
      requests.clear();
      return send(response, 200, stats);
    }
    count(method);
    api.log?.push(`${method} ${url.pathname}${url.search}`);
    api.headerLog?.push(request.headers);
    const fault = faults.find(
      (f) =>
        f.times > 0 &&
        (f.method === undefined || f.method === method) &&
        (f.path === undefined || f.path.test(url.pathname)),
    );
    if (fault !== undefined) {
      fault.times--;
      if (fault.hangMs !== undefined) await new Promise((resolve) => setTimeout(resolve, fault.hangMs));
      if (fault.status !== undefined) {
        return send(
          response,
          fault.status,
          { message: `injected ${fault.status}` },
          fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter },
        );
      }
    }
    const authorized = options.authorize
      ? options.authorize(request.headers, token)
      : request.headers.authorization === `Bearer ${token}`;
    if (!authorized) {
      return send(response, 401, { message: 'invalid or missing token' });
    }
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const collection = parts[0] as Collection;
    if (collection !== 'users' && collection !== 'groups')
      return send(response, 404, { message: `no route ${url.pathname}` });
    count(`${method} /${collection}`);
    const objects = store.objects[collection];
    let body: Json | undefined;
    try {
      body = await readBody(request);
    } catch {
      return send(response, 400, { message: 'the body is not JSON' });
    }
    if (parts.length === 1) {
      if (method === 'GET') return list(url, collection, response);
      if (method === 'POST') {
        if (!isObject(body)) return send(response, 400, { message: 'expected a JSON object' });
        const key = collection === 'users' ? 'userName' : 'displayName';
        if (typeof body[key] !== 'string') return send(response, 400, { message: `${key} is required` });
        const members = badMembers(collection, body);
        if (members !== undefined) return send(response, 400, { message: members });
        const { id: _ignored, ...rest } = body;
        const added = store.add(collection, rest);
        if (added === 'duplicate')
          return send(response, 409, { message: `${key} ${String(body[key])} is already taken` });
        return send(response, 201, added, { location: `/${collection}/${added.id}` });
      }
      return send(response, 405, { message: 'method not allowed' });
    }
    const object = objects.get(parts[1]!);
    if (object === undefined)
      return send(response, 404, { message: `no ${collection.slice(0, -1)} ${parts[1]}` });
    if (parts.length === 2) {
      if (method === 'GET') return send(response, 200, object);
      if (method === 'DELETE') {
        store.remove(collection, object.id);
        return send(response, 204);
      }
      if (method === 'PATCH' || method === 'PUT') {
        if (!isObject(body)) return send(response, 400, { message: 'expected a JSON object' });
        const members = badMembers(collection, body);
        if (members !== undefined) return send(response, 400, { message: members });
        const { id: _ignored, ...rest } = body;
        const next =
          method === 'PATCH'
            ? (mergePatch(object, rest) as ApiObject)
            : ({ ...rest, id: object.id } as ApiObject);
        next.id = object.id;
        if (collection === 'groups')
          next.members = (next.members as string[] | undefined) ?? (object.members as string[]);
        const put = store.put(collection, next);
        if (put === 'duplicate') return send(response, 409, { message: 'the new name is already taken' });
        return send(response, 200, put);
      }
      return send(response, 405, { message: 'method not allowed' });
    }
    if (collection === 'groups' && parts[2] === 'members') {
      const members = object.members as string[];
      if (parts.length === 3 && method === 'POST') {
        const ids = !isObject(body)
          ? []
          : Array.isArray(body.userIds)
            ? body.userIds
            : Array.isArray(body.members)
              ? body.members.map((item) => (isObject(item) ? item.value : undefined))
              : [body.userId];
        if (ids.length === 0) return send(response, 400, { message: 'no member in the body' });
        for (const id of ids) {
          if (typeof id !== 'string' || !store.objects.users.has(id))
            return send(response, 404, { message: `no user ${String(id)}` });
        }
        if (options.conflictOnPresentMember && ids.some((id) => members.includes(id as string)))
          return send(response, 409, { message: 'a member named is already in the group' });
        for (const id of ids as string[]) if (!members.includes(id)) members.push(id);
        return send(response, 204);
      }
      if (parts.length === 3 && method === 'DELETE') {
        const ids = (url.searchParams.get('userIds') ?? '').split(',').filter(Boolean);
        if (ids.length === 0) return send(response, 400, { message: 'userIds is required' });
        if (ids.some((id) => !members.includes(id)))
          return send(response, 404, { message: 'a user named in userIds is not a member' });
        object.members = members.filter((m) => !ids.includes(m));
        return send(response, 204);
      }
      if (parts.length === 4 && method === 'DELETE') {
        if (!members.includes(parts[3]!))
          return send(response, 404, { message: `user ${parts[3]} is not a member` });
        object.members = members.filter((m) => m !== parts[3]);
        return send(response, 204);
      }
    }
    return send(response, 404, { message: `no route ${method} ${url.pathname}` });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, { message: String(error) });
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  api.url = `http://127.0.0.1:${port}`;
  api.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return api;
}
