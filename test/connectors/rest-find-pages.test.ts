/**
 * find follows every page of its answer, in each of the five paging styles (as the list of the
 * same type pages, or as find's own pagination says), and a broken API whose pages never end
 * (it ignores the page asked for) fails the find as invalid_response instead of looping.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { restConnector } from '../../src/connectors/rest/index.js';
import { ConnectorError, ConnectorRegistry } from '../../src/connectors/spi/index.js';
import {
  startRestApi,
  type ListStyle,
  type RestApi,
  type RestApiOptions,
} from '../support/rest-api/rest-api.js';
import { restSettingsFor } from '../support/rest-api/rest-app-settings.js';

const registry = new ConnectorRegistry().register(restConnector);
const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});
const signal = () => AbortSignal.timeout(10_000);
const styles: ListStyle[] = ['page', 'offset', 'cursor', 'nextLink', 'linkHeader'];

async function setUp(style: ListStyle, options: RestApiOptions = {}, findPagination?: unknown) {
  const api: RestApi = await startRestApi({ listStyle: style, ...options });
  closers.push(() => api.close());
  for (let i = 0; i < 7; i++)
    api.store.add('users', { userName: `e${i}@example.com`, title: i < 5 ? 'Engineer' : 'Sales' });
  const settings = restSettingsFor(api.url, { style, groups: false }) as {
    objects: { User: { operations: { find: Record<string, unknown> } } };
  };
  if (findPagination !== undefined) settings.objects.User.operations.find.pagination = findPagination;
  const connector = await registry.open(
    { kind: 'rest', settings: { ...settings, maxPageSize: 2 } },
    { credentials: { token: api.token } },
  );
  closers.push(async () => connector.close?.());
  return { api, connector };
}

const find = (connector: Awaited<ReturnType<typeof setUp>>['connector']) =>
  connector.find!({ objectType: 'User', attribute: 'title', value: 'Engineer' }, signal());

describe('find reads every page', () => {
  for (const style of styles) {
    it(`${style}: five matches over pages of two`, async () => {
      const { api, connector } = await setUp(style);
      api.requests.clear();
      const found = await find(connector);
      expect(found.map((o) => o.attributes.userName).sort()).toEqual(
        [0, 1, 2, 3, 4].map((i) => `e${i}@example.com`),
      );
      expect(api.requests.get('GET')).toBe(3);
    });
  }

  it("find's own pagination wins: style none sends one request without paging parameters", async () => {
    const { api, connector } = await setUp('page', {}, { style: 'none' });
    api.log = [];
    const found = await find(connector);
    expect(found).toHaveLength(5);
    expect(api.log).toEqual(['GET /users?title=Engineer']);
    api.log = undefined;
  });
});

describe('pages that never end', () => {
  for (const style of styles) {
    it(`${style}: an API answering the first page forever fails the find as invalid_response`, async () => {
      const { api, connector } = await setUp(style, { brokenPaging: true });
      api.requests.clear();
      const error = await find(connector).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectorError);
      expect((error as ConnectorError).code).toBe('invalid_response');
      expect((error as ConnectorError).message).toMatch(
        /same page|read before|no object it had not answered/u,
      );
      expect(api.requests.get('GET')).toBe(2);
    });
  }
});
