/** The contract cases for one object type, each skipped when its capability is not declared. */
import { sameValue } from './attribute-change.js';
import { canDisable, type ConnectorCapabilities } from './capabilities.js';
import type { ObjectType } from './connector.js';
import { classifyError } from './connector-error.js';
import {
  expectAttributes,
  expectCode,
  expectCoverage,
  fail,
  kitAnswer,
  signal,
  walkList,
} from './contract-assertions.js';
import type { ContractCase } from './contract-cases.js';
import { hasNames, type KitData } from './contract-kit-data.js';
import { listPageShape, targetObjectShape, targetObjectsShape, targetRefShape } from './answer-shapes.js';

/** The cases for one object type: create, read, find, update, delete, list, disable, rename, batch. */
export function objectTypeCases(type: ObjectType, caps: ConnectorCapabilities, kit: KitData): ContractCase[] {
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
        targetObjectsShape,
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
        listPageShape,
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
    canDisable(caps, type)
      ? readable
        ? undefined
        : noRead
      : `capability disable is not declared${caps.disable === false ? '' : ` for ${type}`}`,
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
        targetRefShape,
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
            ref: kitAnswer(targetObjectShape, result.object, 'createBatch'),
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
