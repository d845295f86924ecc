/**
 * The cases of the connector contract, independent of any test runner: each has a title, the reason
 * it is skipped (the missing capability) or none, and a body that throws a `ContractViolation` when
 * the connector breaks the contract. `contract-kit.ts` turns them into vitest tests; the kit's own
 * tests run them against deliberately broken connectors to prove each case can fail.
 */
import { sameValue } from './attribute-change.js';
import { checkCapabilityMethods, validateCapabilities, type ConnectorCapabilities } from './capabilities.js';
import type { Connector, ObjectType, TargetAttributes, TargetObject, TargetRef } from './connector.js';
import { classifyError, type ConnectorErrorCode } from './connector-error.js';
import { checkAnswer, listPageSchema, targetObjectSchema, targetRefSchema } from './guarded-connector.js';

/** A broken promise of the contract, with a message that says what the connector did. */
export class ContractViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContractViolation';
  }
}

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

/** One case of the contract. */
export interface ContractCase {
  title: string;
  /** Why the case does not apply (naming the missing capability), or undefined when it runs. */
  skipReason: string | undefined;
  run(connector: Connector, created: CreatedObjects): Promise<void>;
}

/** What a case created, so the runner can delete it afterwards on targets that can delete. */
export type CreatedObjects = { objectType: ObjectType; ref: TargetRef }[];

let runCounter = 0;

/** Builds the cases for a connector with these capabilities. */
export function connectorContractCases(
  capabilities: unknown,
  options: ContractKitOptions = {},
): ContractCase[] {
  const cases: ContractCase[] = [];
  const checked = validateCapabilities(capabilities);
  cases.push({
    title: 'declares valid capabilities',
    skipReason: undefined,
    run: async () => {
      if (!checked.ok) fail(`invalid capabilities:\n  ${checked.issues.join('\n  ')}`);
    },
  });
  if (!checked.ok) return cases;
  const caps = checked.capabilities;
  const kit = new KitData(options);

  cases.push({
    title: 'has a method for every declared capability and no method without its capability',
    skipReason: undefined,
    run: async (connector) => {
      const mismatches = checkCapabilityMethods(connector, caps);
      if (mismatches.length > 0) fail(mismatches.map((m) => m.message).join('\n'));
    },
  });
  cases.push({
    title: 'testConnection resolves',
    skipReason: undefined,
    run: async (connector) => {
      await connector.testConnection(signal());
    },
  });
  cases.push({
    title: 'an operation with an already aborted signal rejects',
    skipReason: undefined,
    run: async (connector) => {
      const controller = new AbortController();
      controller.abort(new DOMException('The kit aborted', 'AbortError'));
      const type = caps.objectTypes[0]!;
      const outcome = await settle(() => connector.create(kit.createRequest(caps, type), controller.signal));
      if (outcome.ok) fail('create() with an aborted signal resolved; it must reject without writing');
    },
  });
  for (const type of caps.objectTypes) cases.push(...objectTypeCases(type, caps, kit));
  cases.push(...membershipCases(caps, kit));
  return cases;
}

function objectTypeCases(type: ObjectType, caps: ConnectorCapabilities, kit: KitData): ContractCase[] {
  const match = kit.matchAttribute(type);
  const updatable = kit.updatableAttribute(type);
  const readable = caps.read || kit.options.readBack !== undefined;
  const noRead = readable ? undefined : 'capability read is not declared and options.readBack is not given';
  const cases: ContractCase[] = [];
  const add = (title: string, skipReason: string | undefined, run: ContractCase['run']) =>
    cases.push({ title: `${type}: ${title}`, skipReason, run });

  add(
    'create answers an id, and the object reads back with the attributes sent',
    undefined,
    async (c, created) => {
      const request = kit.createRequest(caps, type);
      const object = await kit.create(c, request, created);
      if (hasNames(caps) && object.name !== request.name) {
        fail(`create() with name '${request.name}' answered name '${object.name}'`);
      }
      if (!readable) return;
      const read = await kit.read(c, type, object);
      expectAttributes(read, request.attributes, 'the object read back after create()');
    },
  );
  add(
    'create of a second object with the same matching attribute answers already_exists',
    kit.options.uniqueMatchAttribute === false ? 'options.uniqueMatchAttribute is false' : undefined,
    async (c, created) => {
      const request = kit.createRequest(caps, type);
      await kit.create(c, request, created);
      const again = {
        ...kit.createRequest(caps, type),
        attributes: { ...kit.attributes(type), [match]: request.attributes[match]! },
      };
      await expectCode('already_exists', 'create() of a duplicate', async () => {
        await kit.create(c, again, created);
      });
    },
  );
  add(
    'get answers not_found for an unknown id',
    caps.read ? undefined : 'capability read is not declared',
    async (c) => {
      await expectCode('not_found', 'get() of an unknown id', () =>
        c.get!({ objectType: type, ref: { id: kit.missingId } }, signal()),
      );
    },
  );
  const findable =
    caps.find === false
      ? 'capability find is not declared'
      : caps.find.attributes !== 'any' && !caps.find.attributes.includes(match)
        ? `capability find does not list the matching attribute '${match}'`
        : undefined;
  add(
    'find returns the object by its matching attribute, and nothing for an unused value',
    findable,
    async (c, created) => {
      const object = await kit.create(c, kit.createRequest(caps, type), created);
      const value = (await kit.createdAttributes(object))[match]!;
      const found = kitAnswer(
        targetObjectSchema.array(),
        await c.find!({ objectType: type, attribute: match, value }, signal()),
        'find',
      );
      if (found.length !== 1 || found[0]!.id !== object.id) {
        fail(
          `find(${match} = ${JSON.stringify(value)}) answered ids [${found.map((o) => o.id).join(', ')}], expected [${object.id}]`,
        );
      }
      const none = await c.find!(
        { objectType: type, attribute: match, value: `${kit.token}-nobody-has-this` },
        signal(),
      );
      if (!Array.isArray(none) || none.length !== 0)
        fail(`find() of an unused value answered ${JSON.stringify(none)}`);
    },
  );
  const updateSkip = caps.update === false ? 'capability update is not declared' : undefined;
  add(
    'update applies each change and keeps the attributes it does not name',
    updateSkip ?? noRead,
    async (c, created) => {
      const request = kit.createRequest(caps, type);
      const object = await kit.create(c, request, created);
      const newValue = `${kit.token}-updated`;
      await c.update!(
        {
          objectType: type,
          ref: object,
          changes: [{ attribute: updatable, oldValue: request.attributes[updatable] ?? null, newValue }],
        },
        signal(),
      );
      const read = await kit.read(c, type, object);
      expectAttributes(
        read,
        { ...request.attributes, [updatable]: newValue },
        'the object read back after update()',
      );
      await c.update!(
        {
          objectType: type,
          ref: object,
          changes: [{ attribute: updatable, oldValue: newValue, newValue: null }],
        },
        signal(),
      );
      const cleared = await kit.read(c, type, object);
      if (!sameValue(cleared.attributes[updatable], null)) {
        fail(`update() to no value left ${updatable} = ${JSON.stringify(cleared.attributes[updatable])}`);
      }
    },
  );
  add('update answers not_found for an unknown id', updateSkip, async (c) => {
    await expectCode('not_found', 'update() of an unknown id', () =>
      c.update!(
        {
          objectType: type,
          ref: { id: kit.missingId },
          changes: [{ attribute: updatable, oldValue: null, newValue: 'x' }],
        },
        signal(),
      ),
    );
  });
  add(
    'delete removes the object, and a second delete answers not_found',
    caps.delete ? undefined : 'capability delete is not declared',
    async (c) => {
      const object = await kit.create(c, kit.createRequest(caps, type), []);
      await c.delete!({ objectType: type, ref: object }, signal());
      if (caps.read) {
        await expectCode('not_found', 'get() after delete()', () =>
          c.get!({ objectType: type, ref: object }, signal()),
        );
      } else if (kit.options.readBack) {
        const after = await kit.options.readBack(c, type, object);
        if (after !== undefined) fail('readBack found the object after delete()');
      }
      await expectCode('not_found', 'a second delete()', () =>
        c.delete!({ objectType: type, ref: object }, signal()),
      );
    },
  );
  if (caps.list === false || caps.list.paging) {
    add(
      'list pages cover every object exactly once, for page sizes 1, 2, 3 and more than all',
      caps.list === false ? 'capability list is not declared' : undefined,
      async (c, created) => {
        const ids = await kit.createMany(c, caps, type, created);
        const max = caps.list === false ? undefined : caps.list.maxPageSize;
        for (const pageSize of [1, 2, 3, ids.length + 1]) {
          const seen = await walkList(c, type, Math.min(pageSize, max ?? pageSize));
          expectCoverage(seen, ids, `pageSize ${pageSize}`);
        }
      },
    );
  } else {
    add('list without paging answers every object in one page', undefined, async (c, created) => {
      const ids = await kit.createMany(c, caps, type, created);
      const page = kitAnswer(
        listPageSchema,
        await c.list!({ objectType: type, pageSize: 2 }, signal()),
        'list',
      );
      if (page.nextCursor !== undefined) fail('list() without paging answered a nextCursor');
      expectCoverage(
        page.objects.map((o) => o.id),
        ids,
        'the single page',
      );
    });
  }
  add(
    'setEnabled disables and enables the object',
    caps.disable ? (readable ? undefined : noRead) : 'capability disable is not declared',
    async (c, created) => {
      const object = await kit.create(c, { ...kit.createRequest(caps, type), enabled: false }, created);
      if ((await kit.read(c, type, object)).enabled !== false)
        fail('an object created with enabled: false reads back enabled');
      await c.setEnabled!({ objectType: type, ref: object, enabled: true }, signal());
      if ((await kit.read(c, type, object)).enabled !== true)
        fail('after setEnabled(true) the object is not enabled');
      await c.setEnabled!({ objectType: type, ref: object, enabled: false }, signal());
      if ((await kit.read(c, type, object)).enabled !== false)
        fail('after setEnabled(false) the object is not disabled');
    },
  );
  add(
    'rename keeps the id, changes the name, and refuses a name in use',
    caps.rename ? undefined : 'capability rename is not declared',
    async (c, created) => {
      const first = await kit.create(c, kit.createRequest(caps, type), created);
      const second = await kit.create(c, kit.createRequest(caps, type), created);
      const newName = kit.name(type);
      const ref = kitAnswer(
        targetRefSchema,
        await c.rename!({ objectType: type, ref: first, newName }, signal()),
        'rename',
      );
      if (ref.id !== first.id || ref.name !== newName) {
        fail(`rename() answered ${JSON.stringify(ref)}, expected id '${first.id}' and name '${newName}'`);
      }
      if (readable) {
        const read = await kit.read(c, type, { id: first.id, name: newName });
        if (read.name !== newName) fail(`after rename() the object reads back with name '${read.name}'`);
      }
      await expectCode('already_exists', 'rename() to a name in use', () =>
        c.rename!({ objectType: type, ref: second, newName }, signal()),
      );
    },
  );
  add(
    'createBatch creates each item and reports a duplicate item on its own',
    caps.batchCreate ? undefined : 'capability batchCreate is not declared',
    async (c, created) => {
      const requests = [kit.createRequest(caps, type), kit.createRequest(caps, type)];
      const duplicate = {
        ...kit.createRequest(caps, type),
        attributes: { ...kit.attributes(type), [match]: requests[0]!.attributes[match]! },
      };
      // The duplicate item proves one item's failure does not fail the others.
      const withDuplicate =
        kit.options.uniqueMatchAttribute !== false &&
        caps.batchCreate !== false &&
        caps.batchCreate.maxItems >= 3;
      const batch = withDuplicate ? [...requests, duplicate] : requests;
      const results = await c.createBatch!(batch, signal());
      if (!Array.isArray(results) || results.length !== batch.length)
        fail(`createBatch() of ${batch.length} answered ${JSON.stringify(results)}`);
      results.forEach((result, index) => {
        if (result.ok)
          created.push({
            objectType: type,
            ref: kitAnswer(targetObjectSchema, result.object, 'createBatch'),
          });
        const shouldFail = index === 2;
        if (result.ok === shouldFail)
          fail(`createBatch() item ${index} ${result.ok ? 'succeeded' : 'failed'} unexpectedly`);
        if (!result.ok && classifyError(result.error).code !== 'already_exists') {
          fail(
            `createBatch() duplicate item answered ${classifyError(result.error).code}, expected already_exists`,
          );
        }
      });
      if (readable) {
        for (const [index, result] of results.entries()) {
          if (result.ok)
            expectAttributes(
              await kit.read(c, type, result.object),
              requests[index]!.attributes,
              `batch item ${index}`,
            );
        }
      }
    },
  );
  return cases;
}

function membershipCases(caps: ConnectorCapabilities, kit: KitData): ContractCase[] {
  const both = caps.objectTypes.includes('User') && caps.objectTypes.includes('Group');
  const membership = caps.membership;
  const noBoth = both ? undefined : 'objectTypes does not hold both User and Group';
  const native: ContractCase = {
    title: 'Group: addMembers and removeMembers change the members, and repeating them is harmless',
    skipReason: membership.kind === 'native' ? noBoth : "capability membership.kind 'native' is not declared",
    run: async (c, created) => {
      const group = await kit.create(c, kit.createRequest(caps, 'Group'), created);
      const u1 = await kit.create(c, kit.createRequest(caps, 'User'), created);
      const u2 = await kit.create(c, kit.createRequest(caps, 'User'), created);
      const readMembers = async () =>
        caps.read ? ((await kit.read(c, 'Group', group)).members ?? []) : undefined;
      const expectMembers = async (ids: string[], after: string) => {
        const members = await readMembers();
        if (members !== undefined && !sameValue(members, ids)) {
          fail(
            `after ${after} the group's members are [${members.join(', ')}], expected [${ids.join(', ')}]`,
          );
        }
      };
      await c.addMembers!({ group, members: [u1, u2] }, signal());
      await expectMembers([u1.id, u2.id], 'addMembers(u1, u2)');
      await c.addMembers!({ group, members: [u1] }, signal());
      await expectMembers([u1.id, u2.id], 'adding u1 again');
      await c.removeMembers!({ group, members: [u1] }, signal());
      await expectMembers([u2.id], 'removeMembers(u1)');
      await c.removeMembers!({ group, members: [u1] }, signal());
      await expectMembers([u2.id], 'removing u1 again');
      await expectCode('not_found', 'addMembers() of an unknown member', () =>
        c.addMembers!({ group, members: [{ id: kit.missingId }] }, signal()),
      );
    },
  };
  const attribute: ContractCase = {
    title: 'Group: the member attribute holds members written through create and update',
    skipReason:
      membership.kind === 'attribute'
        ? (noBoth ?? (caps.read || kit.options.readBack ? undefined : 'capability read is not declared'))
        : "capability membership.kind 'attribute' is not declared",
    run: async (c, created) => {
      if (membership.kind !== 'attribute') return;
      const u1 = await kit.create(c, kit.createRequest(caps, 'User'), created);
      const u2 = await kit.create(c, kit.createRequest(caps, 'User'), created);
      const value = (ref: TargetRef) => (membership.reference === 'id' ? ref.id : ref.name!);
      const request = kit.createRequest(caps, 'Group');
      request.attributes[membership.attribute] = [value(u1)];
      const group = await kit.create(c, request, created);
      expectAttributes(
        await kit.read(c, 'Group', group),
        { [membership.attribute]: [value(u1)] },
        'the group after create()',
      );
      await c.update!(
        {
          objectType: 'Group',
          ref: group,
          changes: [
            { attribute: membership.attribute, oldValue: [value(u1)], newValue: [value(u1), value(u2)] },
          ],
        },
        signal(),
      );
      expectAttributes(
        await kit.read(c, 'Group', group),
        { [membership.attribute]: [value(u1), value(u2)] },
        'the group after update()',
      );
    },
  };
  return [native, attribute];
}

/** Test data and helpers shared by the cases of one connector. */
class KitData {
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
    const object = kitAnswer(targetObjectSchema, await c.create(request, signal()), 'create') as TargetObject;
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
    if (c.capabilities.read && c.get) {
      const object = kitAnswer(
        targetObjectSchema,
        await c.get({ objectType: type, ref }, signal()),
        'get',
      ) as TargetObject;
      if (object.id !== ref.id) fail(`get() of id '${ref.id}' answered id '${object.id}'`);
      return object;
    }
    const object = await this.options.readBack?.(c, type, ref);
    if (object === undefined) fail(`readBack found no ${type} with id '${ref.id}'`);
    return object;
  }
}

/** Whether objects have hierarchical names: they can be renamed, or members are referenced by name. */
function hasNames(caps: ConnectorCapabilities): boolean {
  return caps.rename || (caps.membership.kind === 'attribute' && caps.membership.reference === 'name');
}

async function walkList(c: Connector, type: ObjectType, pageSize: number): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; ; pages++) {
    if (pages > 100_000) fail('list() never answered a last page');
    const request =
      cursor === undefined ? { objectType: type, pageSize } : { objectType: type, pageSize, cursor };
    const page = kitAnswer(listPageSchema, await c.list!(request, signal()), 'list');
    if (page.objects.length > pageSize)
      fail(`list() with pageSize ${pageSize} answered ${page.objects.length} objects`);
    seen.push(...page.objects.map((o) => o.id));
    if (page.nextCursor === undefined) return seen;
    if (page.nextCursor === cursor)
      fail(`list() answered the cursor it was given ('${cursor}'): it would never end`);
    cursor = page.nextCursor;
  }
}

function expectCoverage(seen: string[], created: string[], label: string) {
  const counts = new Map<string, number>();
  for (const id of seen) counts.set(id, (counts.get(id) ?? 0) + 1);
  const repeated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  if (repeated.length > 0) fail(`list() with ${label} answered ids more than once: ${repeated.join(', ')}`);
  const missing = created.filter((id) => !counts.has(id));
  if (missing.length > 0) fail(`list() with ${label} never answered the created ids ${missing.join(', ')}`);
}

function expectAttributes(object: TargetObject, expected: TargetAttributes, label: string) {
  for (const [attribute, value] of Object.entries(expected)) {
    if (!sameValue(object.attributes[attribute], value)) {
      fail(
        `${label}: ${attribute} is ${JSON.stringify(object.attributes[attribute])}, expected ${JSON.stringify(value)}`,
      );
    }
  }
}

async function expectCode(code: ConnectorErrorCode, what: string, run: () => Promise<unknown>) {
  const outcome = await settle(run);
  if (outcome.ok) fail(`${what} resolved; expected a ConnectorError '${code}'`);
  const actual = classifyError(outcome.error);
  if (actual.code !== code)
    fail(`${what} failed with '${actual.code}' (${actual.message}); expected '${code}'`);
}

async function settle(run: () => Promise<unknown>): Promise<{ ok: true } | { ok: false; error: unknown }> {
  try {
    await run();
    return { ok: true };
  } catch (error) {
    return { ok: false, error };
  }
}

function signal(): AbortSignal {
  return AbortSignal.timeout(30_000);
}

/** Checks an answer's shape; a malformed answer is a contract violation, reported as the guard would word it. */
function kitAnswer<T>(schema: Parameters<typeof checkAnswer<T>>[0], answer: unknown, operation: string): T {
  try {
    return checkAnswer(schema, answer, operation);
  } catch (error) {
    fail((error as Error).message);
  }
}

function fail(message: string): never {
  throw new ContractViolation(message);
}

/** Runs one case on a fresh connector, then deletes what it created (when the connector can) and closes it. */
export async function runContractCase(
  contractCase: ContractCase,
  makeConnector: () => Connector | Promise<Connector>,
) {
  const connector = await makeConnector();
  const created: CreatedObjects = [];
  try {
    await contractCase.run(connector, created);
  } finally {
    if (connector.capabilities?.delete && typeof connector.delete === 'function') {
      for (const { objectType, ref } of created.reverse()) {
        await connector.delete({ objectType, ref }, signal()).catch(() => undefined);
      }
    }
    await connector.close?.();
  }
}
