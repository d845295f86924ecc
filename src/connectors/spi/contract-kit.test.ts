import { describe, expect, it } from 'vitest';
import type { Connector } from './connector.js';
import { connectorContractCases, ContractViolation, runContractCase } from './contract-cases.js';
import { createSampleConnector } from './fixtures/sample-connector.js';

// The kit's own tests: each contract case must fail on a connector with the bug it is there to catch,
// and pass on the same connector without the bug.

const sample = () => createSampleConnector({ idPrefix: 'obj-', maxPageSize: 50 }, 'key');

async function runCase(title: string, make: () => Connector): Promise<void> {
  const cases = connectorContractCases(make().capabilities);
  const found = cases.find((c) => c.title === title);
  if (found === undefined) throw new Error(`no case '${title}' in: ${cases.map((c) => c.title).join(' | ')}`);
  expect(found.skipReason).toBeUndefined();
  await runContractCase(found, make);
}

/** The case passes on the sample and fails, with a message matching `message`, on the broken variant. */
async function expectCaught(title: string, breakIt: (c: Connector) => Connector, message: RegExp) {
  await runCase(title, sample);
  const failure = await runCase(title, () => breakIt(sample())).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(ContractViolation);
  expect((failure as Error).message).toMatch(message);
}

describe('the contract kit catches broken connectors', () => {
  it('a list page that repeats an object of the previous page', async () => {
    await expectCaught(
      'User: list pages cover every object exactly once, for page sizes 1, 2, 3 and more than all',
      (c) => ({
        ...c,
        list: async (request, signal) => {
          const page = await c.list!(request, signal);
          if (request.cursor === undefined || page.objects.length === 0) return page;
          const previous = await c.get!(
            { objectType: request.objectType, ref: { id: request.cursor } },
            signal,
          );
          return { ...page, objects: [previous, ...page.objects].slice(0, request.pageSize) };
        },
      }),
      /more than once/,
    );
  });

  it('a list that drops the last object', async () => {
    await expectCaught(
      'User: list pages cover every object exactly once, for page sizes 1, 2, 3 and more than all',
      (c) => ({
        ...c,
        list: async (request, signal) => {
          const page = await c.list!(request, signal);
          return page.nextCursor === undefined ? { objects: page.objects.slice(0, -1) } : page;
        },
      }),
      /never answered the created ids/,
    );
  });

  it('a list page larger than the page size', async () => {
    await expectCaught(
      'User: list pages cover every object exactly once, for page sizes 1, 2, 3 and more than all',
      (c) => ({
        ...c,
        list: (request, signal) => c.list!({ ...request, pageSize: request.pageSize + 1 }, signal),
      }),
      /answered \d+ objects/,
    );
  });

  it('a get of an unknown id that throws a plain Error instead of not_found', async () => {
    await expectCaught(
      'User: get answers not_found for an unknown id',
      (c) => ({
        ...c,
        get: async (request, signal) => {
          try {
            return await c.get!(request, signal);
          } catch {
            throw new Error('404');
          }
        },
      }),
      /failed with 'connector_failure'.*expected 'not_found'/,
    );
  });

  it('a create that accepts a duplicate', async () => {
    await expectCaught(
      'User: create of a second object with the same matching attribute answers already_exists',
      (c) => ({
        ...c,
        create: (request, signal) =>
          c.create(
            { ...request, attributes: { ...request.attributes, userName: `${Math.random()}` } },
            signal,
          ),
      }),
      /resolved; expected a ConnectorError 'already_exists'/,
    );
  });

  it('an update that changes nothing', async () => {
    await expectCaught(
      'User: update applies each change and keeps the attributes it does not name',
      (c) => ({ ...c, update: async () => {} }),
      /after update\(\): displayName/,
    );
  });

  it('a replace that drops the attributes the changes do not name', async () => {
    await expectCaught(
      'User: update applies each change and keeps the attributes it does not name',
      (c) => ({
        ...c,
        update: async (request, signal) => {
          const current = await c.get!(request, signal);
          const drop = Object.keys(current.attributes)
            .filter((name) => !request.changes.some((change) => change.attribute === name))
            .map((attribute) => ({ attribute, oldValue: current.attributes[attribute]!, newValue: null }));
          await c.update!({ ...request, changes: [...request.changes, ...drop] }, signal);
        },
      }),
      /userName is undefined|userName is required/,
    );
  });

  it('a find that answers every object', async () => {
    await expectCaught(
      'User: find returns the object by its matching attribute, and nothing for an unused value',
      (c) => ({
        ...c,
        find: async (request, signal) =>
          (await c.list!({ objectType: request.objectType, pageSize: 1000 }, signal)).objects,
      }),
      /find\(userName = .*\) answered ids|unused value answered/,
    );
  });

  it('a delete that leaves the object in place', async () => {
    await expectCaught(
      'User: delete removes the object, and a second delete answers not_found',
      (c) => ({ ...c, delete: async () => {} }),
      /get\(\) after delete\(\) resolved/,
    );
  });

  it('a create that ignores an aborted signal', async () => {
    await expectCaught(
      'an operation with an already aborted signal rejects',
      (c) => ({ ...c, create: (request) => c.create(request, new AbortController().signal) }),
      /aborted signal resolved/,
    );
  });

  it('a method without its capability flag, and a declared capability without its method', async () => {
    const title = 'has a method for every declared capability and no method without its capability';
    await expectCaught(
      title,
      (c) => ({ ...c, rename: async (request) => ({ id: request.ref.id, name: request.newName }) }),
      /has a rename\(\) method but does not declare capability rename/,
    );
    await expectCaught(
      title,
      (c) => ({ ...c, capabilities: { ...c.capabilities, disable: true } }),
      /capability disable is declared but the connector has no setEnabled\(\) method/,
    );
  });

  it('a create that answers without an id', async () => {
    await expectCaught(
      'User: create answers an id, and the object reads back with the attributes sent',
      (c) => ({
        ...c,
        create: async (request, signal) => ({ ...(await c.create(request, signal)), id: '' }),
      }),
      /create\(\) answered a malformed result at id/,
    );
  });
});

describe('the contract kit skips what the capabilities do not declare', () => {
  it('names the missing capability in each skip', () => {
    const cases = connectorContractCases(sample().capabilities);
    const skips = Object.fromEntries(cases.filter((c) => c.skipReason).map((c) => [c.title, c.skipReason]));
    expect(skips).toEqual({
      'User: setEnabled disables and enables the object': 'capability disable is not declared',
      'User: rename keeps the id, changes the name, and refuses a name in use':
        'capability rename is not declared',
      'User: createBatch creates each item and reports a duplicate item on its own':
        'capability batchCreate is not declared',
      'Group: setEnabled disables and enables the object': 'capability disable is not declared',
      'Group: rename keeps the id, changes the name, and refuses a name in use':
        'capability rename is not declared',
      'Group: createBatch creates each item and reports a duplicate item on its own':
        'capability batchCreate is not declared',
      'Group: addMembers and removeMembers change the members, and repeating them is harmless':
        "capability membership.kind 'native' is not declared",
    });
  });

  it('reports invalid capabilities as the only case, naming the path', async () => {
    const cases = connectorContractCases({ ...sample().capabilities, rename: 'yes', pagination: true });
    expect(cases.map((c) => c.title)).toEqual(['declares valid capabilities']);
    const failure = await cases[0]!.run(sample(), []).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ContractViolation);
    expect((failure as Error).message).toMatch(/capabilities\.rename/);
    expect((failure as Error).message).toMatch(/pagination/);
  });

  it('deletes what a case created when the connector can delete', async () => {
    const connector = sample();
    const title = 'User: create answers an id, and the object reads back with the attributes sent';
    const found = connectorContractCases(connector.capabilities).find((c) => c.title === title)!;
    await runContractCase(found, () => connector);
    const left = await connector.list!({ objectType: 'User', pageSize: 100 }, AbortSignal.timeout(1000));
    expect(left.objects).toEqual([]);
  });
});
