import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../shared/json.js';
import { ScimError } from '../scim-error.js';
import { SchemaUrn } from '../schema/schema-types.js';
import { BulkIdResolver } from './bulk-id-resolver.js';
import { planBulkOperations } from './bulk-plan.js';
import { parseBulkRequest, shouldStopBulk, type BulkOperation } from './bulk-request.js';
import { buildBulkResponse, bulkErrorResult, type BulkOperationResult } from './bulk-response.js';
import { errorOf } from '../../../test/support/scim-error-of.js';

const limits = { maxOperations: 1000, maxPayloadSize: 1_048_576 };
const bulk = (operations: unknown[], extra: JsonObject = {}): JsonObject => ({
  schemas: [SchemaUrn.bulkRequest],
  ...extra,
  Operations: operations as JsonObject[],
});

/** RFC 7644 §3.7.1 example request. */
const rfcRequest = bulk(
  [
    {
      method: 'POST',
      path: '/Users',
      bulkId: 'qwerty',
      data: { schemas: [SchemaUrn.user], userName: 'Alice' },
    },
    {
      method: 'PUT',
      path: '/Users/b7c14771-226c-4d05-8860-134711653041',
      version: 'W/"3694e05e9dff591"',
      data: { schemas: [SchemaUrn.user], id: 'b7c14771-226c-4d05-8860-134711653041', userName: 'Bob' },
    },
    {
      method: 'PATCH',
      path: '/Users/5d8d29d3-342c-4b5f-8683-a3cb6763ffcc',
      version: 'W/"edac3253e2c0ef2"',
      data: {
        schemas: [SchemaUrn.patchOp],
        Operations: [
          { op: 'remove', path: 'nickName' },
          { op: 'replace', path: 'userName', value: 'Dave' },
        ],
      },
    },
    { method: 'DELETE', path: '/Users/e9025315-6bea-44e1-899c-1e07454e468b', version: 'W/"0ee8add0a938e1a"' },
  ],
  { failOnErrors: 1 },
);

/** RFC 7644 §3.7.2: a group referencing a user created in the same request, listed first. */
const forwardReference = bulk([
  {
    method: 'POST',
    path: '/Groups',
    bulkId: 'ytrewq',
    data: {
      schemas: [SchemaUrn.group],
      displayName: 'Tour Guides',
      members: [{ type: 'User', value: 'bulkId:qwerty' }],
    },
  },
  {
    method: 'POST',
    path: '/Users',
    bulkId: 'qwerty',
    data: { schemas: [SchemaUrn.user], userName: 'Alice' },
  },
]);

/** RFC 7644 §3.7.1: Group A has member Group B and Group B has member Group A. */
const circular = bulk([
  {
    method: 'POST',
    path: '/Groups',
    bulkId: 'qwerty',
    data: {
      schemas: [SchemaUrn.group],
      displayName: 'Group A',
      members: [{ type: 'Group', value: 'bulkId:ytrewq' }],
    },
  },
  {
    method: 'POST',
    path: '/Groups',
    bulkId: 'ytrewq',
    data: {
      schemas: [SchemaUrn.group],
      displayName: 'Group B',
      members: [{ type: 'Group', value: 'bulkId:qwerty' }],
    },
  },
]);

/** A stand-in for the server's execution loop: creates ids, records results. */
function execute(
  body: JsonObject,
  failPosts: string[] = [],
): { results: BulkOperationResult[]; calls: { path: string; data?: JsonObject }[] } {
  const request = parseBulkRequest(body, limits);
  const plan = planBulkOperations(request.operations);
  const resolver = new BulkIdResolver();
  const results: BulkOperationResult[] = [];
  const calls: { path: string; data?: JsonObject }[] = [];
  let errors = 0;
  const fail = (op: BulkOperation, error: ScimError): void => {
    errors++;
    if (op.bulkId !== undefined && op.method === 'POST') resolver.recordFailed(op.bulkId, op.index);
    results.push(bulkErrorResult(op, error));
  };
  for (const [index, error] of plan.rejected) {
    const op = request.operations[index]!;
    fail(op, error);
  }
  for (const op of plan.order) {
    if (shouldStopBulk(errors, request.failOnErrors)) break;
    try {
      const resolved = resolver.resolve(op);
      calls.push(resolved);
      if (op.method === 'POST' && failPosts.includes(op.bulkId!))
        throw ScimError.uniqueness('userName taken');
      const id = op.method === 'POST' ? `id-${op.bulkId}` : resolved.path.split('/')[2]!;
      if (op.method === 'POST') resolver.recordCreated(op.bulkId!, id);
      const result: BulkOperationResult = {
        method: op.method,
        status: op.method === 'POST' ? 201 : op.method === 'DELETE' ? 204 : 200,
        location: `https://example.com/v2${resolved.path.split('/').slice(0, 2).join('/')}/${id}`,
      };
      if (op.bulkId !== undefined) result.bulkId = op.bulkId;
      results.push(result);
    } catch (error) {
      fail(op, error as ScimError);
    }
  }
  return { results, calls };
}

describe('parseBulkRequest (RFC 7644 §3.7)', () => {
  it('parses the §3.7.1 example', () => {
    const request = parseBulkRequest(rfcRequest, limits);
    expect(request.failOnErrors).toBe(1);
    expect(request.operations.map((o) => [o.method, o.path, o.bulkId, o.version])).toEqual([
      ['POST', '/Users', 'qwerty', undefined],
      ['PUT', '/Users/b7c14771-226c-4d05-8860-134711653041', undefined, 'W/"3694e05e9dff591"'],
      ['PATCH', '/Users/5d8d29d3-342c-4b5f-8683-a3cb6763ffcc', undefined, 'W/"edac3253e2c0ef2"'],
      ['DELETE', '/Users/e9025315-6bea-44e1-899c-1e07454e468b', undefined, 'W/"0ee8add0a938e1a"'],
    ]);
    expect(request.operations[3]!.data).toBeUndefined();
  });

  it('finds bulkId references in data and in paths', () => {
    const request = parseBulkRequest(
      bulk([
        { method: 'post', path: '/Users', bulkId: 'u1', data: { userName: 'a' } },
        {
          method: 'Patch',
          path: '/Users/bulkId:u1',
          data: { Operations: [{ op: 'add', path: 'manager', value: { value: 'bulkId:u2' } }] },
        },
        { method: 'POST', path: '/Users', bulkId: 'u2', data: { userName: 'b' } },
      ]),
      limits,
    );
    expect(request.operations.map((o) => [o.method, [...o.references].sort()])).toEqual([
      ['POST', []],
      ['PATCH', ['u1', 'u2']],
      ['POST', []],
    ]);
  });

  it.each<[string, unknown, number, string | undefined, string]>([
    ['not an object', [], 400, 'invalidSyntax', 'JSON object'],
    ['missing schema', { Operations: [] }, 400, 'invalidSyntax', 'schemas: must include'],
    [
      'Operations missing',
      { schemas: [SchemaUrn.bulkRequest] },
      400,
      'invalidSyntax',
      'Operations: expected array',
    ],
    ['bad method', bulk([{ method: 'GET', path: '/Users' }]), 400, 'invalidSyntax', 'Operations[0].method'],
    [
      'POST without bulkId',
      bulk([{ method: 'POST', path: '/Users', data: {} }]),
      400,
      'invalidValue',
      'Operations[0].bulkId: required',
    ],
    [
      'POST to a resource',
      bulk([{ method: 'POST', path: '/Users/1', bulkId: 'a', data: {} }]),
      400,
      'invalidValue',
      'Operations[0].path',
    ],
    [
      'PUT to an endpoint',
      bulk([{ method: 'PUT', path: '/Users', data: {} }]),
      400,
      'invalidValue',
      'Operations[0].path',
    ],
    [
      'PATCH without data',
      bulk([{ method: 'PATCH', path: '/Users/1' }]),
      400,
      'invalidSyntax',
      'Operations[0].data',
    ],
    ['path not a string', bulk([{ method: 'DELETE', path: 7 }]), 400, 'invalidSyntax', 'Operations[0].path'],
    [
      'duplicate bulkId',
      bulk([
        { method: 'POST', path: '/Users', bulkId: 'a', data: {} },
        { method: 'POST', path: '/Users', bulkId: 'a', data: {} },
      ]),
      400,
      'invalidValue',
      'Operations[1].bulkId: "a" is already used by Operations[0]',
    ],
    ['failOnErrors 0', bulk([], { failOnErrors: 0 }), 400, 'invalidSyntax', 'failOnErrors'],
    [
      'version not a string',
      bulk([{ method: 'DELETE', path: '/Users/1', version: 1 }]),
      400,
      'invalidSyntax',
      'Operations[0].version',
    ],
  ])('rejects %s', (_label, body, status, scimType, detail) => {
    const e = errorOf(() => parseBulkRequest(body, limits));
    expect([e.status, e.scimType]).toEqual([status, scimType]);
    expect(e.detail).toContain(detail);
  });

  it('413 tooMany over maxOperations or maxPayloadSize (RFC 7644 §3.7.4)', () => {
    const ops = Array.from({ length: 3 }, () => ({ method: 'DELETE', path: '/Users/1' }));
    const tooMany = errorOf(() => parseBulkRequest(bulk(ops), { maxOperations: 2 }));
    expect([tooMany.status, tooMany.scimType]).toEqual([413, 'tooMany']);
    const tooBig = errorOf(() => parseBulkRequest(bulk(ops), { maxOperations: 10, maxPayloadSize: 50 }));
    expect([tooBig.status, tooBig.scimType]).toEqual([413, 'tooMany']);
    expect(
      errorOf(() => parseBulkRequest(bulk([]), { maxOperations: 10, maxPayloadSize: 10, payloadSize: 11 }))
        .status,
    ).toBe(413);
  });

  it('refuses absurdly nested data with a ScimError, not a stack overflow', () => {
    let data: JsonObject = { v: 1 };
    for (let i = 0; i < 100_000; i++) data = { d: data };
    const e = errorOf(() =>
      parseBulkRequest(bulk([{ method: 'POST', path: '/Users', bulkId: 'a', data }]), { maxOperations: 1 }),
    );
    expect(e.detail).toContain('nested');
  });
});

describe('bulk planning and bulkId resolution (RFC 7644 §3.7.2)', () => {
  it('the §3.7.1 example executes in order and builds the §3.7.3 response', () => {
    const { results } = execute(rfcRequest);
    expect(buildBulkResponse(results)).toEqual({
      schemas: [SchemaUrn.bulkResponse],
      Operations: [
        {
          location: 'https://example.com/v2/Users/id-qwerty',
          method: 'POST',
          bulkId: 'qwerty',
          status: '201',
        },
        {
          location: 'https://example.com/v2/Users/b7c14771-226c-4d05-8860-134711653041',
          method: 'PUT',
          status: '200',
        },
        {
          location: 'https://example.com/v2/Users/5d8d29d3-342c-4b5f-8683-a3cb6763ffcc',
          method: 'PATCH',
          status: '200',
        },
        {
          location: 'https://example.com/v2/Users/e9025315-6bea-44e1-899c-1e07454e468b',
          method: 'DELETE',
          status: '204',
        },
      ],
    });
  });

  it('runs a referenced POST first and substitutes the created id (forward reference)', () => {
    const { calls } = execute(forwardReference);
    expect(calls[0]!.path).toBe('/Users');
    expect(calls[1]!.data!.members).toEqual([{ type: 'User', value: 'id-qwerty' }]);
    // The request body itself is not modified.
    expect(((forwardReference.Operations as JsonObject[])[0]!.data as JsonObject).members).toEqual([
      { type: 'User', value: 'bulkId:qwerty' },
    ]);
  });

  it('substitutes bulkIds in paths', () => {
    const { calls } = execute(
      bulk([
        { method: 'PATCH', path: '/Users/bulkId:u1', data: { schemas: [SchemaUrn.patchOp], Operations: [] } },
        { method: 'POST', path: '/Users', bulkId: 'u1', data: { userName: 'x' } },
      ]),
    );
    expect(calls.map((c) => c.path)).toEqual(['/Users', '/Users/id-u1']);
  });

  it('the circular example of §3.7.1 is rejected with 409 naming the cycle', () => {
    const request = parseBulkRequest(circular, limits);
    const plan = planBulkOperations(request.operations);
    expect(plan.order).toEqual([]);
    const e0 = plan.rejected.get(0)!;
    expect([e0.status, e0.scimType]).toEqual([409, undefined]);
    expect(e0.detail).toContain('circular bulkId references');
    expect(e0.detail).toContain(
      'bulkId:qwerty (Operations[0]) -> bulkId:ytrewq (Operations[1]) -> bulkId:qwerty (Operations[0])',
    );
    expect(plan.rejected.get(1)!.status).toBe(409);
    const response = buildBulkResponse(execute(circular).results);
    expect(
      (response.Operations as JsonObject[]).map((o) => [
        o.bulkId,
        o.status,
        (o.response as JsonObject).status,
      ]),
    ).toEqual([
      ['qwerty', '409', '409'],
      ['ytrewq', '409', '409'],
    ]);
  });

  it('rejects self-references, dependants of cycles, and unknown bulkIds; runs the rest', () => {
    const request = parseBulkRequest(
      bulk([
        { method: 'POST', path: '/Groups', bulkId: 'self', data: { members: [{ value: 'bulkId:self' }] } },
        { method: 'POST', path: '/Groups', bulkId: 'child', data: { members: [{ value: 'bulkId:self' }] } },
        { method: 'POST', path: '/Users', bulkId: 'ok', data: { userName: 'x' } },
        { method: 'PATCH', path: '/Users/bulkId:nowhere', data: {} },
      ]),
      limits,
    );
    const plan = planBulkOperations(request.operations);
    expect(plan.order.map((o) => o.index)).toEqual([2]);
    expect(plan.rejected.get(0)!.detail).toContain('circular');
    expect(plan.rejected.get(1)!.detail).toContain('depends on bulkId:self (Operations[0])');
    expect([plan.rejected.get(3)!.status, plan.rejected.get(3)!.scimType]).toEqual([400, 'invalidValue']);
  });

  it('an operation referencing a failed POST fails with 409; failOnErrors stops processing', () => {
    const body = bulk([
      { method: 'POST', path: '/Users', bulkId: 'a', data: { userName: 'x' } },
      { method: 'POST', path: '/Groups', bulkId: 'g', data: { members: [{ value: 'bulkId:a' }] } },
    ]);
    const { results } = execute(body, ['a']);
    expect(results.map((r) => [r.bulkId, r.status])).toEqual([
      ['a', 409],
      ['g', 409],
    ]);
    expect(results[1]!.error!.detail).toContain('Operations[0] failed');
    const stopped = execute({ ...body, failOnErrors: 1 }, ['a']);
    expect(stopped.results).toHaveLength(1);
  });

  it('error results carry the RFC 7644 §3.12 body with the status as a string', () => {
    const response = buildBulkResponse([
      bulkErrorResult(
        { method: 'POST', bulkId: 'qwerty' },
        ScimError.invalidSyntax('Request is unparsable, syntactically incorrect, or violates schema.'),
      ),
    ]);
    expect(response).toEqual({
      schemas: [SchemaUrn.bulkResponse],
      Operations: [
        {
          method: 'POST',
          bulkId: 'qwerty',
          status: '400',
          response: {
            schemas: [SchemaUrn.error],
            scimType: 'invalidSyntax',
            detail: 'Request is unparsable, syntactically incorrect, or violates schema.',
            status: '400',
          },
        },
      ],
    });
  });

  it('property: the plan puts every creator before its dependants and rejects exactly the operations on or behind cycles', () => {
    const graph = fc.integer({ min: 1, max: 12 }).chain((n) =>
      fc.array(fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 3 }), {
        minLength: n,
        maxLength: n,
      }),
    );
    fc.assert(
      fc.property(graph, (edges) => {
        const ops = edges.map((targets, i) => ({
          method: 'POST',
          path: '/Groups',
          bulkId: `b${i}`,
          data: { members: targets.map((t) => ({ value: `bulkId:b${t}` })) },
        }));
        const request = parseBulkRequest(bulk(ops), limits);
        const plan = planBulkOperations(request.operations);
        const position = new Map(plan.order.map((o, i) => [o.index, i]));
        expect(plan.order.length + plan.rejected.size).toBe(edges.length);
        // Reachability: an operation is runnable iff none of its transitive dependencies is on a cycle.
        const reaches = (from: number, to: number): boolean => {
          const seen = new Set<number>();
          const stack = [...edges[from]!];
          while (stack.length) {
            const x = stack.pop()!;
            if (x === to) return true;
            if (!seen.has(x)) {
              seen.add(x);
              stack.push(...edges[x]!);
            }
          }
          return false;
        };
        const cyclic = edges.map((_, i) => reaches(i, i));
        for (let i = 0; i < edges.length; i++) {
          const blocked = cyclic[i] || edges.some((_, j) => cyclic[j] && reaches(i, j));
          expect(plan.rejected.has(i)).toBe(blocked);
          if (!blocked) for (const t of edges[i]!) expect(position.get(t)!).toBeLessThan(position.get(i)!);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('bulk robustness', () => {
  it('parseBulkRequest + planBulkOperations never throw anything but ScimError on arbitrary JSON', () => {
    const op = fc.record(
      {
        method: fc.oneof(
          fc.constantFrom('POST', 'put', 'PATCH', 'DELETE', 'GET'),
          fc.jsonValue({ maxDepth: 1 }),
        ),
        path: fc.oneof(
          fc.constantFrom('/Users', '/Groups/1', '/Users/bulkId:a', '/', 'Users'),
          fc.string({ maxLength: 8 }),
        ),
        bulkId: fc.oneof(fc.constantFrom('a', 'b', ''), fc.jsonValue({ maxDepth: 1 })),
        data: fc.oneof(
          fc.jsonValue({ maxDepth: 3 }),
          fc.constant({ members: [{ value: 'bulkId:a' }, { value: 'bulkId:b' }] }),
        ),
        version: fc.jsonValue({ maxDepth: 1 }),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record(
        { failOnErrors: fc.jsonValue({ maxDepth: 1 }), Operations: fc.array(op, { maxLength: 6 }) },
        { requiredKeys: ['Operations'] },
      ),
    );
    fc.assert(
      fc.property(body, (b) => {
        try {
          const request = parseBulkRequest(
            { schemas: [SchemaUrn.bulkRequest], ...(b as JsonObject) },
            { maxOperations: 5, maxPayloadSize: 4000 },
          );
          const plan = planBulkOperations(request.operations);
          const resolver = new BulkIdResolver();
          for (const o of plan.order) {
            try {
              resolver.resolve(o);
              if (o.method === 'POST') resolver.recordCreated(o.bulkId!, `id-${o.index}`);
            } catch (error) {
              if (!(error instanceof ScimError)) throw error;
            }
          }
        } catch (error) {
          if (!(error instanceof ScimError)) throw error;
        }
      }),
      { numRuns: 500 },
    );
  });
});
