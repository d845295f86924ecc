import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConnectorError, ConnectorRegistry, type Connector } from '../spi/index.js';
import { MemoryTarget } from './memory-connector.js';
import { createMemoryDefinition } from './memory-definition.js';

const signal = () => AbortSignal.timeout(5000);
const user = (userName: string) => ({ objectType: 'User' as const, attributes: { userName } });

async function rejection(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

async function walk(connector: Connector, pageSize: number, between?: (page: number) => Promise<void>) {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; ; page++) {
    const result = await connector.list!(
      { objectType: 'User', pageSize, ...(cursor ? { cursor } : {}) },
      signal(),
    );
    ids.push(...result.objects.map((o) => o.id));
    if (result.nextCursor === undefined) return ids;
    cursor = result.nextCursor;
    await between?.(page);
  }
}

describe('MemoryTarget connector shape', () => {
  it('has only the methods its capabilities declare', () => {
    const keys = (t: MemoryTarget) => Object.keys(t.connector()).sort();
    expect(keys(new MemoryTarget())).toEqual(
      [
        'addMembers',
        'capabilities',
        'create',
        'createBatch',
        'delete',
        'find',
        'get',
        'list',
        'removeMembers',
        'rename',
        'setEnabled',
        'testConnection',
        'update',
      ].sort(),
    );
    expect(
      keys(
        new MemoryTarget({
          capabilities: { disable: false, rename: false, membership: { kind: 'none' }, batchCreate: false },
        }),
      ),
    ).toEqual(['capabilities', 'create', 'delete', 'find', 'get', 'list', 'testConnection', 'update']);
  });

  it('refuses capability overrides that do not validate', () => {
    expect(() => new MemoryTarget({ capabilities: { objectTypes: ['User'] } })).toThrow(
      /capabilities\.membership: needs Group in objectTypes/,
    );
  });
});

describe('MemoryTarget faults', () => {
  it('fails the next N calls in scope with the given code, then works', async () => {
    const target = new MemoryTarget();
    const c = target.connector();
    target.faults.failNext(2, { code: 'throttled', retryAfterMs: 1500, operations: ['create'] });
    await c.testConnection(signal());
    const first = await rejection(c.create(user('a'), signal()));
    expect(first).toMatchObject({ code: 'throttled', retryAfterMs: 1500, retryable: true });
    expect((await rejection(c.create(user('a'), signal()))).code).toBe('throttled');
    await c.create(user('a'), signal());
    expect(target.count('User')).toBe(1);
    expect(target.calls('create')).toBe(3);
    expect(target.failures('create')).toBe(2);
  });

  it('fails at a seeded rate, the same calls for the same seed', async () => {
    const pattern = async (seed: number) => {
      const target = new MemoryTarget();
      target.faults.failRate(0.3, { code: 'unavailable' }, seed);
      const c = target.connector();
      const outcomes: boolean[] = [];
      for (let i = 0; i < 200; i++)
        outcomes.push(
          await c.testConnection(signal()).then(
            () => true,
            () => false,
          ),
        );
      return outcomes;
    };
    const a = await pattern(7);
    expect(await pattern(7)).toEqual(a);
    expect(await pattern(8)).not.toEqual(a);
    const failed = a.filter((ok) => !ok).length;
    expect(failed).toBeGreaterThan(30);
    expect(failed).toBeLessThan(90);
  });

  it('loses the answer of a write that took effect', async () => {
    const target = new MemoryTarget();
    const c = target.connector();
    target.faults.loseAnswers(1, { operations: ['create'] });
    const error = await rejection(c.create(user('ada'), signal()));
    expect(error.code).toBe('timeout');
    // The write happened: a retry of the create collides, and find shows the account.
    expect(target.objects('User').map((o) => o.attributes.userName)).toEqual(['ada']);
    expect((await rejection(c.create(user('ada'), signal()))).code).toBe('already_exists');
    expect(await c.find!({ objectType: 'User', attribute: 'userName', value: 'ADA' }, signal())).toHaveLength(
      1,
    );
  });

  it('waits for the latency and stops waiting when the signal aborts', async () => {
    const target = new MemoryTarget();
    const c = target.connector();
    target.faults.setLatency(30);
    const started = performance.now();
    await c.testConnection(signal());
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    target.faults.setLatency(10_000);
    const error = await rejection(c.create(user('slow'), AbortSignal.timeout(20)));
    expect(error.code).toBe('timeout');
    expect(target.count('User')).toBe(0);
    target.faults.clear();
    await c.create(user('fast'), signal());
  });
});

describe('MemoryTarget data', () => {
  it('starts with seeded accounts (brownfield) that count no calls', async () => {
    const target = new MemoryTarget({
      objects: {
        User: [{ id: 'legacy-1', attributes: { userName: 'old.account', department: 'Sales' } }],
        Group: [{ attributes: { displayName: 'Sales' }, members: ['legacy-1'] }],
      },
    });
    const c = target.connector();
    expect(target.calls()).toBe(0);
    const [found] = await c.find!(
      { objectType: 'User', attribute: 'userName', value: 'old.account' },
      signal(),
    );
    expect(found).toMatchObject({ id: 'legacy-1', enabled: true });
    const [group] = target.objects('Group');
    expect(group!.members).toEqual(['legacy-1']);
    expect(() => target.seed('User', [{ attributes: { userName: 'OLD.ACCOUNT' } }])).toThrow(/exists/);
  });

  it('enforces required and unique attributes, and case-sensitivity when asked', async () => {
    const c = new MemoryTarget().connector();
    expect(
      (await rejection(c.create({ objectType: 'User', attributes: { displayName: 'x' } }, signal()))).code,
    ).toBe('schema_violation');
    await c.create(user('ada'), signal());
    expect((await rejection(c.create(user('ADA'), signal()))).code).toBe('already_exists');
    const exact = new MemoryTarget({ caseExact: true }).connector();
    await exact.create(user('ada'), signal());
    await exact.create(user('ADA'), signal());
  });

  it('removes a deleted user from native groups and from member attributes', async () => {
    for (const membership of [
      { kind: 'native' as const },
      { kind: 'attribute' as const, attribute: 'members', reference: 'id' as const },
    ]) {
      const target = new MemoryTarget({ capabilities: { membership } });
      const c = target.connector();
      const u = await c.create(user('ada'), signal());
      const g = await c.create(
        {
          objectType: 'Group',
          attributes: { displayName: 'G', ...(membership.kind === 'attribute' ? { members: [u.id] } : {}) },
        },
        signal(),
      );
      if (membership.kind === 'native') await c.addMembers!({ group: g, members: [u] }, signal());
      await c.delete!({ objectType: 'User', ref: u }, signal());
      const group = target.object('Group', g.id)!;
      expect(membership.kind === 'native' ? group.members : group.attributes.members).toEqual(
        membership.kind === 'native' ? [] : undefined,
      );
    }
  });

  it('refuses a member attribute that names an object the target does not hold', async () => {
    const c = new MemoryTarget({
      capabilities: { membership: { kind: 'attribute', attribute: 'member', reference: 'name' } },
    }).connector();
    const error = await rejection(
      c.create(
        { objectType: 'Group', name: 'cn=g', attributes: { displayName: 'G', member: ['cn=nobody'] } },
        signal(),
      ),
    );
    expect(error.code).toBe('not_found');
  });

  it('a rename keeps the id and updates member attributes that reference names', async () => {
    const target = new MemoryTarget({
      capabilities: { membership: { kind: 'attribute', attribute: 'member', reference: 'name' } },
    });
    const c = target.connector();
    const u = await c.create({ ...user('ada'), name: 'cn=ada,ou=people' }, signal());
    const g = await c.create(
      { objectType: 'Group', name: 'cn=g', attributes: { displayName: 'G', member: ['cn=ada,ou=people'] } },
      signal(),
    );
    expect(await c.rename!({ objectType: 'User', ref: u, newName: 'cn=ada,ou=staff' }, signal())).toEqual({
      id: u.id,
      name: 'cn=ada,ou=staff',
    });
    expect(target.object('Group', g.id)!.attributes.member).toEqual(['cn=ada,ou=staff']);
  });

  it('a batch larger than maxItems is refused as a whole', async () => {
    const target = new MemoryTarget({ capabilities: { batchCreate: { maxItems: 2 } } });
    const error = await rejection(
      target.connector().createBatch!([user('a'), user('b'), user('c')], signal()),
    );
    expect(error.code).toBe('schema_violation');
    expect(target.count('User')).toBe(0);
  });
});

describe('MemoryTarget paging', () => {
  it('pages cover every object exactly once, for any number of objects, page size and cap', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 50 }),
        fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
        async (count, pageSize, maxPageSize) => {
          const target = new MemoryTarget({
            capabilities: { list: { paging: true, ...(maxPageSize ? { maxPageSize } : {}) } },
          });
          target.seed(
            'User',
            Array.from({ length: count }, (_, i) => ({ attributes: { userName: `u${i}` } })),
          );
          const ids = await walk(target.connector(), pageSize);
          expect(ids).toEqual(target.objects('User').map((o) => o.id));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('objects present for the whole walk appear exactly once even when others are added and deleted between pages', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 7 }),
        fc.array(fc.tuple(fc.boolean(), fc.nat()), { maxLength: 20 }),
        async (count, pageSize, edits) => {
          const target = new MemoryTarget();
          const c = target.connector();
          const seeded = target.seed(
            'User',
            Array.from({ length: count }, (_, i) => ({ attributes: { userName: `s${i}` } })),
          );
          const extra: string[] = [];
          let n = 0;
          const ids = await walk(c, pageSize, async (page) => {
            // One edit per page for the first pages only: new ids sort after the cursor, so endless
            // additions would keep the walk going forever.
            const edit = edits[page];
            if (edit === undefined) return;
            const [add, pick] = edit;
            if (add || extra.length === 0) extra.push((await c.create(user(`x${n++}`), signal())).id);
            else
              await c.delete!(
                { objectType: 'User', ref: { id: extra.splice(pick % extra.length, 1)[0]! } },
                signal(),
              );
          });
          expect(new Set(ids).size).toBe(ids.length);
          for (const object of seeded) expect(ids.filter((id) => id === object.id)).toHaveLength(1);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('the memory kind in the registry', () => {
  it('opens from settings, seeds accounts, and hands the target to the test', async () => {
    let target: MemoryTarget | undefined;
    const registry = new ConnectorRegistry().register(
      createMemoryDefinition({ onTarget: (t) => (target = t) }),
    );
    const connector = await registry.open({
      kind: 'memory',
      settings: {
        capabilities: { disable: false },
        objects: { User: [{ id: 'e1', attributes: { userName: 'existing' } }] },
      },
    });
    expect(connector.capabilities.disable).toBe(false);
    expect(connector.setEnabled).toBeUndefined();
    target!.faults.failNext(1, { code: 'invalid_credentials' });
    expect((await rejection(connector.testConnection(signal()))).code).toBe('invalid_credentials');
    expect((await connector.get!({ objectType: 'User', ref: { id: 'e1' } }, signal())).attributes).toEqual({
      userName: 'existing',
    });
  });

  it('reports bad settings naming the path', async () => {
    const registry = new ConnectorRegistry().register(createMemoryDefinition());
    const error = await registry
      .open({ kind: 'memory', settings: { caseExact: 'no' } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_settings' });
    expect((error as Error).message).toMatch(/connector\.settings\.caseExact:/);
  });
});
