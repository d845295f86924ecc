/**
 * The in-memory reference connector (kind `memory`). A `MemoryTarget` is a fake application: it
 * holds objects, enforces a real target's rules, counts every call, misbehaves on request
 * (`memory-faults.ts`), and can be seeded with existing accounts and inspected. Its `connector()`
 * exposes exactly the operations its capabilities declare, so one target serves every capability
 * shape the engine must handle (replace-only updates, member attributes, delete without disable,
 * write-only...).
 */
import {
  applyAttributeChanges,
  classifyError,
  ConnectorError,
  validateCapabilities,
  type BatchCreateResult,
  type Connector,
  type ConnectorCapabilities,
  type ObjectType,
  type TargetObject,
} from '../spi/index.js';
import { MemoryFaults, type MemoryOperation } from './memory-faults.js';
import { MemoryStore, type SeedObject } from './memory-store.js';

/** Every optional capability on: the default of a memory target. */
export const MEMORY_FULL_CAPABILITIES: ConnectorCapabilities = {
  objectTypes: ['User', 'Group'],
  read: true,
  find: { attributes: 'any' },
  list: { paging: true },
  update: { mode: 'partial' },
  delete: true,
  disable: true,
  rename: true,
  batchCreate: { maxItems: 100 },
  membership: { kind: 'native' },
};

/** How a memory target behaves. */
export interface MemoryTargetOptions {
  /** Overrides of the full capabilities, e.g. `{ update: { mode: 'replace' }, disable: false }`. */
  capabilities?: Partial<ConnectorCapabilities>;
  /** Attributes unique per type. Default: User `userName`, Group `displayName`. */
  uniqueAttributes?: Partial<Record<ObjectType, string[]>>;
  /** Attributes each object must have. Default: the unique ones. */
  requiredAttributes?: Partial<Record<ObjectType, string[]>>;
  /** Case-sensitive string comparison for uniqueness, find and names. Default false. */
  caseExact?: boolean;
  /** Seed of the generator behind `failRate` and latency ranges. Default 1. */
  randomSeed?: number;
  /** Existing accounts the target holds from the start (a brownfield application). */
  objects?: Partial<Record<ObjectType, SeedObject[]>>;
}

/** A fake target application in memory, with its controls and its connector. */
export class MemoryTarget {
  /** The validated, frozen capabilities every connector of this target declares. */
  readonly capabilities: Readonly<ConnectorCapabilities>;
  /** Injectable faults and latency. */
  readonly faults: MemoryFaults;
  readonly #store: MemoryStore;
  readonly #calls = new Map<MemoryOperation, number>();
  readonly #failures = new Map<MemoryOperation, number>();

  constructor(options: MemoryTargetOptions = {}) {
    const checked = validateCapabilities({ ...MEMORY_FULL_CAPABILITIES, ...options.capabilities });
    if (!checked.ok)
      throw new TypeError(`Invalid memory connector capabilities:\n  ${checked.issues.join('\n  ')}`);
    const caps = checked.capabilities;
    this.capabilities = caps;
    this.faults = new MemoryFaults(options.randomSeed ?? 1);
    const unique = { User: ['userName'], Group: ['displayName'], ...options.uniqueAttributes };
    this.#store = new MemoryStore({
      unique,
      required: { ...unique, ...options.requiredAttributes },
      caseExact: options.caseExact ?? false,
      tracksEnabled: caps.disable !== false,
      nativeMembers: caps.membership.kind === 'native',
      memberAttribute:
        caps.membership.kind === 'attribute'
          ? { attribute: caps.membership.attribute, reference: caps.membership.reference }
          : undefined,
    });
    for (const type of ['User', 'Group'] as const) this.seed(type, options.objects?.[type] ?? []);
  }

  /**
   * Puts existing objects into the target without counting calls or applying faults (accounts that
   * were there before Provisio). The same rules apply: a duplicate unique value is refused.
   */
  seed(objectType: ObjectType, objects: readonly SeedObject[]): TargetObject[] {
    return objects.map((object) => this.#store.create(objectType, object));
  }

  /** What the target holds of a type, in id order (copies). */
  objects(objectType: ObjectType): TargetObject[] {
    return this.#store.all(objectType);
  }

  /** One object by id, or undefined. */
  object(objectType: ObjectType, id: string): TargetObject | undefined {
    try {
      return this.#store.get(objectType, id);
    } catch {
      return undefined;
    }
  }

  /** How many objects of a type the target holds. */
  count(objectType: ObjectType): number {
    return this.#store.count(objectType);
  }

  /** How many times an operation was called (including calls that failed), or all calls when no operation is named. */
  calls(operation?: MemoryOperation): number {
    if (operation !== undefined) return this.#calls.get(operation) ?? 0;
    let total = 0;
    for (const n of this.#calls.values()) total += n;
    return total;
  }

  /** How many calls of an operation failed (injected faults and rule violations alike). */
  failures(operation?: MemoryOperation): number {
    if (operation !== undefined) return this.#failures.get(operation) ?? 0;
    let total = 0;
    for (const n of this.#failures.values()) total += n;
    return total;
  }

  /** Every operation's call count, for assertions on a whole cycle. */
  callCounts(): Partial<Record<MemoryOperation, number>> {
    return Object.fromEntries(this.#calls);
  }

  /** Zeroes the counters. */
  resetCounters(): void {
    this.#calls.clear();
    this.#failures.clear();
  }

  /** Removes every object (faults and counters stay). */
  clear(): void {
    this.#store.clear();
  }

  /** A connector to this target, with exactly the methods the capabilities declare. */
  connector(): Connector {
    const caps = this.capabilities;
    const store = this.#store;
    const run = this.#run.bind(this);
    const connector: Connector = {
      capabilities: caps,
      testConnection: (signal) => run('testConnection', signal, () => undefined),
      create: (request, signal) =>
        run('create', signal, () =>
          store.create(request.objectType, {
            attributes: request.attributes,
            ...(request.name === undefined ? {} : { name: request.name }),
            ...(request.enabled === undefined ? {} : { enabled: request.enabled }),
          }),
        ),
    };
    if (caps.batchCreate !== false) {
      const maxItems = caps.batchCreate.maxItems;
      connector.createBatch = (requests, signal) =>
        run('createBatch', signal, () => {
          if (requests.length > maxItems) {
            throw new ConnectorError(
              'schema_violation',
              `A batch holds at most ${maxItems} items, not ${requests.length}`,
            );
          }
          return requests.map((request): BatchCreateResult => {
            try {
              const object = store.create(request.objectType, {
                attributes: request.attributes,
                ...(request.name === undefined ? {} : { name: request.name }),
                ...(request.enabled === undefined ? {} : { enabled: request.enabled }),
              });
              return { ok: true, object };
            } catch (error) {
              return { ok: false, error: classifyError(error) };
            }
          });
        });
    }
    if (caps.read) connector.get = (r, signal) => run('get', signal, () => store.get(r.objectType, r.ref.id));
    if (caps.find !== false) {
      const allowed = caps.find.attributes;
      connector.find = (r, signal) =>
        run('find', signal, () => {
          if (allowed !== 'any' && !allowed.includes(r.attribute)) {
            throw new ConnectorError('schema_violation', `The target cannot search by ${r.attribute}`);
          }
          return store.find(r.objectType, r.attribute, r.value);
        });
    }
    if (caps.list !== false) {
      const { paging, maxPageSize } = caps.list;
      connector.list = (r, signal) =>
        run('list', signal, () => {
          if (!paging) return { objects: store.all(r.objectType) };
          // The cursor is the last id served: later pages continue after it, so a walk sees every
          // object that existed throughout exactly once even when others are added or removed.
          const after = r.cursor === undefined ? undefined : decodeCursor(r.cursor);
          const size = Math.max(1, Math.min(r.pageSize, maxPageSize ?? r.pageSize));
          const { objects, more } = store.page(r.objectType, after, size);
          return more ? { objects, nextCursor: encodeCursor(objects.at(-1)!.id) } : { objects };
        });
    }
    if (caps.update !== false) {
      const replace = caps.update.mode === 'replace';
      connector.update = (r, signal) =>
        run('update', signal, () => {
          if (!replace) return store.update(r.objectType, r.ref.id, r.changes);
          // A replace-only target: read the whole object, merge the changes, write it all back.
          const current = store.get(r.objectType, r.ref.id);
          store.replace(r.objectType, r.ref.id, applyAttributeChanges(current.attributes, r.changes));
        });
    }
    if (caps.delete)
      connector.delete = (r, signal) => run('delete', signal, () => store.delete(r.objectType, r.ref.id));
    if (caps.disable !== false) {
      connector.setEnabled = (r, signal) =>
        run('setEnabled', signal, () => store.setEnabled(r.objectType, r.ref.id, r.enabled));
    }
    if (caps.rename) {
      connector.rename = (r, signal) =>
        run('rename', signal, () => {
          const object = store.rename(r.objectType, r.ref.id, r.newName);
          return { id: object.id, name: object.name! };
        });
    }
    if (caps.membership.kind === 'native') {
      connector.addMembers = (r, signal) =>
        run('addMembers', signal, () =>
          store.addMembers(
            r.group.id,
            r.members.map((m) => m.id),
          ),
        );
      connector.removeMembers = (r, signal) =>
        run('removeMembers', signal, () =>
          store.removeMembers(
            r.group.id,
            r.members.map((m) => m.id),
          ),
        );
    }
    return connector;
  }

  /** One call: count it, apply latency and faults, do the work, maybe lose the answer. */
  async #run<T>(operation: MemoryOperation, signal: AbortSignal, work: () => T): Promise<T> {
    this.#calls.set(operation, (this.#calls.get(operation) ?? 0) + 1);
    try {
      // Awaited only when a fault or latency is set: a call of a quiet target costs no extra turn.
      if (this.faults.quiet) signal.throwIfAborted();
      else await this.faults.before(operation, signal);
      const result = work();
      this.faults.after(operation);
      return result;
    } catch (error) {
      this.#failures.set(operation, (this.#failures.get(operation) ?? 0) + 1);
      throw classifyError(error);
    }
  }
}

function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  return Buffer.from(cursor, 'base64url').toString('utf8');
}
