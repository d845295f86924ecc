/**
 * examples/scim/app.yaml as it is: its connector block opens (env variables resolved) against
 * Provisio's own SCIM server started in-process, its mappings compile, and objects keyed by exactly
 * its target paths round-trip through the connector, in its profile and in strict-rfc7644.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConnectorRegistry, type TargetAttributes } from '../../src/connectors/spi/index.js';
import { scimConnector } from '../../src/connectors/scim/index.js';
import { compileObjectMapping } from '../../src/engine/mapping/object-mapping.js';
import type { AttributeMappingConfig } from '../../src/engine/mapping/object-mapping.js';
import { startTestServer } from '../server/server-harness.js';

const appFile = fileURLToPath(new URL('../../examples/scim/app.yaml', import.meta.url));
const server = await startTestServer('sqlite');
afterAll(() => server.close());

const env: Record<string, string> = { SCIM_TARGET_URL: server.base, SCIM_TARGET_TOKEN: server.token };
const resolveEnv = (value: unknown): unknown => {
  if (typeof value === 'string')
    return value.replace(/\$\{([A-Z_]+)\}/gu, (_, name: string) => env[name] ?? '');
  if (Array.isArray(value)) return value.map(resolveEnv);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveEnv(v)]));
  return value;
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const app = resolveEnv(parse(readFileSync(appFile, 'utf8'))) as any;
const userMappings = app.objects.User.mappings as AttributeMappingConfig[];
const groupMappings = app.objects.Group.mappings as AttributeMappingConfig[];
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('examples/scim/app.yaml', () => {
  it('holds Entra’s default SCIM mappings, scope assigned, groups enabled, target from the environment', () => {
    expect(userMappings.map((m) => m.target)).toEqual([
      'userName',
      'active',
      'displayName',
      'title',
      'emails[type eq "work"].value',
      'name.givenName',
      'name.familyName',
      'externalId',
      `${ENTERPRISE}:department`,
      `${ENTERPRISE}:employeeNumber`,
      `${ENTERPRISE}:manager`,
    ]);
    expect(groupMappings.map((m) => m.target)).toEqual(['displayName', 'members']);
    expect(app.settings.scope).toBe('assigned');
    expect(app.objects.Group.enabled).toBe(true);
    const raw = parse(readFileSync(appFile, 'utf8'));
    expect(raw.connector.settings.baseUrl).toBe('${SCIM_TARGET_URL}');
    expect(raw.connector.credentials.token).toBe('${SCIM_TARGET_TOKEN}');
  });

  it('its mappings compile', () => {
    expect(compileObjectMapping('user', { mappings: userMappings }).ok).toBe(true);
    expect(compileObjectMapping('group', { mappings: groupMappings }).ok).toBe(true);
  });

  for (const profile of ['as written', 'strict-rfc7644']) {
    it(`provisions into a second Provisio server (${profile})`, async () => {
      const registry = new ConnectorRegistry().register(scimConnector);
      const settings =
        profile === 'as written' ? app.connector.settings : { ...app.connector.settings, profile };
      const c = await registry.open(
        { kind: app.connector.kind, settings },
        { appFile, credentials: app.connector.credentials },
      );
      const signal = () => AbortSignal.timeout(10_000);
      await c.testConnection(signal());
      const tag = `${profile === 'as written' ? 'a' : 'b'}${Date.now().toString(36)}`;
      const manager = await c.create(
        { objectType: 'User', attributes: { userName: `boss-${tag}@example.com` } },
        signal(),
      );
      const attributes: TargetAttributes = {
        userName: `ada-${tag}@example.com`,
        active: true,
        displayName: 'Ada Lovelace',
        title: 'Engineer',
        'emails[type eq "work"].value': `ada-${tag}@example.com`,
        'name.givenName': 'Ada',
        'name.familyName': 'Lovelace',
        externalId: `ada-${tag}`,
        [`${ENTERPRISE}:department`]: 'R&D',
        [`${ENTERPRISE}:employeeNumber`]: '1815',
        [`${ENTERPRISE}:manager`]: manager.id,
      };
      expect(Object.keys(attributes)).toEqual(userMappings.map((m) => m.target));
      const user = await c.create({ objectType: 'User', attributes }, signal());
      expect((await c.get!({ objectType: 'User', ref: user }, signal())).attributes).toMatchObject(
        attributes,
      );
      const found = await c.find!(
        { objectType: 'User', attribute: 'userName', value: attributes.userName! },
        signal(),
      );
      expect(found.map((o) => o.id)).toEqual([user.id]);
      await c.update!(
        {
          objectType: 'User',
          ref: user,
          changes: [
            { attribute: 'title', oldValue: 'Engineer', newValue: 'Analyst' },
            {
              attribute: 'emails[type eq "work"].value',
              oldValue: attributes.userName!,
              newValue: `ada2-${tag}@example.com`,
            },
          ],
        },
        signal(),
      );
      expect((await c.get!({ objectType: 'User', ref: user }, signal())).attributes).toMatchObject({
        title: 'Analyst',
        'emails[type eq "work"].value': `ada2-${tag}@example.com`,
      });
      const group = await c.create(
        { objectType: 'Group', attributes: { displayName: `Analysts ${tag}` } },
        signal(),
      );
      await c.addMembers!({ group, members: [user, manager] }, signal());
      await c.removeMembers!({ group, members: [manager] }, signal());
      expect((await c.get!({ objectType: 'Group', ref: group }, signal())).members).toEqual([user.id]);
      await c.setEnabled!({ objectType: 'User', ref: user, enabled: false }, signal());
      expect((await c.get!({ objectType: 'User', ref: user }, signal())).enabled).toBe(false);
      await c.delete!({ objectType: 'User', ref: user }, signal());
      await expect(c.get!({ objectType: 'User', ref: user }, signal())).rejects.toMatchObject({
        code: 'not_found',
      });
      await c.close!();
    });
  }
});
