/**
 * The REST connector's failures and credentials over real HTTP: 429 with Retry-After, 5xx and a
 * hang onto the taxonomy; the app's own status table; the API's words in errors and in test
 * connection; a next link to another origin refused; bearer, API key, basic and OAuth client
 * credentials; batched member requests; and settings errors that name their path.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { restConnector, type RestConnector } from '../../src/connectors/rest/index.js';
import {
  ConnectorError,
  ConnectorLoadError,
  ConnectorRegistry,
  capabilitiesFor,
} from '../../src/connectors/spi/index.js';
import { startRestApi, type RestApi, type RestApiOptions } from '../support/rest-api/rest-api.js';
import { restSettingsFor } from '../support/rest-api/rest-app-settings.js';
import { startTokenEndpoint } from '../support/scim-target/index.js';

const registry = new ConnectorRegistry().register(restConnector);
const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});
const signal = () => AbortSignal.timeout(10_000);

async function api(options: RestApiOptions = {}): Promise<RestApi> {
  const started = await startRestApi(options);
  closers.push(() => started.close());
  return started;
}

async function open(
  target: RestApi,
  o: {
    settings?: Record<string, unknown>;
    credentials?: unknown;
    style?: Parameters<typeof restSettingsFor>[1];
  } = {},
) {
  const connector = await registry.open(
    { kind: 'rest', settings: { ...restSettingsFor(target.url, o.style), ...o.settings } },
    { credentials: o.credentials ?? { token: target.token } },
  );
  closers.push(async () => connector.close?.());
  return connector;
}

async function failure(work: () => Promise<unknown>): Promise<ConnectorError> {
  try {
    await work();
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    return error as ConnectorError;
  }
  throw new Error('expected a failure');
}

let n = 0;
const user = () => ({
  objectType: 'User' as const,
  attributes: { userName: `f${++n}@example.com`, displayName: 'F' },
});

describe('HTTP failures onto the taxonomy', () => {
  it('429 with Retry-After is throttled with the delay; 503 with Retry-After too; 500 is unavailable', async () => {
    const target = await api();
    const c = await open(target);
    target.faults.push({ method: 'POST', status: 429, retryAfter: '7', times: 1 });
    const throttled = await failure(() => c.create(user(), signal()));
    expect(throttled).toMatchObject({
      code: 'throttled',
      retryable: true,
      retryAfterMs: 7000,
      targetCode: 429,
      detail: 'injected 429',
    });
    target.faults.push({ method: 'POST', status: 503, retryAfter: '2', times: 1 });
    expect(await failure(() => c.create(user(), signal()))).toMatchObject({
      code: 'throttled',
      retryAfterMs: 2000,
    });
    target.faults.push({ method: 'POST', status: 500, times: 1 });
    expect(await failure(() => c.create(user(), signal()))).toMatchObject({
      code: 'unavailable',
      retryable: true,
      targetCode: 500,
    });
    // Nothing was created by the refused requests; the next one goes through.
    expect(target.store.objects.users.size).toBe(0);
    await c.create(user(), signal());
    expect(target.store.objects.users.size).toBe(1);
  });

  it('an API that hangs past timeouts.requestMs is a timeout', async () => {
    const target = await api();
    const c = await open(target, { settings: { timeouts: { connectMs: 1000, requestMs: 300 } } });
    target.faults.push({ method: 'GET', hangMs: 3000, times: 1 });
    const started = performance.now();
    const error = await failure(() => c.get!({ objectType: 'User', ref: { id: '1' } }, signal()));
    expect(error).toMatchObject({ code: 'timeout', retryable: true });
    expect(performance.now() - started).toBeLessThan(2500);
  });

  it("the app's status table wins over the defaults, and the API's words are the detail", async () => {
    const target = await api();
    const c = await open(target, { settings: { statusCodes: { '400': 'already_exists' } } });
    target.faults.push({ method: 'POST', status: 400, times: 1 });
    expect(await failure(() => c.create(user(), signal()))).toMatchObject({
      code: 'already_exists',
      targetCode: 400,
    });
    const first = user();
    await c.create(first, signal());
    const duplicate = await failure(() => c.create(first, signal()));
    expect(duplicate).toMatchObject({
      code: 'already_exists',
      targetCode: 409,
      detail: `userName ${first.attributes.userName} is already taken`,
    });
    expect(
      await failure(() => c.delete!({ objectType: 'User', ref: { id: 'nope' } }, signal())),
    ).toMatchObject({ code: 'not_found', detail: 'no user nope' });
  });

  it('test connection passes, and otherwise reports the code and what the API said', async () => {
    const target = await api();
    target.log = [];
    await (await open(target)).testConnection(signal());
    expect(target.log).toEqual(['GET /users?_page=1&_limit=1']);
    const refused = await failure(async () =>
      (await open(target, { credentials: { token: 'wrong-token-value' } })).testConnection(signal()),
    );
    expect(refused.code).toBe('invalid_credentials');
    expect(refused.message).toContain('the API said: invalid or missing token');
    expect(refused.message).not.toContain('wrong-token-value');
    target.log = [];
    await (
      await open(target, { settings: { probe: { method: 'GET', url: '/users?userName=probe' } } })
    ).testConnection(signal());
    expect(target.log).toEqual(['GET /users?userName=probe']);
    const unreachable = await failure(async () =>
      (
        await registry.open(
          { kind: 'rest', settings: restSettingsFor('http://127.0.0.1:9') },
          { credentials: { token: 't0k3n' } },
        )
      ).testConnection(signal()),
    );
    expect(unreachable.code).toBe('unavailable');
  });

  it('a next link to another origin is refused: credentials go only to baseUrl', async () => {
    const target = await api({ listStyle: 'nextLink' });
    const c = await open(target, { style: { style: 'nextLink' } });
    await c.create(user(), signal());
    await c.create(user(), signal());
    // The API names its links under 127.0.0.1; the app's baseUrl says localhost: another origin.
    const local = await open(target, {
      style: { style: 'nextLink' },
      settings: { baseUrl: target.url.replace('127.0.0.1', 'localhost') },
    });
    const error = await failure(() => local.list!({ objectType: 'User', pageSize: 1 }, signal()));
    expect(error.code).toBe('invalid_response');
    expect(error.message).toMatch(/credentials are sent only to baseUrl's origin/u);
  });
});

describe('credentials', () => {
  it('an API key goes in its own header, with its prefix', async () => {
    const target = await api({ authorize: (headers) => headers['x-api-key'] === 'Key k-123456' });
    const c = await open(target, {
      credentials: { apiKey: { header: 'X-API-Key', value: 'k-123456', prefix: 'Key ' } },
    });
    await c.create(user(), signal());
    expect(target.store.objects.users.size).toBe(1);
  });

  it('basic sends the user and password', async () => {
    const expected = `Basic ${Buffer.from('svc:p@ss word').toString('base64')}`;
    const target = await api({ authorize: (headers) => headers.authorization === expected });
    const c = await open(target, { credentials: { basic: { username: 'svc', password: 'p@ss word' } } });
    await c.testConnection(signal());
  });

  it('OAuth client credentials: one token for concurrent requests, renewed after a 401', async () => {
    const accepted = new Set<string>();
    const target = await api({
      authorize: (headers) => accepted.has(String(headers.authorization).slice(7)),
    });
    const tokens = await startTokenEndpoint({
      clientId: 'provisio',
      clientSecret: 'oauth-secret-42',
      lifetimeSeconds: 3600,
      onIssue: (t) => accepted.add(t),
    });
    closers.push(() => tokens.close());
    const c = (await open(target, {
      credentials: { oauth: { tokenUrl: tokens.url, clientId: 'provisio', clientSecret: 'oauth-secret-42' } },
    })) as RestConnector;
    await Promise.all(Array.from({ length: 6 }, () => c.create(user(), signal())));
    expect(tokens.issued).toHaveLength(1);
    accepted.clear();
    accepted.add('never-issued');
    const renewed = await c.create(user(), signal()).catch((e: unknown) => e);
    // The refused token was dropped and a new one fetched (and accepted by onIssue).
    expect(renewed).not.toBeInstanceOf(Error);
    expect(tokens.issued).toHaveLength(2);
  });
});

describe('members in batches', () => {
  it('addMember naming {memberIds} sends memberBatchSize members per request', async () => {
    const target = await api();
    const settings = restSettingsFor(target.url) as {
      objects: { Group: { operations: Record<string, unknown> } };
    };
    settings.objects.Group.operations.addMember = {
      method: 'POST',
      url: '/groups/{groupId}/members',
      body: { userIds: '{memberIds}' },
    };
    const c = await open(target, { settings: { ...settings, memberBatchSize: 2 } });
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push({ id: (await c.create(user(), signal())).id });
    const group = await c.create({ objectType: 'Group', attributes: { displayName: 'Batch' } }, signal());
    target.requests.clear();
    await c.addMembers!({ group, members: ids }, signal());
    expect(target.requests.get('POST')).toBe(3);
    expect((await c.get!({ objectType: 'Group', ref: group }, signal())).members?.sort()).toEqual(
      ids.map((r) => r.id).sort(),
    );
  });
});

describe('settings', () => {
  const messageOf = async (settings: unknown) => {
    const error = await registry
      .open({ kind: 'rest', settings }, { credentials: { token: 'x' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorLoadError);
    return (error as Error).message;
  };
  type Editable = { objects: Record<string, { operations: Record<string, unknown>; idPath?: string }> };

  it('errors name the path of the setting at fault', async () => {
    const settings = restSettingsFor('http://127.0.0.1:1') as Editable;
    settings.objects.User!.idPath = 'data..id';
    (settings.objects.User!.operations.get as { url: string }).url = '/users/{id';
    const text = await messageOf({ ...settings, statusCodes: { '700': 'throttled' } });
    expect(text).toContain(
      'connector.settings.objects.User.idPath: is not a JSON path: expected a key at offset 5',
    );
    expect(text).toContain('connector.settings.objects.User.operations.get.url');
    expect(text).toContain("'{' at offset 7 is not closed");
    expect(text).toMatch(/connector\.settings\.statusCodes.*700.*must be an HTTP status code/u);
  });

  it("an operation configured for one object type only is that type's capability alone", async () => {
    const settings = restSettingsFor('http://127.0.0.1:1') as Editable;
    delete settings.objects.Group!.operations.find;
    const connector = await registry.open({ kind: 'rest', settings }, { credentials: { token: 't' } });
    expect(connector.capabilities.find).not.toBe(false);
    expect(connector.capabilities.byType).toEqual({ Group: { find: false } });
    expect(capabilitiesFor(connector.capabilities, 'Group').find).toBe(false);
    expect(capabilitiesFor(connector.capabilities, 'User').find).toEqual(connector.capabilities.find);
  });
});
