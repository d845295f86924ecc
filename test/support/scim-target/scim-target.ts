/**
 * A small SCIM 2.0 application for tests, over node:http on 127.0.0.1 and a free port: users,
 * groups and memberships, `eq` (and every other) filter through the SCIM core's parser, PATCH,
 * PUT, DELETE and paging. It keeps what it received and a log of every request, injects faults at
 * given rates (`faults`), and switches deviations from the RFC on and off (`profile`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { evaluateFilter, parseFilter } from '../../../src/scim/filter/index.js';
import type { Filter } from '../../../src/scim/filter/filter-ast.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../../../src/shared/json.js';
import { invalidFilter, invalidSyntax, notFound, TargetError } from './target-errors.js';
import { TargetFaults } from './target-faults.js';
import { applyTargetPatch } from './target-patch.js';
import { DEFAULT_TARGET_PROFILE, type TargetProfile } from './target-profile.js';
import { TargetStore, type TargetKind } from './target-store.js';

/** One request as the target received it. */
export interface LoggedRequest {
  method: string;
  /** The path after the base path, e.g. `/Users/u000001`. */
  path: string;
  query: Record<string, string>;
  body: unknown;
  authorization: string | undefined;
  status: number;
}

export interface ScimTargetOptions {
  /** Accepted bearer tokens; default one, `target-token`. */
  tokens?: string[];
  /** Accepted basic credentials. */
  basic?: { username: string; password: string };
  profile?: Partial<TargetProfile>;
  basePath?: string;
  seed?: number;
  /** Serve HTTPS with this key and certificate; with `ca` and `requestCert`, require a client certificate. */
  tls?: { key: string; cert: string; ca?: string; requestCert?: boolean };
}

export class ScimTarget {
  readonly tokens: Set<string>;
  readonly faults: TargetFaults;
  readonly log: LoggedRequest[] = [];
  profile: TargetProfile;
  readonly store: TargetStore;
  readonly basePath: string;
  #server: Server;
  #sockets = new Set<Socket>();
  /** TCP connections accepted so far. */
  connectionsOpened = 0;
  /** Requests being handled now, and the most at once so far. */
  inFlight = 0;
  maxInFlight = 0;
  #url = '';

  constructor(private readonly options: ScimTargetOptions = {}) {
    this.tokens = new Set(options.tokens ?? ['target-token']);
    this.faults = new TargetFaults(options.seed ?? 1);
    this.profile = { ...DEFAULT_TARGET_PROFILE, ...options.profile };
    this.store = new TargetStore(() => this.profile);
    this.basePath = options.basePath ?? '/scim/v2';
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.#handle(req, res);
    const tls = options.tls;
    this.#server =
      tls === undefined
        ? createServer(handler)
        : createTlsServer(
            {
              key: tls.key,
              cert: tls.cert,
              ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
              requestCert: tls.requestCert ?? false,
              rejectUnauthorized: tls.requestCert ?? false,
            },
            handler,
          );
    this.#server.on(this.options.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
      this.#sockets.add(socket);
      this.connectionsOpened++;
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  /** Starts listening; answers the base URL (`http://127.0.0.1:<port>/scim/v2`). */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    const { port } = this.#server.address() as AddressInfo;
    this.#url = `${this.options.tls ? 'https' : 'http'}://127.0.0.1:${port}${this.basePath}`;
    return this.#url;
  }

  get url(): string {
    return this.#url;
  }

  /** Open TCP connections now (the connector's keep-alive pool). */
  get connections(): number {
    return this.#sockets.size;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** The held resources of a kind. */
  resources(kind: TargetKind): JsonObject[] {
    return [...this.store.resources[kind].values()];
  }

  /** Logged requests with this method (and path prefix). */
  requests(method?: string, pathPrefix?: string): LoggedRequest[] {
    return this.log.filter(
      (r) =>
        (method === undefined || r.method === method) &&
        (pathPrefix === undefined || r.path.startsWith(pathPrefix)),
    );
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://target');
    const path = url.pathname.startsWith(this.basePath)
      ? url.pathname.slice(this.basePath.length)
      : url.pathname;
    const method = req.method ?? 'GET';
    const text = await readBody(req);
    const entry: LoggedRequest = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      body: parseJson(text),
      authorization: req.headers.authorization,
      status: 0,
    };
    this.log.push(entry);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    let counted = true;
    const done = () => {
      if (counted) this.inFlight--;
      counted = false;
    };
    res.on('close', done);
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      entry.status = status;
      done();
      const payload = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, {
        ...(payload !== '' ? { 'content-type': 'application/scim+json' } : {}),
        ...headers,
      });
      res.end(payload);
    };
    const { latencyMs, fault } = this.faults.draw(method, path);
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    switch (fault?.kind) {
      case 'timeout':
        entry.status = -1;
        return; // never answered; the socket closes when the client gives up or the target stops
      case 'reset':
        entry.status = -2;
        req.socket.resetAndDestroy();
        return;
      case 'throttle':
        return send(
          429,
          new TargetError(429, undefined, 'slow down').body(),
          retryAfter(fault.retryAfterSeconds),
        );
      case 'error500':
        return send(500, new TargetError(500, undefined, 'internal error').body());
      case 'error503':
        return send(
          503,
          new TargetError(503, undefined, 'unavailable').body(),
          retryAfter(fault.retryAfterSeconds),
        );
      case 'respond':
        entry.status = fault.status ?? 200;
        res.writeHead(entry.status, { 'content-type': fault.contentType ?? 'application/scim+json' });
        res.end(fault.body ?? '');
        return;
      default:
        break;
    }
    if (!this.#authorized(req.headers.authorization)) {
      return send(401, new TargetError(401, undefined, 'unauthorized').body());
    }
    try {
      const [status, body, headers] = this.#route(method, path, url.searchParams, entry.body, text);
      if (fault?.kind === 'lostAnswer')
        return send(500, new TargetError(500, undefined, 'lost answer').body());
      send(status, body, headers);
    } catch (error) {
      if (error instanceof TargetError) return send(error.status, error.body());
      send(500, new TargetError(500, undefined, String(error)).body());
    }
  }

  #authorized(header: string | undefined): boolean {
    if (header === undefined) return false;
    if (header.startsWith('Bearer ')) return this.tokens.has(header.slice(7));
    const basic = this.options.basic;
    if (header.startsWith('Basic ') && basic !== undefined) {
      return Buffer.from(header.slice(6), 'base64').toString() === `${basic.username}:${basic.password}`;
    }
    return false;
  }

  #route(
    method: string,
    path: string,
    query: URLSearchParams,
    body: unknown,
    text: string,
  ): [number, unknown?, Record<string, string>?] {
    const { usersPath, groupsPath } = this.profile;
    const kind: TargetKind | undefined = path.startsWith(usersPath)
      ? 'User'
      : path.startsWith(groupsPath)
        ? 'Group'
        : undefined;
    if (kind === undefined) throw notFound(`no endpoint ${path}`);
    const rest = path.slice((kind === 'User' ? usersPath : groupsPath).length);
    const id = rest.startsWith('/') ? decodeURIComponent(rest.slice(1)) : undefined;
    if (rest !== '' && id === undefined) throw notFound(`no endpoint ${path}`);
    if (query.has('excludedAttributes') && this.profile.noExcludedAttributes) {
      throw invalidSyntax('excludedAttributes is not supported');
    }
    const excludeMembers = (query.get('excludedAttributes') ?? '')
      .toLowerCase()
      .split(',')
      .includes('members');
    const shape = (resource: JsonObject) => {
      if (!excludeMembers) return resource;
      const { members: _members, ...rest } = resource;
      return rest;
    };
    if (text !== '' && body === undefined) throw invalidSyntax('the body is not JSON');
    if (id === undefined) {
      if (method === 'GET') return [200, this.#list(kind, query, shape)];
      if (method === 'POST') {
        if (!isJsonObject(body)) throw invalidSyntax('a resource must be a JSON object');
        const created = this.store.create(kind, body);
        return [201, created, { location: `${this.#url}${path}/${created.id as string}` }];
      }
      return [405, new TargetError(405, undefined, 'method not allowed').body()];
    }
    switch (method) {
      case 'GET':
        return [200, shape(this.store.get(kind, id))];
      case 'PUT':
        if (!isJsonObject(body)) throw invalidSyntax('a resource must be a JSON object');
        return [200, this.store.replace(kind, id, body)];
      case 'PATCH': {
        if (this.profile.noPatch)
          return [405, new TargetError(405, undefined, 'PATCH is not supported').body()];
        const patched = applyTargetPatch(this.store.get(kind, id), body, this.profile);
        const stored = this.store.replace(kind, id, patched);
        if (kind === 'Group') return this.profile.groupPatchReturnsMembers ? [200, stored] : [204];
        return [200, stored];
      }
      case 'DELETE':
        this.store.delete(kind, id);
        return [204];
      default:
        return [405, new TargetError(405, undefined, 'method not allowed').body()];
    }
  }

  #byNameCandidates(kind: TargetKind, filter: Filter): JsonObject[] | undefined {
    if (filter.kind !== 'compare' || filter.op !== 'eq' || typeof filter.value !== 'string') return undefined;
    const { path } = filter;
    const core = path.uri === undefined || path.uri.startsWith('urn:ietf:params:scim:schemas:core:2.0:');
    if (!core || path.subAttr !== undefined || path.name.toLowerCase() !== uniqueNameOf(kind))
      return undefined;
    return this.store.byName(kind, filter.value);
  }

  #list(kind: TargetKind, query: URLSearchParams, shape: (r: JsonObject) => JsonObject) {
    let resources: JsonObject[] | undefined;
    const filterText = query.get('filter');
    if (filterText !== null) {
      let filter: Filter;
      try {
        filter = parseFilter(filterText, { allowValuePathSubAttribute: this.profile.entraForms });
      } catch (error) {
        throw invalidFilter((error as Error).message);
      }
      const allowed = this.profile.filterAttributes;
      if (allowed !== undefined) {
        for (const name of filterNames(filter)) {
          if (!allowed.includes(name.toLowerCase()))
            throw invalidFilter(`filtering on ${name} is not supported`);
        }
      }
      // An `eq` on the unique name (a matching lookup) reads the index instead of scanning every
      // resource, which made cycles of many creates quadratic; the filter still decides.
      const candidates = this.#byNameCandidates(kind, filter) ?? this.resources(kind);
      resources = candidates.filter((resource) => evaluateFilter(filter, resource));
    }
    resources ??= this.resources(kind);
    const startIndex = Math.max(1, Number(query.get('startIndex') ?? '1') || 1);
    const count = Math.min(
      this.profile.maxResults,
      Math.max(0, Number(query.get('count') ?? this.profile.maxResults)),
    );
    const page = resources.slice(startIndex - 1, startIndex - 1 + count).map(shape);
    return {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: resources.length,
      startIndex,
      itemsPerPage: page.length,
      Resources: page,
    };
  }
}

function uniqueNameOf(kind: TargetKind): string {
  return kind === 'User' ? 'username' : 'displayname';
}

function filterNames(filter: Filter): string[] {
  switch (filter.kind) {
    case 'compare':
    case 'present':
      return [filter.path.uri === undefined ? filter.path.name : `${filter.path.uri}:${filter.path.name}`];
    case 'valuePath':
      return [filter.path.name];
    case 'not':
      return filterNames(filter.filter);
    default:
      return [...filterNames(filter.left), ...filterNames(filter.right)];
  }
}

function retryAfter(seconds: number | undefined): Record<string, string> {
  return seconds === undefined ? {} : { 'retry-after': String(seconds) };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}

function parseJson(text: string): JsonValue | undefined {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

/** Starts a target; the caller closes it. */
export async function startScimTarget(options: ScimTargetOptions = {}): Promise<ScimTarget> {
  const target = new ScimTarget(options);
  await target.start();
  return target;
}
