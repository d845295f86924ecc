/** POST /Bulk (RFC 7644 §3.7): bulkId references, failOnErrors with rollback, per-operation results. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKENDS,
  GROUP_SCHEMA,
  PATCH_SCHEMA,
  USER_SCHEMA,
  startTestServer,
  type TestServer,
} from './server-harness.js';

const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const BULK_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

const postUser = (bulkId: string, userName: string) => ({
  method: 'POST',
  path: '/Users',
  bulkId,
  data: { schemas: [USER_SCHEMA], userName },
});

describe.each(BACKENDS)('Bulk (%s)', (backend) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(backend);
  });
  afterAll(async () => {
    await s?.close();
  });

  async function lastSeq(): Promise<number> {
    const page = await s.store.readChanges(0, 100_000);
    if (page.status !== 'ok') throw new Error('resync');
    return page.lastSeq;
  }

  async function userExists(userName: string): Promise<boolean> {
    const r = await s.request('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
    return r.body.totalResults === 1;
  }

  it('resolves bulkId references, even to a POST later in the request', async () => {
    const r = await s.request('POST', '/Bulk', {
      schemas: [BULK_REQUEST],
      Operations: [
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'g1',
          data: { schemas: [GROUP_SCHEMA], displayName: 'Bulk Group', members: [{ value: 'bulkId:u1' }] },
        },
        postUser('u1', 'bulk.ref@example.com'),
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body.schemas).toEqual([BULK_RESPONSE]);
    const ops = r.body.Operations as { bulkId: string; status: string; location: string; version: string }[];
    expect(ops.map((o) => [o.bulkId, o.status])).toEqual([
      ['u1', '201'],
      ['g1', '201'],
    ]);
    const userId = ops[0]!.location.split('/').pop();
    expect(ops[0]!.version).toMatch(/^W\/"\d+"$/);
    const group = await s.request('GET', ops[1]!.location.slice(s.base.length));
    expect(group.body.members.map((m: { value: string }) => m.value)).toEqual([userId]);
  });

  it('without failOnErrors each operation commits on its own', async () => {
    await s.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'taken@example.com' });
    const r = await s.request('POST', '/Bulk', {
      schemas: [BULK_REQUEST],
      Operations: [
        postUser('a', 'independent-a@example.com'),
        postUser('b', 'taken@example.com'),
        postUser('c', 'independent-c@example.com'),
      ],
    });
    expect(r.status).toBe(200);
    const ops = r.body.Operations;
    expect(ops.map((o: { status: string }) => o.status)).toEqual(['201', '409', '201']);
    expect(ops[1].response.scimType).toBe('uniqueness');
    expect(await userExists('independent-a@example.com')).toBe(true);
    expect(await userExists('independent-c@example.com')).toBe(true);
  });

  it('failOnErrors reached: everything is rolled back and reported, no trace in the change feed', async () => {
    await s.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'occupied@example.com' });
    const before = await lastSeq();
    const r = await s.request('POST', '/Bulk', {
      schemas: [BULK_REQUEST],
      failOnErrors: 1,
      Operations: [
        postUser('x', 'rolled-back@example.com'),
        postUser('y', 'occupied@example.com'),
        postUser('z', 'never-run@example.com'),
      ],
    });
    expect(r.status).toBe(200);
    const ops = r.body.Operations;
    expect(ops.map((o: { status: string }) => o.status)).toEqual(['424', '409']);
    expect(ops[0].location).toBeUndefined();
    expect(ops[0].response.detail).toMatch(/rolled back/);
    expect(await userExists('rolled-back@example.com')).toBe(false);
    expect(await userExists('never-run@example.com')).toBe(false);
    expect(await lastSeq()).toBe(before);
  });

  it('failOnErrors not reached: the transaction commits the successful operations', async () => {
    const r = await s.request('POST', '/Bulk', {
      schemas: [BULK_REQUEST],
      failOnErrors: 2,
      Operations: [
        postUser('p', 'kept-p@example.com'),
        postUser('q', 'occupied@example.com'),
        postUser('r', 'kept-r@example.com'),
      ],
    });
    expect(r.body.Operations.map((o: { status: string }) => o.status)).toEqual(['201', '409', '201']);
    expect(await userExists('kept-p@example.com')).toBe(true);
    expect(await userExists('kept-r@example.com')).toBe(true);
  });

  it('PUT, PATCH and DELETE with version; an undefined bulkId reference fails that operation', async () => {
    const created = await s.request('POST', '/Users', {
      schemas: [USER_SCHEMA],
      userName: 'bulk.edit@example.com',
    });
    const id = created.body.id;
    const r = await s.request('POST', '/Bulk', {
      schemas: [BULK_REQUEST],
      Operations: [
        {
          method: 'PATCH',
          path: `/Users/${id}`,
          version: created.headers.get('etag'),
          data: {
            schemas: [PATCH_SCHEMA],
            Operations: [{ op: 'replace', path: 'displayName', value: 'Edited' }],
          },
        },
        {
          method: 'PUT',
          path: `/Users/${id}`,
          version: 'W/"1"',
          data: { schemas: [USER_SCHEMA], userName: 'bulk.edit@example.com' },
        },
        {
          method: 'PATCH',
          path: '/Users/bulkId:ghost',
          data: { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'displayName', value: 'x' }] },
        },
        { method: 'DELETE', path: `/Users/${id}` },
      ],
    });
    const ops = r.body.Operations;
    expect(ops.map((o: { status: string }) => o.status)).toEqual(['200', '412', '400', '204']);
    expect(ops[2].response.scimType).toBe('invalidValue');
    expect((await s.request('GET', `/Users/${id}`)).status).toBe(404);
  });

  it('a cycle of bulkId references fails each operation in it with 409 naming the cycle (RFC 7644 §3.7.1)', async () => {
    const r = await s.request('POST', '/Bulk', {
      schemas: [BULK_REQUEST],
      Operations: [
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'ga',
          data: { schemas: [GROUP_SCHEMA], displayName: 'cycle-a', members: [{ value: 'bulkId:gb' }] },
        },
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'gb',
          data: { schemas: [GROUP_SCHEMA], displayName: 'cycle-b', members: [{ value: 'bulkId:ga' }] },
        },
      ],
    });
    const ops = r.body.Operations as { bulkId: string; status: string; response: Record<string, string> }[];
    expect(ops.map((o) => [o.bulkId, o.status])).toEqual([
      ['ga', '409'],
      ['gb', '409'],
    ]);
    for (const op of ops) {
      expect(op.response.status).toBe('409');
      expect(op.response.scimType).toBeUndefined();
      expect(op.response.detail).toContain(
        'circular bulkId references: bulkId:ga (Operations[0]) -> bulkId:gb',
      );
    }
    const left = await s.request('GET', `/Groups?filter=${encodeURIComponent('displayName sw "cycle-"')}`);
    expect(left.body.totalResults).toBe(0);
  });

  it('an operation referring to a POST that failed fails with 409 (RFC 7644 §3.7.3)', async () => {
    await s.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'dup-ref@example.com' });
    const r = await s.request('POST', '/Bulk', {
      schemas: [BULK_REQUEST],
      Operations: [
        postUser('dup', 'dup-ref@example.com'),
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'needs-dup',
          data: { schemas: [GROUP_SCHEMA], displayName: 'needs-dup', members: [{ value: 'bulkId:dup' }] },
        },
      ],
    });
    const ops = r.body.Operations;
    expect(ops.map((o: { status: string }) => o.status)).toEqual(['409', '409']);
    expect(ops[0].response.scimType).toBe('uniqueness');
    expect(ops[1].response.scimType).toBeUndefined();
    expect(ops[1].response.detail).toContain('bulkId:dup could not be resolved because Operations[0] failed');
    const group = await s.request(
      'GET',
      `/Groups?filter=${encodeURIComponent('displayName eq "needs-dup"')}`,
    );
    expect(group.body.totalResults).toBe(0);
  });
});

describe('Bulk payload limit (sqlite)', () => {
  it('accepts a body over the general body limit but under maxPayloadSize', async () => {
    const s = await startTestServer('sqlite', { bodyLimit: 2048, bulk: { maxPayloadSize: 64 * 1024 } });
    try {
      const r = await s.request('POST', '/Bulk', {
        schemas: [BULK_REQUEST],
        Operations: [
          {
            method: 'POST',
            path: '/Users',
            bulkId: 'big',
            data: { schemas: [USER_SCHEMA], userName: 'big@x', title: 'n'.repeat(4000) },
          },
        ],
      });
      expect(r.status).toBe(200);
      expect(r.body.Operations[0].status).toBe('201');
      const spc = await s.request('GET', '/ServiceProviderConfig');
      expect(spc.body.bulk.maxPayloadSize).toBe(64 * 1024);
    } finally {
      await s.close();
    }
  });
});
