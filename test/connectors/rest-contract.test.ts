/**
 * The REST connector passes the connector contract kit over real HTTP against the test JSON API,
 * in each of the five paging styles. Groups have no enabled flag (disable is declared for users
 * only), so each style is checked twice: users alone with disable, and users and groups
 * (memberships) without it; with page paging also users and groups with disable for users. Members are written through the member endpoints, and (in two
 * styles) as the group's members array through update (membership: array).
 */
import { afterAll } from 'vitest';
import { describeConnectorContract } from '../../src/connectors/spi/contract-kit.js';
import { ConnectorRegistry } from '../../src/connectors/spi/index.js';
import { restConnector } from '../../src/connectors/rest/index.js';
import { startRestApi, type ListStyle } from '../support/rest-api/rest-api.js';
import { restSettingsFor } from '../support/rest-api/rest-app-settings.js';

const registry = new ConnectorRegistry().register(restConnector);
const styles: ListStyle[] = ['page', 'offset', 'cursor', 'nextLink', 'linkHeader'];
const apis = await Promise.all(styles.map((listStyle) => startRestApi({ listStyle })));
afterAll(async () => {
  await Promise.all(apis.map((api) => api.close()));
});

styles.forEach((style, index) => {
  const api = apis[index]!;
  const open = (o: Parameters<typeof restSettingsFor>[1]) => () =>
    registry.open(
      { kind: 'rest', settings: restSettingsFor(api.url, { style, ...o }) },
      { credentials: { token: api.token } },
    );
  describeConnectorContract(`rest (${style} paging, users)`, open({ groups: false }));
  describeConnectorContract(`rest (${style} paging, users and groups)`, open({ disable: false }));
  if (style === 'page')
    describeConnectorContract(`rest (${style} paging, users and groups, disable for users)`, open({}));
  if (style === 'page' || style === 'nextLink')
    describeConnectorContract(
      `rest (${style} paging, users and groups, members as an array)`,
      open({ disable: false, membership: 'array' }),
    );
});

// A PUT-only API: update reads the object, changes it and writes it whole.
const putApi = await startRestApi();
afterAll(() => putApi.close());
describeConnectorContract('rest (PUT updates, users)', () =>
  registry.open(
    {
      kind: 'rest',
      settings: (() => {
        const settings = restSettingsFor(putApi.url, { groups: false }) as {
          objects: { User: { operations: Record<string, unknown> } };
        };
        settings.objects.User.operations.update = { method: 'PUT', url: '/users/{id}' };
        return settings;
      })(),
    },
    { credentials: { token: putApi.token } },
  ),
);
