/**
 * Arbitrary JSON at every write endpoint: always a 4xx or a success with a SCIM body, never a 500.
 * Bodies are random JSON values, and random objects shaped like the expected message so that the
 * checks past the envelope run too.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GROUP_SCHEMA,
  PATCH_SCHEMA,
  USER_SCHEMA,
  startTestServer,
  type TestServer,
} from './server-harness.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 40);

const attributeName = fc.constantFrom(
  'userName',
  'displayName',
  'active',
  'emails',
  'name',
  'members',
  'externalId',
  'id',
  'meta',
  'groups',
  'name.givenName',
  'emails[type eq "work"].value',
  'members[value eq "x"]',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager',
  'bogus',
  '',
  'emails[',
  'members[value eq "x"].display',
);
const value = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom('True', 'False', 'bulkId:x', null, [], {}),
);

const patchBody = fc.record({
  schemas: fc.constant([PATCH_SCHEMA]),
  Operations: fc.array(
    fc.record(
      {
        op: fc.constantFrom('add', 'Add', 'replace', 'Replace', 'remove', 'Remove', 'merge', ''),
        path: attributeName,
        value,
      },
      { requiredKeys: ['op'] },
    ),
    { minLength: 1, maxLength: 4 },
  ),
});
const resourceBody = (schema: string) =>
  fc.dictionary(attributeName, value, { maxKeys: 5 }).map((d) => ({ schemas: [schema], ...d }));

describe('arbitrary input never gives a 500 (sqlite)', () => {
  let s: TestServer;
  let userId: string;
  let groupId: string;
  beforeAll(async () => {
    s = await startTestServer('sqlite');
    userId = (await s.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'fuzz@example.com' }))
      .body.id;
    groupId = (await s.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'fuzz' })).body.id;
  });
  afterAll(async () => {
    await s?.close();
  });

  const check = async (method: string, path: string, body: unknown) => {
    const r = await s.request(method, path, body);
    expect(r.status, `${method} ${path} ${JSON.stringify(body)} -> ${r.text}`).toBeLessThan(500);
    if (r.status >= 400) expect(r.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
  };

  it('POST /Users and /Groups', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue({ maxDepth: 3 }), resourceBody(USER_SCHEMA)), async (body) =>
        check('POST', '/Users', body),
      ),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(resourceBody(GROUP_SCHEMA), async (body) => check('POST', '/Groups', body)),
      { numRuns: RUNS },
    );
  });

  it('PATCH /Users/{id} and /Groups/{id}', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue({ maxDepth: 3 }), patchBody), async (body) =>
        check('PATCH', `/Users/${userId}`, body),
      ),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(patchBody, async (body) => check('PATCH', `/Groups/${groupId}`, body)),
      { numRuns: RUNS },
    );
  });

  it('PUT, .search and /Bulk', async () => {
    await fc.assert(
      fc.asyncProperty(resourceBody(USER_SCHEMA), async (body) => check('PUT', `/Users/${userId}`, body)),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            filter: fc.oneof(
              fc.string(),
              fc.constantFrom('userName eq x', 'emails[type eq "work"].value eq "a"', 'members pr'),
            ),
            count: value,
            startIndex: value,
            attributes: value,
          },
          { requiredKeys: [] },
        ),
        async (body) => check('POST', '/.search', body),
      ),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record(
            {
              method: fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE', 'GET'),
              path: fc.constantFrom('/Users', '/Groups', `/Users/${userId}`, '/Users/bulkId:a', '/Nope'),
              bulkId: fc.constantFrom('a', 'b'),
              data: fc.oneof(resourceBody(USER_SCHEMA), patchBody),
            },
            { requiredKeys: ['method'] },
          ),
          { maxLength: 4 },
        ),
        fc.option(fc.integer({ min: -1, max: 3 })),
        async (operations, failOnErrors) =>
          check('POST', '/Bulk', {
            schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
            Operations: operations,
            ...(failOnErrors === null ? {} : { failOnErrors }),
          }),
      ),
      { numRuns: RUNS },
    );
  });
});
