/**
 * The test data of the contract kit: the options that fit it to a target, and the objects it
 * creates (distinct per run, so a real target with leftovers from an earlier run does not collide).
 */
import { capabilitiesFor, type ConnectorCapabilities } from './capabilities.js';
import type { Connector, ObjectType, TargetAttributes, TargetObject, TargetRef } from './connector.js';
import { fail, kitAnswer, signal } from './contract-assertions.js';
import { targetObjectShape } from './answer-shapes.js';

/** How the kit builds test objects for a target, and what it may assume about it. */
export interface ContractKitOptions {
  /** Attributes of the n-th test user; distinct for each n. Default: `userName` and `displayName`. */
  user?(n: number): TargetAttributes;
  /** Attributes of the n-th test group; distinct for each n. Default: `displayName`. */
  group?(n: number): TargetAttributes;
  /** The hierarchical name (DN) of the n-th object, for targets with names. Default: `cn=<run>-<n>,ou=<type>`. */
  name?(objectType: ObjectType, n: number): string;
  /** The attribute that identifies an object (used by find and the duplicate check). Default: userName / displayName. */
  matchAttribute?: Partial<Record<ObjectType, string>>;
  /** A single-valued string attribute the kit may change. Default: displayName / description. */
  updatableAttribute?: Partial<Record<ObjectType, string>>;
  /** Whether the target refuses a second object with the same matching attribute value. Default true. */
  uniqueMatchAttribute?: boolean;
  /** For write-only targets: read back what the target holds by other means (the file it wrote). */
  readBack?(connector: Connector, objectType: ObjectType, ref: TargetRef): Promise<TargetObject | undefined>;
  /** How many objects the list cases create. Default 5. */
  listSize?: number;
  /** An id no object has. Default `contract-kit-missing-id`. */
  missingId?: string;
}

/** What a case created, so the runner can delete it afterwards on targets that can delete. */
export type CreatedObjects = { objectType: ObjectType; ref: TargetRef }[];

let runCounter = 0;

/** Test data and helpers shared by the cases of one connector. */
export class KitData {
  readonly token = `kit${Date.now().toString(36)}${(runCounter++).toString(36)}`;
  readonly missingId: string;
  #n = 0;
  constructor(readonly options: ContractKitOptions) {
    this.missingId = options.missingId ?? 'contract-kit-missing-id';
  }
  matchAttribute(type: ObjectType): string {
    return this.options.matchAttribute?.[type] ?? (type === 'User' ? 'userName' : 'displayName');
  }
  updatableAttribute(type: ObjectType): string {
    return this.options.updatableAttribute?.[type] ?? (type === 'User' ? 'displayName' : 'description');
  }
  attributes(type: ObjectType): TargetAttributes {
    const n = ++this.#n;
    if (type === 'User') {
      return (
        this.options.user?.(n) ?? {
          userName: `${this.token}-user-${n}@example.test`,
          displayName: `Kit User ${n}`,
        }
      );
    }
    return (
      this.options.group?.(n) ?? { displayName: `${this.token}-group-${n}`, description: `Kit group ${n}` }
    );
  }
  name(type: ObjectType): string {
    const n = ++this.#n;
    return (
      this.options.name?.(type, n) ?? `cn=${this.token}-${n},ou=${type === 'User' ? 'people' : 'groups'}`
    );
  }
  createRequest(caps: ConnectorCapabilities, type: ObjectType) {
    const request: { objectType: ObjectType; attributes: TargetAttributes; name?: string } = {
      objectType: type,
      attributes: this.attributes(type),
    };
    if (hasNames(caps)) request.name = this.name(type);
    return request;
  }
  async create(c: Connector, request: Parameters<Connector['create']>[0], created: CreatedObjects) {
    const object = kitAnswer(targetObjectShape, await c.create(request, signal()), 'create');
    created.push({ objectType: request.objectType, ref: object });
    this.#sent.set(object.id, request.attributes);
    return object;
  }
  readonly #sent = new Map<string, TargetAttributes>();
  async createdAttributes(object: TargetRef): Promise<TargetAttributes> {
    return this.#sent.get(object.id) ?? {};
  }
  async createMany(c: Connector, caps: ConnectorCapabilities, type: ObjectType, created: CreatedObjects) {
    const ids: string[] = [];
    for (let i = 0; i < (this.options.listSize ?? 5); i++)
      ids.push((await this.create(c, this.createRequest(caps, type), created)).id);
    return ids;
  }
  async read(c: Connector, type: ObjectType, ref: TargetRef): Promise<TargetObject> {
    if (capabilitiesFor(c.capabilities, type).read && c.get) {
      const object = kitAnswer(targetObjectShape, await c.get({ objectType: type, ref }, signal()), 'get');
      if (object.id !== ref.id) fail(`get() of id '${ref.id}' answered id '${object.id}'`);
      return object;
    }
    const object = await this.options.readBack?.(c, type, ref);
    if (object === undefined) fail(`readBack found no ${type} with id '${ref.id}'`);
    return object;
  }
}

/** Whether objects have hierarchical names: they can be renamed, or members are referenced by name. */
export function hasNames(caps: ConnectorCapabilities): boolean {
  return caps.rename || (caps.membership.kind === 'attribute' && caps.membership.reference === 'name');
}
