import type { JsonObject } from '../shared/json.js';
import { ScimError } from '../scim/scim-error.js';
import type { AttributeResolver } from '../scim/schema/schema-types.js';
import * as feed from './change-feed/change-feed.js';
import type {
  ApiTokenRecord,
  NewApiToken,
  AppAssignment,
  ChangePage,
  DirectoryStore,
  ListQuery,
  ListResult,
  PatchOperationInput,
  ReadOptions,
  ResourceKind,
  StoredResource,
  WriteOptions,
} from './directory-store.js';
import { runMigrations } from './run-migrations.js';
import { listResources } from './resources/resource-list.js';
import { parsePatchOperations, patchResource } from './resources/resource-patch.js';
import type { ResourceRow } from './resources/resource-rows.js';
import { loadRow, materialise } from './resources/resource-rows.js';
import {
  createInOneStatement,
  patchInOneStatement,
  replaceInOneStatement,
} from './postgres/one-statement-writes.js';
import type { WrittenAlone } from './postgres/one-statement-writes.js';
import { createResources, deleteResource, replaceResource } from './resources/resource-writes.js';
import type { StoreScope, StoreShared } from './store-context.js';
import { announce, reader, runWrite } from './store-context.js';
import * as assignments from './access/app-assignments.js';
import * as tokens from './access/api-tokens.js';

const RESOURCE_KINDS: readonly string[] = ['User', 'Group'];

function checkKind(type: ResourceKind): void {
  // The type comes from route tables, but a wrong one must never reach SQL as a silent no-match.
  if (!RESOURCE_KINDS.includes(type))
    throw ScimError.badRequest('invalidValue', `Unknown resource type "${String(type)}"`);
}

/**
 * DirectoryStore over kysely, for SQLite and PostgreSQL alike (see dialect-adapter.ts for the few
 * differences). An instance is either the root store or, inside `transaction(work)`, a view bound
 * to the open transaction.
 */
export class SqlDirectoryStore implements DirectoryStore {
  readonly #scope: StoreScope;

  constructor(shared: StoreShared, trx?: StoreScope['trx']) {
    this.#scope = { shared, trx, pendingSeq: 0 };
  }

  /**
   * A view bound to `trx`, a transaction another part sharing the database opened and commits
   * (shared-database.ts); `committed()`, called after that commit, tells listeners of the feed
   * entries the view's writes appended.
   */
  static bindTo(
    shared: StoreShared,
    trx: NonNullable<StoreScope['trx']>,
  ): { directory: DirectoryStore; committed(): void } {
    const view = new SqlDirectoryStore(shared, trx);
    return {
      directory: view,
      committed() {
        if (view.#scope.pendingSeq > 0) announce(shared, view.#scope.pendingSeq);
      },
    };
  }

  get #shared(): StoreShared {
    return this.#scope.shared;
  }

  #resolver(type: ResourceKind): AttributeResolver {
    const source = this.#shared.resolvers;
    if (!source) throw ScimError.internal('The store was opened without a schema registry');
    return source.resolver(type);
  }

  #optionalResolver(type: ResourceKind): AttributeResolver | undefined {
    return this.#shared.resolvers?.resolver(type);
  }

  async migrate(): Promise<void> {
    await runMigrations(this.#shared.root, this.#shared.dialect);
  }

  async close(): Promise<void> {
    if (this.#scope.trx) return;
    for (const closer of this.#shared.closers.splice(0)) await closer();
    await this.#shared.root.destroy();
  }

  async create(type: ResourceKind, attributes: JsonObject): Promise<StoredResource> {
    const [created] = await this.createMany(type, [attributes]);
    return created!;
  }

  async createMany(type: ResourceKind, items: readonly JsonObject[]): Promise<readonly StoredResource[]> {
    checkKind(type);
    if (items.length === 0) return [];
    const { dialect } = this.#shared;
    if (items.length === 1 && !this.#scope.trx) {
      const alone = await createInOneStatement(this.#shared.root, dialect, type, items[0]!);
      if (alone) {
        announce(this.#shared, alone.seq);
        return [alone.result];
      }
    }
    return runWrite(this.#scope, (trx, changes) => createResources(trx, dialect, type, items, changes));
  }

  async get(type: ResourceKind, id: string, options?: ReadOptions): Promise<StoredResource | undefined> {
    checkKind(type);
    const db = reader(this.#scope);
    const row = await loadRow(db, this.#shared.dialect, type, id);
    if (!row) return undefined;
    const [resource] = await materialise(db, this.#shared.dialect, [row], options);
    return resource;
  }

  async replace(
    type: ResourceKind,
    id: string,
    attributes: JsonObject,
    options?: WriteOptions,
  ): Promise<StoredResource> {
    checkKind(type);
    const { dialect, root } = this.#shared;
    if (!this.#scope.trx) {
      const alone = await replaceInOneStatement(root, dialect, type, id, attributes, options);
      if (alone) return this.#writtenAlone(alone, {});
    }
    return runWrite(this.#scope, async (trx, changes) => {
      const row = await replaceResource(trx, dialect, type, id, attributes, options, changes);
      const [resource] = await materialise(trx, dialect, [row], {});
      return resource!;
    });
  }

  async patch(
    type: ResourceKind,
    id: string,
    operations: readonly PatchOperationInput[],
    options?: WriteOptions & ReadOptions,
  ): Promise<StoredResource> {
    checkKind(type);
    const { dialect, root } = this.#shared;
    const resolver = this.#resolver(type);
    // Parsed once: a PATCH the one-statement path hands back runs on the transaction path.
    const parsed = parsePatchOperations(operations);
    if (!this.#scope.trx) {
      const alone = await patchInOneStatement(root, dialect, resolver, type, id, parsed, options);
      if (alone) return this.#writtenAlone(alone, options);
    }
    return runWrite(this.#scope, async (trx, changes) => {
      const row = await patchResource(trx, dialect, resolver, type, id, parsed, options, changes);
      const [resource] = await materialise(trx, dialect, [row], options);
      return resource!;
    });
  }

  /** The answer to a write done in one statement: listeners told, the row made a resource. */
  async #writtenAlone(
    alone: WrittenAlone<ResourceRow>,
    options: ReadOptions | undefined,
  ): Promise<StoredResource> {
    if (alone.seq > 0) announce(this.#shared, alone.seq);
    const [resource] = await materialise(this.#shared.root, this.#shared.dialect, [alone.result], options);
    return resource!;
  }

  async delete(type: ResourceKind, id: string, options?: WriteOptions): Promise<void> {
    checkKind(type);
    const { dialect } = this.#shared;
    await runWrite(this.#scope, (trx, changes) => deleteResource(trx, dialect, type, id, options, changes));
  }

  async list(type: ResourceKind, query: ListQuery): Promise<ListResult> {
    checkKind(type);
    const { dialect, inMemorySortCap, continuations } = this.#shared;
    const resolver = this.#optionalResolver(type);
    // Inside a transaction the rows may hold its uncommitted writes: no continuation from or for them.
    const pages = this.#scope.trx ? undefined : continuations;
    return listResources(reader(this.#scope), dialect, type, query, resolver, inMemorySortCap, pages);
  }

  async transaction<T>(work: (store: DirectoryStore) => Promise<T>): Promise<T> {
    // Already inside one: join it (the work's writes get savepoints as usual).
    if (this.#scope.trx) return work(this);
    let inner: SqlDirectoryStore | undefined;
    const result = await this.#shared.root.transaction().execute(async (trx) => {
      inner = new SqlDirectoryStore(this.#shared, trx);
      return work(inner);
    });
    const lastSeq = inner ? inner.#scope.pendingSeq : 0;
    if (lastSeq > 0) announce(this.#shared, lastSeq);
    return result;
  }

  async readChanges(after: number, limit: number): Promise<ChangePage> {
    return feed.readChanges(reader(this.#scope), this.#shared.dialect, after, limit);
  }

  async headSeq(): Promise<number> {
    return feed.headSeq(reader(this.#scope), this.#shared.dialect);
  }

  onChange(listener: (lastSeq: number) => void): () => void {
    const { listeners, changePoller } = this.#shared;
    listeners.add(listener);
    changePoller?.listenersChanged();
    return () => {
      listeners.delete(listener);
      changePoller?.listenersChanged();
    };
  }

  async pruneChanges(olderThan: Date): Promise<number> {
    return feed.pruneChanges(this.#shared.root, this.#shared.dialect, olderThan);
  }

  async assign(
    appId: string,
    principalType: ResourceKind,
    principalId: string,
    role: string = assignments.DEFAULT_ASSIGNMENT_ROLE,
  ): Promise<AppAssignment> {
    checkKind(principalType);
    const { dialect } = this.#shared;
    return runWrite(this.#scope, (trx, changes) =>
      assignments.assign(trx, dialect, appId, principalType, principalId, role, changes),
    );
  }

  async unassign(
    appId: string,
    principalType: ResourceKind,
    principalId: string,
    role?: string,
  ): Promise<boolean> {
    checkKind(principalType);
    return runWrite(this.#scope, (trx, changes) =>
      assignments.unassign(trx, appId, principalType, principalId, role, changes),
    );
  }

  async listAssignments(appId: string): Promise<readonly AppAssignment[]> {
    return assignments.listAssignments(reader(this.#scope), this.#shared.dialect, appId);
  }

  async createToken(record: NewApiToken): Promise<ApiTokenRecord> {
    return tokens.createToken(reader(this.#scope), this.#shared.dialect, record);
  }

  async findToken(id: string): Promise<ApiTokenRecord | undefined> {
    return tokens.findToken(reader(this.#scope), this.#shared.dialect, id);
  }

  async listTokens(): Promise<readonly ApiTokenRecord[]> {
    return tokens.listTokens(reader(this.#scope), this.#shared.dialect);
  }

  async revokeToken(name: string): Promise<boolean> {
    return tokens.revokeToken(reader(this.#scope), name);
  }

  async touchToken(id: string, at: Date): Promise<void> {
    await tokens.touchToken(reader(this.#scope), this.#shared.dialect, id, at);
  }
}
