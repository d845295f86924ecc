/**
 * Baseline B: a SCIM server built the way scimmy and scimmy-routers document it. Users and Groups
 * are declared with in-memory ingress / egress / degress handlers; filters go through scimmy's own
 * `resource.filter.match(...)`, sorting and paging through the ListResponse that scimmy's
 * `read()` builds; PATCH is scimmy's (egress, apply the PatchOp, ingress). Seeded with the same
 * users as the other servers.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';
import { runServerChild, seedCountFromEnv } from './server-protocol.js';
import { seedUserBodies } from './seed-users.js';
import type { SeededUser } from './seed-users.js';

type Stored = Record<string, unknown> & { id: string; meta: { created: string; lastModified: string } };

/** The few express calls used here; express ships no types of its own. */
interface ExpressApp {
  use(path: string, handler: unknown): void;
  listen(port: number, host: string, callback: () => void): Server;
}
type ExpressFactory = () => ExpressApp;

interface ScimmyFilter {
  match(values: unknown[]): unknown[];
}

interface ListConstraints {
  sortBy?: string;
  startIndex?: number;
  count?: number;
}

/** scimmy's 404: its typings demand a scimType string, its runtime and RFC 7644 §3.12 allow none. */
function notFound(message: string): Error {
  return new SCIMMY.Types.Error(404, null as unknown as string, message);
}

/** One resource type's records plus the unique key scimmy's docs say the ingress handler must enforce. */
class MemoryCollection {
  readonly byId = new Map<string, Stored>();
  private readonly byKey = new Map<string, string>();

  constructor(
    private readonly typeName: string,
    private readonly uniqueKey: string,
  ) {}

  /**
   * Egress: one resource by id, or the matches of the request's filter through scimmy's own
   * `filter.match`. Without sortBy the matches up to the end of the requested page are handed
   * back, the array's length set to the total as scimmy's ListResponse documents for pre-paged
   * results, so scimmy formats that page rather than every user; with sortBy every match goes back
   * and scimmy sorts and pages.
   */
  read(
    id: string | undefined,
    filter: ScimmyFilter | undefined,
    constraints: ListConstraints | undefined,
  ): Stored | unknown[] {
    if (id !== undefined) {
      const found = this.byId.get(id);
      if (!found) throw notFound(`${this.typeName} ${id} not found`);
      return found;
    }
    const all = Array.from(this.byId.values());
    const matches = filter ? filter.match(all) : all;
    if (constraints?.sortBy !== undefined) return matches;
    const end = Math.max(constraints?.startIndex ?? 1, 1) - 1 + (constraints?.count ?? 20);
    const prefix = matches.slice(0, end);
    prefix.length = matches.length;
    return prefix;
  }

  /** Ingress: create when no id, replace otherwise; uniqueness per RFC 7643 (case-insensitive). */
  write(id: string | undefined, instance: Record<string, unknown>): Stored {
    const key = String(instance[this.uniqueKey] ?? '').toLowerCase();
    const owner = this.byKey.get(key);
    if (owner !== undefined && owner !== id) {
      throw new SCIMMY.Types.Error(409, 'uniqueness', `${this.uniqueKey} "${key}" is already taken`);
    }
    const now = new Date().toISOString();
    const previous = id === undefined ? undefined : this.byId.get(id);
    if (id !== undefined && !previous) {
      throw notFound(`${this.typeName} ${id} not found`);
    }
    const {
      schemas: _schemas,
      meta: _meta,
      ...attributes
    } = JSON.parse(JSON.stringify(instance)) as Record<string, unknown>;
    const record: Stored = {
      ...attributes,
      id: id ?? randomUUID(),
      meta: { created: previous?.meta.created ?? now, lastModified: now },
    };
    if (previous) this.byKey.delete(String(previous[this.uniqueKey] ?? '').toLowerCase());
    this.byKey.set(key, record.id);
    this.byId.set(record.id, record);
    return record;
  }

  /** Degress. */
  remove(id: string | undefined): void {
    const previous = id === undefined ? undefined : this.byId.get(id);
    if (id === undefined || !previous) {
      throw notFound(`${this.typeName} ${String(id)} not found`);
    }
    this.byKey.delete(String(previous[this.uniqueKey] ?? '').toLowerCase());
    this.byId.delete(id);
  }
}

interface HandlerResource {
  id?: string;
  filter?: ScimmyFilter;
  constraints?: ListConstraints;
}

function declare(
  resource: typeof SCIMMY.Resources.User | typeof SCIMMY.Resources.Group,
  store: MemoryCollection,
): void {
  // The handler signatures are generic over scimmy's schema classes; the in-memory store works on plain objects.
  const declared = SCIMMY.Resources.declare(resource) as unknown as {
    ingress(
      handler: (resource: HandlerResource, instance: Record<string, unknown>) => unknown,
    ): typeof declared;
    egress(handler: (resource: HandlerResource) => unknown): typeof declared;
    degress(handler: (resource: HandlerResource) => void): typeof declared;
  };
  declared
    .ingress((res, instance) => store.write(res.id, instance))
    .egress((res) => store.read(res.id, res.filter, res.constraints))
    .degress((res) => store.remove(res.id));
}

runServerChild(async () => {
  const users = new MemoryCollection('User', 'userName');
  const groups = new MemoryCollection('Group', 'displayName');
  declare(SCIMMY.Resources.User, users);
  declare(SCIMMY.Resources.Group, groups);

  const seeded: SeededUser[] = [];
  for (const body of seedUserBodies(seedCountFromEnv())) {
    const record = users.write(undefined, body as unknown as Record<string, unknown>);
    seeded.push({ id: record.id, userName: body.userName });
  }

  const token = randomUUID();
  const expressModule = 'express';
  const { default: express } = (await import(expressModule)) as { default: ExpressFactory };
  const app = express();
  app.use(
    '/scim/v2',
    new SCIMMYRouters({
      type: 'bearer',
      handler: (request: { header(name: string): string | undefined }) => {
        if (request.header('authorization') !== `Bearer ${token}`) throw new Error('Authorization failed');
        return 'bench';
      },
    }),
  );
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('express did not report a TCP port');
  return {
    ready: {
      port: address.port,
      token,
      users: seeded,
      notes: [
        'in memory; filters through scimmy `filter.match` over all users; list pages pre-sliced by the egress handler',
      ],
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
});
