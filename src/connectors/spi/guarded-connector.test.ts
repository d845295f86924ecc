import { describe, expect, it } from 'vitest';
import type { Connector } from './connector.js';
import { ConnectorError } from './connector-error.js';
import { createSampleConnector } from './fixtures/sample-connector.js';
import { guardConnector } from './guarded-connector.js';

const signal = () => AbortSignal.timeout(5000);
const sample = () => createSampleConnector({ idPrefix: 'obj-', maxPageSize: 10 }, 'key');
const user = { objectType: 'User' as const, attributes: { userName: 'ada' } };

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

describe('guardConnector', () => {
  it('keeps exactly the methods the connector has', () => {
    const guarded = guardConnector(sample());
    expect(Object.keys(guarded).sort()).toEqual(Object.keys(sample()).sort());
  });

  it('passes well-formed answers and ConnectorErrors through', async () => {
    const guarded = guardConnector(sample());
    const created = await guarded.create(user, signal());
    expect(created).toMatchObject({ id: 'obj-000001', attributes: { userName: 'ada' } });
    expect((await failure(guarded.create(user, signal()))).code).toBe('already_exists');
  });

  it('classifies a raw throw, a synchronous throw and a non-error throw', async () => {
    const base = sample();
    const raw = guardConnector({ ...base, get: async () => Promise.reject(new TypeError('x is undefined')) });
    expect((await failure(raw.get!({ objectType: 'User', ref: { id: '1' } }, signal()))).code).toBe(
      'connector_failure',
    );
    const sync = guardConnector({
      ...base,
      delete: (() => {
        throw Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
      }) as Connector['delete'],
    });
    expect((await failure(sync.delete!({ objectType: 'User', ref: { id: '1' } }, signal()))).code).toBe(
      'unavailable',
    );
    const odd = guardConnector({ ...base, testConnection: () => Promise.reject(42) });
    expect((await failure(odd.testConnection(signal()))).message).toMatch(/non-error: 42/);
  });

  it('turns nonsense answers into invalid_response naming the operation and the place', async () => {
    const base = sample();
    const noId = guardConnector({ ...base, create: async () => ({ attributes: {} }) as never });
    const e1 = await failure(noId.create(user, signal()));
    expect(e1.code).toBe('invalid_response');
    expect(e1.message).toMatch(/create\(\) answered a malformed result at id/);
    const notPromise = guardConnector({ ...base, list: (() => 'a page') as never });
    expect((await failure(notPromise.list!({ objectType: 'User', pageSize: 5 }, signal()))).code).toBe(
      'invalid_response',
    );
    const wrongType = guardConnector({
      ...base,
      get: async (r) => ({ id: r.ref.id, objectType: 'Group', attributes: {} }),
    });
    expect(
      (await failure(wrongType.get!({ objectType: 'User', ref: { id: 'a' } }, signal()))).message,
    ).toMatch(/for User answered an object of type Group/);
    const otherId = guardConnector({
      ...base,
      get: async () => ({ id: 'b', objectType: 'User', attributes: {} }),
    });
    expect((await failure(otherId.get!({ objectType: 'User', ref: { id: 'a' } }, signal()))).message).toMatch(
      /for id 'a' answered id 'b'/,
    );
    const renamed = guardConnector({
      ...base,
      capabilities: { ...base.capabilities, rename: true },
      rename: async () => ({ id: 'other', name: 'cn=x' }),
    });
    expect(
      (await failure(renamed.rename!({ objectType: 'User', ref: { id: 'a' }, newName: 'cn=x' }, signal())))
        .code,
    ).toBe('invalid_response');
  });

  it('refuses a page larger than the page size, and a page that answers the cursor it was given', async () => {
    const base = sample();
    const big = guardConnector({
      ...base,
      list: (r, s) => base.list!({ ...r, pageSize: r.pageSize + 1 }, s),
    });
    await base.create(user, signal());
    await base.create({ objectType: 'User', attributes: { userName: 'bob' } }, signal());
    const e1 = await failure(big.list!({ objectType: 'User', pageSize: 1 }, signal()));
    expect(e1.message).toBe('list() with pageSize 1 answered 2 objects');
    const stuck = guardConnector({
      ...base,
      list: async (r) => ({ objects: [], nextCursor: r.cursor ?? 'c' }),
    });
    expect(await stuck.list!({ objectType: 'User', pageSize: 1 }, signal())).toEqual({
      objects: [],
      nextCursor: 'c',
    });
    const e2 = await failure(stuck.list!({ objectType: 'User', pageSize: 1, cursor: 'c' }, signal()));
    expect(e2.message).toMatch(/never end/);
  });

  it('checks that a batch answers one result per item and classifies item errors', async () => {
    const base = sample();
    const short = guardConnector({ ...base, createBatch: async () => [] });
    expect((await failure(short.createBatch!([user, user], signal()))).message).toMatch(
      /one result per request \(2\)/,
    );
    const itemError = guardConnector({
      ...base,
      createBatch: async () => [{ ok: false, error: { code: 'throttled' } } as never],
    });
    const [result] = await itemError.createBatch!([user], signal());
    expect(result).toMatchObject({ ok: false, error: { code: 'throttled' } });
  });

  it('refuses a find by an attribute the capabilities do not list', async () => {
    const guarded = guardConnector(sample());
    const error = await failure(
      guarded.find!({ objectType: 'User', attribute: 'mail', value: 'a@b' }, signal()),
    );
    expect(error.code).toBe('schema_violation');
    expect(error.message).toMatch(
      /find\(\) by 'mail' is not declared; capability find lists userName, displayName/,
    );
    expect(
      await guarded.find!({ objectType: 'User', attribute: 'userName', value: 'nobody' }, signal()),
    ).toEqual([]);
  });

  it("refuses an operation the request's object type is not granted (byType), and finds by its own attributes", async () => {
    const base = sample();
    const called: string[] = [];
    const guarded = guardConnector({
      ...base,
      capabilities: {
        ...base.capabilities,
        byType: {
          Group: {
            read: false,
            find: { attributes: ['displayName'] },
            list: false,
            update: false,
            delete: false,
          },
        },
      },
      get: async () => (called.push('get'), { id: '1', objectType: 'Group', attributes: {} }),
      find: async () => (called.push('find'), []),
    });
    const group = { objectType: 'Group' as const, ref: { id: '1' } };
    const refusals = await Promise.all([
      failure(guarded.get!(group, signal())),
      failure(guarded.list!({ objectType: 'Group', pageSize: 10 }, signal())),
      failure(guarded.update!({ ...group, changes: [] }, signal())),
      failure(guarded.delete!(group, signal())),
      failure(guarded.find!({ objectType: 'Group', attribute: 'userName', value: 'x' }, signal())),
    ]);
    expect(refusals.map((e) => `${e.code}: ${e.message}`)).toEqual([
      'connector_failure: get() of a Group is not declared: capabilities.byType.Group.read is false',
      'connector_failure: list() of a Group is not declared: capabilities.byType.Group.list is false',
      'connector_failure: update() of a Group is not declared: capabilities.byType.Group.update is false',
      'connector_failure: delete() of a Group is not declared: capabilities.byType.Group.delete is false',
      "schema_violation: find() by 'userName' is not declared; capability find lists displayName",
    ]);
    expect(called).toEqual([]);
    await guarded.find!({ objectType: 'Group', attribute: 'displayName', value: 'x' }, signal());
    await guarded.get!({ objectType: 'User', ref: { id: '1' } }, signal()).catch(() => undefined);
    expect(called).toEqual(['find', 'get']);
  });

  it('refuses an already aborted signal without calling the connector', async () => {
    let called = false;
    const guarded = guardConnector({
      ...sample(),
      testConnection: async () => {
        called = true;
      },
    });
    const controller = new AbortController();
    controller.abort();
    expect((await failure(guarded.testConnection(controller.signal))).code).toBe('timeout');
    expect(called).toBe(false);
  });

  it('refuses an update whose changes are malformed before the connector sees it', async () => {
    let called = false;
    const guarded = guardConnector({
      ...sample(),
      update: async () => {
        called = true;
      },
    });
    const change = { attribute: 'displayName', oldValue: null, newValue: 'x' };
    const error = await failure(
      guarded.update!({ objectType: 'User', ref: { id: 'a' }, changes: [change, change] }, signal()),
    );
    expect(error.code).toBe('schema_violation');
    expect(error.message).toMatch(/changed twice/);
    expect(called).toBe(false);
  });

  it('passes the new ref an update answers after a rename, and refuses one out of shape', async () => {
    const change = { attribute: 'cn', oldValue: 'a', newValue: 'b' };
    const request = { objectType: 'User' as const, ref: { id: 'a', name: 'cn=a' }, changes: [change] };
    const renaming = guardConnector({ ...sample(), update: async () => ({ id: 'a', name: 'cn=b' }) });
    expect(await renaming.update!(request, signal())).toEqual({ id: 'a', name: 'cn=b' });
    const quiet = guardConnector({ ...sample(), update: async () => undefined });
    expect(await quiet.update!(request, signal())).toBeUndefined();
    const broken = guardConnector({
      ...sample(),
      update: async () => ({ id: '' }) as unknown as { id: string },
    });
    expect((await failure(broken.update!(request, signal()))).code).toBe('invalid_response');
  });
});
