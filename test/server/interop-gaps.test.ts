/**
 * What identity providers send that used to fail or pass silently, each sent as the client sends
 * it, over HTTP, on every backend: a singular complex attribute as a one-element array (Entra's
 * manager), quoted booleans and numbers in filters, value filters in attributes /
 * excludedAttributes, typos in attribute names, names of Object.prototype members, and values
 * over the size limits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectoryStore } from '../../src/directory/directory-store.js';
import { openStore } from '../../src/directory/open-store.js';
import { defineAttribute } from '../../src/scim/schema/attribute-builders.js';
import { SchemaRegistry } from '../../src/scim/schema/schema-registry.js';
import { buildServer } from '../../src/server/build-server.js';
import { dropSchema, freshSchemaName } from '../support/postgres-test-schema.js';
import {
  BACKENDS,
  PG_URL,
  GROUP_SCHEMA,
  PATCH_SCHEMA,
  USER_SCHEMA,
  startTestServer,
  type ScimResponse,
  type TestServer,
} from './server-harness.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

const patchBody = (...operations: unknown[]) => ({ schemas: [PATCH_SCHEMA], Operations: operations });
const q = (text: string) => encodeURIComponent(text);

function expectError(r: ScimResponse, status: number, scimType: string, ...mentions: string[]): void {
  expect({ status: r.status, scimType: r.body?.scimType }).toEqual({ status, scimType });
  for (const text of mentions) expect(r.body.detail).toContain(text);
}

describe.each(BACKENDS)('interop gaps (%s)', (backend) => {
  let s: TestServer;
  let ada: string;
  let grace: string;
  beforeAll(async () => {
    s = await startTestServer(backend, { bodyLimit: 4 * 1024 * 1024 });
    const created = await s.request('POST', '/Users', {
      schemas: [USER_SCHEMA],
      userName: 'ada@example.com',
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      active: true,
      emails: [
        { value: 'ada@work.example', type: 'work', primary: true },
        { value: 'ada@home.example', type: 'home' },
      ],
    });
    ada = created.body.id;
    grace = (
      await s.request('POST', '/Users', {
        schemas: [USER_SCHEMA],
        userName: 'grace@example.com',
        active: false,
      })
    ).body.id;
  });
  afterAll(async () => {
    await s?.close();
  });

  describe('a singular complex attribute as a one-element array', () => {
    const manager = (r: ScimResponse) => r.body[ENTERPRISE]?.manager;

    it.each([
      ['the short path', 'manager'],
      ['the full URN path', `${ENTERPRISE}:manager`],
    ])('PATCH add with %s takes the one element', async (_, path) => {
      const r = await s.request(
        'PATCH',
        `/Users/${grace}`,
        patchBody({ op: 'Add', path, value: [{ $ref: `../Users/${ada}`, value: ada }] }),
      );
      expect(r.status).toBe(200);
      expect(manager(r)).toMatchObject({ value: ada, $ref: `../Users/${ada}` });
      expect(manager(await s.request('GET', `/Users/${grace}`))).toMatchObject({ value: ada });
      for (const filter of [`manager.value eq "${ada}"`, `${ENTERPRISE}:manager.value eq "${ada}"`]) {
        const found = await s.request('GET', `/Users?filter=${q(filter)}&sortBy=manager.value`);
        expect(found.body.Resources.map((u: { id: string }) => u.id)).toEqual([grace]);
      }
      await s.request('PATCH', `/Users/${grace}`, patchBody({ op: 'remove', path: `${ENTERPRISE}:manager` }));
    });

    it('PATCH without a path takes the one element, by short name and by URN key', async () => {
      for (const key of ['manager', `${ENTERPRISE}:manager`]) {
        const r = await s.request(
          'PATCH',
          `/Users/${grace}`,
          patchBody({ op: 'replace', value: { [key]: [{ value: ada }] } }),
        );
        expect(r.status).toBe(200);
        expect(manager(r)).toEqual({ value: ada });
        await s.request('PATCH', `/Users/${grace}`, patchBody({ op: 'remove', path: 'manager' }));
      }
    });

    it('PATCH with two elements is 400 invalidValue naming the attribute, and changes nothing', async () => {
      const r = await s.request(
        'PATCH',
        `/Users/${grace}`,
        patchBody({ op: 'Add', path: 'manager', value: [{ value: ada }, { value: grace }] }),
      );
      expectError(r, 400, 'invalidValue', 'manager', '2');
      expect(manager(await s.request('GET', `/Users/${grace}`))).toBeUndefined();
    });

    it('POST and PUT accept the one-element array, under the URN and by the short name', async () => {
      const created = await s.request('POST', '/Users', {
        schemas: [USER_SCHEMA, ENTERPRISE],
        userName: 'managed@example.com',
        name: [{ givenName: 'Man', familyName: 'Aged' }],
        [ENTERPRISE]: { manager: [{ value: ada }] },
      });
      expect(created.status).toBe(201);
      expect(created.body.name).toMatchObject({ givenName: 'Man' });
      expect(manager(created)).toEqual({ value: ada });
      const replaced = await s.request('PUT', `/Users/${created.body.id}`, {
        schemas: [USER_SCHEMA, ENTERPRISE],
        userName: 'managed@example.com',
        manager: [{ value: grace }],
      });
      expect(replaced.status).toBe(200);
      expect(manager(replaced)).toEqual({ value: grace });
      const two = await s.request('PUT', `/Users/${created.body.id}`, {
        schemas: [USER_SCHEMA],
        userName: 'managed@example.com',
        name: [{ givenName: 'a' }, { givenName: 'b' }],
      });
      expectError(two, 400, 'invalidValue', 'name');
      await s.request('DELETE', `/Users/${created.body.id}`);
    });
  });

  describe('booleans and numbers quoted in filters', () => {
    const ids = async (filter: string, method: 'GET' | 'POST' = 'GET'): Promise<string[]> => {
      const r =
        method === 'GET'
          ? await s.request('GET', `/Users?filter=${q(filter)}`)
          : await s.request('POST', '/Users/.search', { filter });
      expect(r.status).toBe(200);
      return (r.body.Resources as { id: string }[]).map((u) => u.id).sort();
    };

    it.each(['active eq "true"', 'active eq "True"', 'active eq "TRUE"', 'active ne "false"'])(
      '%s matches like active eq true',
      async (filter) => {
        const expected = await ids('active eq true');
        expect(expected).toContain(ada);
        expect(expected).not.toContain(grace);
        expect(await ids(filter)).toEqual(expected);
        expect(await ids(filter, 'POST')).toEqual(expected);
      },
    );

    it('works inside and/or and value paths', async () => {
      expect(await ids('userName sw "ada" and active eq "True"')).toEqual([ada]);
      expect(await ids('emails[type eq "work" and primary eq "true"]')).toEqual([ada]);
      expect(await ids('active eq "False" or userName eq "nobody"')).toEqual([grace]);
    });

    it('a string that is no boolean is 400 invalidFilter naming the attribute', async () => {
      const r = await s.request('GET', `/Users?filter=${q('active eq "yes"')}`);
      expectError(r, 400, 'invalidFilter', 'active', '"yes"');
      const inValuePath = await s.request('GET', `/Users?filter=${q('emails[primary eq "maybe"]')}`);
      expectError(inValuePath, 400, 'invalidFilter', 'primary');
    });
  });

  describe('attributes and excludedAttributes with sub-attributes and value filters', () => {
    const get = (params: string) => s.request('GET', `/Users/${ada}?${params}`);

    it('attributes=emails[type eq "work"] returns only the work email', async () => {
      const r = await get(`attributes=${q('emails[type eq "work"]')}`);
      expect(r.status).toBe(200);
      expect(r.body.emails).toEqual([{ value: 'ada@work.example', type: 'work', primary: true }]);
      expect(r.body.userName).toBeUndefined();
      expect(r.body.id).toBe(ada);
    });

    it('attributes=emails[type eq "work"].value returns only its value', async () => {
      const r = await get(`attributes=${q('emails[type eq "work"].value,userName')}`);
      expect(r.body.emails).toEqual([{ value: 'ada@work.example' }]);
      expect(r.body.userName).toBe('ada@example.com');
    });

    it('attributes=name.givenName returns only that sub-attribute', async () => {
      const r = await get('attributes=name.givenName');
      expect(r.body.name).toEqual({ givenName: 'Ada' });
    });

    it('excludedAttributes=emails[type eq "home"] leaves out only the home email', async () => {
      const r = await get(`excludedAttributes=${q('emails[type eq "home"]')}`);
      expect(r.body.emails).toEqual([{ value: 'ada@work.example', type: 'work', primary: true }]);
      expect(r.body.userName).toBe('ada@example.com');
    });

    it('a comma inside the filter does not split the list', async () => {
      const r = await get(`attributes=${q('emails[value eq "a,b" or type eq "home"],userName')}`);
      expect(r.body.emails).toEqual([{ value: 'ada@home.example', type: 'home' }]);
      expect(r.body.userName).toBe('ada@example.com');
    });

    it('works in lists and in .search, and attributes=groups[...] still loads the groups', async () => {
      const group = await s.request('POST', '/Groups', {
        schemas: [GROUP_SCHEMA],
        displayName: 'Analysts',
        members: [{ value: ada }],
      });
      const list = await s.request(
        'GET',
        `/Users?filter=${q(`id eq "${ada}"`)}&attributes=${q('groups[display eq "Analysts"]')}`,
      );
      expect(list.status).toBe(200);
      expect(list.body.Resources[0].groups).toEqual([expect.objectContaining({ value: group.body.id })]);
      const search = await s.request('POST', '/Users/.search', {
        filter: `id eq "${ada}"`,
        attributes: ['emails[type eq "home"].value'],
      });
      expect(search.body.Resources[0].emails).toEqual([{ value: 'ada@home.example' }]);
      const excluded = await s.request(
        'GET',
        `/Users/${ada}?excludedAttributes=${q('groups[display eq "nothing"]')}`,
      );
      expect(excluded.body.groups).toEqual([expect.objectContaining({ value: group.body.id })]);
      await s.request('DELETE', `/Groups/${group.body.id}`);
    });
  });

  describe('names no schema defines', () => {
    it.each([
      ['filter', `/Users?filter=${q('usrName eq "x"')}`, 'invalidFilter', 'usrName', 'userName'],
      [
        'filter sub-attribute',
        `/Users?filter=${q('name.givenNme eq "x"')}`,
        'invalidFilter',
        'givenNme',
        'givenName',
      ],
      ['value path', `/Users?filter=${q('emails[tpye eq "work"]')}`, 'invalidFilter', 'tpye', 'type'],
      ['sortBy', '/Users?sortBy=usrName', 'invalidValue', 'usrName', 'userName'],
      ['attributes', '/Users?attributes=nosuch', 'invalidValue', 'nosuch', ''],
      ['excludedAttributes', '/Users?excludedAttributes=emials', 'invalidValue', 'emials', 'emails'],
      [
        'attributes sub-attribute',
        '/Users?attributes=name.givenNme',
        'invalidValue',
        'givenNme',
        'givenName',
      ],
      ['single GET', `/Users/{id}?attributes=usrName`, 'invalidValue', 'usrName', 'userName'],
      [
        'extension URN',
        `/Users?filter=${q(`${ENTERPRISE}:employeNumber eq "1"`)}`,
        'invalidFilter',
        'employeNumber',
        'employeeNumber',
      ],
    ])('%s is a 400 naming it, with a did-you-mean', async (_, path, scimType, name, suggestion) => {
      const r = await s.request('GET', path.replace('{id}', ada));
      expectError(r, 400, scimType, name);
      if (suggestion) expect(r.body.detail).toContain(`did you mean "${suggestion}"`);
    });

    it('POST .search, on a resource type and at the root, checks names too', async () => {
      expectError(
        await s.request('POST', '/Users/.search', { filter: 'usrName eq "x"' }),
        400,
        'invalidFilter',
        'usrName',
      );
      expectError(await s.request('POST', '/.search', { sortBy: 'usrName' }), 400, 'invalidValue', 'usrName');
      expectError(
        await s.request('POST', '/.search', { attributes: ['nosuch'] }),
        400,
        'invalidValue',
        'nosuch',
      );
      // At the root a name one resource type defines is fine.
      const root = await s.request('POST', '/.search', {
        filter: 'userName eq "ada@example.com"',
        sortBy: 'userName',
      });
      expect(root.status).toBe(200);
      expect(root.body.totalResults).toBe(1);
    });

    it('core, common and URN-qualified names keep working', async () => {
      for (const filter of [
        `id eq "${ada}"`,
        'externalId pr or userName eq "ada@example.com"',
        'meta.created gt "2000-01-01T00:00:00Z"',
        'meta.resourceType eq "User" and userName eq "ada@example.com"',
        `${USER_SCHEMA}:userName eq "ada@example.com"`,
        `${ENTERPRISE}:employeeNumber pr or userName eq "ada@example.com"`,
        'schemas eq "x" or userName eq "ada@example.com"',
      ]) {
        const r = await s.request('GET', `/Users?filter=${q(filter)}&sortBy=meta.lastModified`);
        expect({ filter, status: r.status }).toEqual({ filter, status: 200 });
        expect(r.body.Resources.map((u: { id: string }) => u.id)).toContain(ada);
      }
      const r = await s.request(
        'GET',
        `/Users/${ada}?attributes=${q(`${ENTERPRISE},meta.created,schemas,externalId`)}`,
      );
      expect(r.status).toBe(200);
    });
  });

  describe('names of Object.prototype members', () => {
    const NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

    it.each(NAMES)('%s in filters, sortBy, attributes and excludedAttributes is a 400', async (name) => {
      for (const path of [
        `/Users?filter=${q(`${name} eq "x"`)}`,
        `/Users?filter=${q(`name.${name} eq "x"`)}`,
        `/Users?filter=${q(`emails[${name} eq "x"]`)}`,
        `/Users?sortBy=${q(name)}`,
        `/Groups?sortBy=${q(name)}`,
        `/Users?sortBy=${q(`name.${name}`)}`,
        `/Users?attributes=${q(name)}`,
        `/Users?excludedAttributes=${q(name)}`,
        `/Users/${ada}?attributes=${q(`name.${name}`)}`,
      ]) {
        const r = await s.request('GET', path);
        expect({ path, status: r.status }).toEqual({ path, status: 400 });
      }
      const search = await s.request('POST', '/Users/.search', { filter: `${name} pr`, sortBy: name });
      expect(search.status).toBe(400);
    });

    it.each(NAMES)('%s as a PATCH path, a path-less key or a body key is a 400', async (name) => {
      const before = await s.request('GET', `/Users/${ada}`);
      for (const operation of [
        { op: 'replace', path: name, value: 'x' },
        { op: 'add', path: `name.${name}`, value: 'x' },
        { op: 'remove', path: `emails[${name} eq "x"]` },
        { op: 'replace', value: { [name]: 'x' } },
        { op: 'replace', value: { name: { [name]: 'x' } } },
      ]) {
        const r = await s.request('PATCH', `/Users/${ada}`, patchBody(operation));
        expect({ operation, status: r.status }).toEqual({ operation, status: 400 });
      }
      for (const body of [
        `{"schemas":["${USER_SCHEMA}"],"userName":"proto@example.com","${name}":{"polluted":true}}`,
        `{"schemas":["${USER_SCHEMA}"],"userName":"proto@example.com","name":{"${name}":"x"}}`,
      ]) {
        const r = await s.request('POST', '/Users', body);
        expect({ body, status: r.status }).toEqual({ body, status: 400 });
        const put = await s.request('PUT', `/Users/${ada}`, body);
        expect({ body, status: put.status }).toEqual({ body, status: 400 });
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      const after = await s.request('GET', `/Users/${ada}`);
      expect(after.body.meta.version).toBe(before.body.meta.version);
    });
  });

  describe('length and count limits', () => {
    it('a 1,000,000-character userName is refused in POST, PUT, PATCH and Bulk', async () => {
      const long = 'x'.repeat(1_000_000);
      const post = await s.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: long });
      expectError(post, 400, 'invalidValue', 'userName', '512');
      const put = await s.request('PUT', `/Users/${grace}`, { schemas: [USER_SCHEMA], userName: long });
      expectError(put, 400, 'invalidValue', 'userName', '512');
      const patch = await s.request(
        'PATCH',
        `/Users/${grace}`,
        patchBody({ op: 'replace', path: 'userName', value: long }),
      );
      expectError(patch, 400, 'invalidValue', 'userName', '512');
      const bulk = await s.request('POST', '/Bulk', {
        schemas: [BULK_REQUEST],
        Operations: [
          {
            method: 'POST',
            path: '/Users',
            bulkId: 'b',
            data: { schemas: [USER_SCHEMA], userName: 'x'.repeat(513) },
          },
        ],
      });
      expect(bulk.status).toBe(200);
      expect(bulk.body.Operations[0].status).toBe('400');
      expect(bulk.body.Operations[0].response.detail).toContain('512');
      expect((await s.request('GET', `/Users/${grace}`)).body.userName).toBe('grace@example.com');
    });

    it('strings at the limit are stored, one over is refused', async () => {
      const ok = await s.request('POST', '/Users', {
        schemas: [USER_SCHEMA],
        userName: 'u'.repeat(512),
        title: 't'.repeat(4096),
      });
      expect(ok.status).toBe(201);
      const tooLong = await s.request(
        'PATCH',
        `/Users/${ok.body.id}`,
        patchBody({ op: 'replace', path: 'title', value: 't'.repeat(4097) }),
      );
      expectError(tooLong, 400, 'invalidValue', 'title', '4096');
      const sub = await s.request(
        'PATCH',
        `/Users/${ok.body.id}`,
        patchBody({
          op: 'add',
          path: 'emails[type eq "work"].value',
          value: `${'e'.repeat(600)}@example.com`,
        }),
      );
      expectError(sub, 400, 'invalidValue', 'emails', '512');
      await s.request('DELETE', `/Users/${ok.body.id}`);
    });

    it('more than 1,000 values of one attribute are refused', async () => {
      const emails = Array.from({ length: 1001 }, (_, i) => ({ value: `e${i}@example.com` }));
      const post = await s.request('POST', '/Users', {
        schemas: [USER_SCHEMA],
        userName: 'many@example.com',
        emails,
      });
      expectError(post, 400, 'invalidValue', 'emails', '1000');
      const patch = await s.request(
        'PATCH',
        `/Users/${grace}`,
        patchBody({ op: 'add', path: 'emails', value: emails }),
      );
      expectError(patch, 400, 'invalidValue', 'emails', '1000');
    });

    it('more than 10,000 members in one request are refused; 10,000 are not', async () => {
      const group = await s.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Big' });
      const members = (n: number) => Array.from({ length: n }, () => ({ value: grace }));
      const patch = await s.request(
        'PATCH',
        `/Groups/${group.body.id}`,
        patchBody({ op: 'add', path: 'members', value: members(10_001) }),
      );
      expectError(patch, 400, 'invalidValue', 'members', '10000');
      const split = await s.request(
        'PATCH',
        `/Groups/${group.body.id}`,
        patchBody(
          { op: 'add', path: 'members', value: members(6000) },
          { op: 'add', value: { members: members(5000) } },
        ),
      );
      expectError(split, 400, 'invalidValue', 'members', '10000');
      const post = await s.request('POST', '/Groups', {
        schemas: [GROUP_SCHEMA],
        displayName: 'Bigger',
        members: members(10_001),
      });
      expectError(post, 400, 'invalidValue', 'members', '10000');
      const ok = await s.request(
        'PATCH',
        `/Groups/${group.body.id}?excludedAttributes=members`,
        patchBody({ op: 'add', path: 'members', value: members(10_000) }),
      );
      expect(ok.status).toBe(200);
      await s.request('DELETE', `/Groups/${group.body.id}`);
    });
  });
});

const DEVICE = 'urn:example:params:scim:schemas:extension:device:2.0:User';

/** A server whose Users carry an extension with integer, decimal and boolean attributes. */
async function startDeviceServer(backend: 'sqlite' | 'postgres') {
  const registry = SchemaRegistry.withCoreSchemas();
  registry.registerSchema({
    id: DEVICE,
    name: 'Device',
    description: 'Test extension with number attributes',
    attributes: [
      defineAttribute('loginCount', 'integer', ''),
      defineAttribute('quota', 'decimal', ''),
      defineAttribute('trusted', 'boolean', ''),
    ],
  });
  registry.attachExtension('User', DEVICE);
  let cleanup: () => Promise<void>;
  let store: DirectoryStore;
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'provisio-interop-'));
    store = await openStore({ sqliteFile: join(dir, 'directory.sqlite'), registry });
    cleanup = async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    };
  } else {
    const schema = freshSchemaName();
    store = await openStore({ postgresUrl: PG_URL!, postgresSchema: schema, registry });
    cleanup = async () => {
      await store.close();
      await dropSchema(PG_URL!, schema);
    };
  }
  const app = buildServer({ store, registry, options: { authenticate: false } });
  const request = async (method: string, path: string, body?: unknown) => {
    const r = await app.inject({
      method: method as 'GET',
      url: `/scim/v2${path}`,
      headers: body === undefined ? {} : { 'content-type': 'application/scim+json' },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    return { status: r.statusCode, body: r.body ? JSON.parse(r.body) : undefined };
  };
  return {
    request,
    close: async () => {
      await app.close();
      await cleanup();
    },
  };
}

describe.each(BACKENDS)('quoted numbers in filters on an extension (%s)', (backend) => {
  let server: Awaited<ReturnType<typeof startDeviceServer>>;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    server = await startDeviceServer(backend);
    for (const [userName, loginCount, quota, trusted] of [
      ['low', 2, 0.5, false],
      ['mid', 10, 2.5, true],
      ['high', 300, 10, true],
    ] as const) {
      const r = await server.request('POST', '/Users', {
        schemas: [USER_SCHEMA, DEVICE],
        userName,
        [DEVICE]: { loginCount, quota, trusted },
      });
      expect(r.status).toBe(201);
      ids[userName] = r.body.id;
    }
  });
  afterAll(async () => {
    await server?.close();
  });

  const names = async (filter: string): Promise<string[]> => {
    const r = await server.request('GET', `/Users?filter=${q(filter)}&sortBy=userName`);
    expect({ filter, status: r.status }).toEqual({ filter, status: 200 });
    return (r.body.Resources as { userName: string }[]).map((u) => u.userName);
  };

  it.each([
    ['loginCount gt "5"', 'loginCount gt 5'],
    ['loginCount eq "10"', 'loginCount eq 10'],
    [`${DEVICE}:loginCount le "300"`, `${DEVICE}:loginCount le 300`],
    ['quota ge "2.5"', 'quota ge 2.5'],
    ['quota lt "1e1"', 'quota lt 10'],
    ['trusted eq "True" and loginCount lt "100"', 'trusted eq true and loginCount lt 100'],
  ])('%s matches like %s', async (quoted, typed) => {
    const expected = await names(typed);
    expect(expected.length).toBeGreaterThan(0);
    expect(await names(quoted)).toEqual(expected);
  });

  it('a quoted string that is no number is 400 invalidFilter naming the attribute', async () => {
    const r = await server.request('GET', `/Users?filter=${q('loginCount gt "many"')}`);
    expect({ status: r.status, scimType: r.body.scimType }).toEqual({
      status: 400,
      scimType: 'invalidFilter',
    });
    expect(r.body.detail).toContain('loginCount');
  });
});
