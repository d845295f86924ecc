/**
 * The SCIM connector passes the connector contract kit over real HTTP: against the SCIM test
 * target in each of its shapes, and against Provisio's own SCIM server.
 *
 * SCIM groups have no `active`, so disable is declared for users only. Each target is checked
 * twice: users alone, and users and groups (memberships) with disable for users; the test target
 * also with users and groups and no disable at all (noActive).
 */
import { afterAll } from 'vitest';
import { describeConnectorContract, type ContractKitOptions } from '../../src/connectors/spi/contract-kit.js';
import { ConnectorRegistry } from '../../src/connectors/spi/index.js';
import { scimConnector } from '../../src/connectors/scim/index.js';
import { startScimTarget } from '../support/scim-target/index.js';
import { startTestServer } from '../server/server-harness.js';

const registry = new ConnectorRegistry().register(scimConnector);

const target = await startScimTarget();
const strictTarget = await startScimTarget({ profile: { entraForms: false } });
const putOnlyTarget = await startScimTarget({
  profile: { noPatch: true, usersPath: '/people', groupsPath: '/teams' },
});
const provisio = await startTestServer('sqlite');
afterAll(async () => {
  await Promise.all([target.close(), strictTarget.close(), putOnlyTarget.close(), provisio.close()]);
});

function both(
  name: string,
  settings: Record<string, unknown>,
  token: string,
  options: ContractKitOptions = {},
) {
  const deviations = (settings.deviations ?? {}) as Record<string, unknown>;
  const open = (extra: Record<string, unknown>) => () =>
    registry.open({ kind: 'scim', settings: { ...settings, ...extra } }, { credentials: { token } });
  describeConnectorContract(`scim (${name}, users)`, open({ objectTypes: ['User'] }), options);
  describeConnectorContract(`scim (${name}, users and groups)`, open({}), options);
  if (name === TEST_TARGET)
    describeConnectorContract(
      `scim (${name}, users and groups, noActive)`,
      open({ deviations: { ...deviations, noActive: true } }),
      options,
    );
}

const TEST_TARGET = 'test target, provisio profile';

both(TEST_TARGET, { baseUrl: target.url, profile: 'provisio' }, 'target-token');
both(
  'strict RFC 7644 target, strict-rfc7644 profile',
  { baseUrl: strictTarget.url, profile: 'strict-rfc7644' },
  'target-token',
);
both(
  'PUT only, non-standard paths',
  {
    baseUrl: putOnlyTarget.url,
    usersPath: '/people',
    groupsPath: '/teams',
    deviations: { patchUnsupported: true },
  },
  'target-token',
);
// Provisio's Group schema has no description, so the kit changes a group's externalId instead.
both("Provisio's SCIM server", { baseUrl: provisio.base, profile: 'provisio' }, provisio.token, {
  group: (n) => ({ displayName: `kit-group-${Date.now().toString(36)}-${n}`, externalId: `kit-ext-${n}` }),
  updatableAttribute: { Group: 'externalId' },
});
