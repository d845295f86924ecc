/**
 * examples/ldap/app.yaml runs as it is: its connector block validates with the `ldap` kind and
 * works against a slapd whose suffix has ou=people and ou=groups, and its mappings compile and
 * produce entries the server accepts (a user found by its uid, a group holding the user).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client } from 'ldapts';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ldapConnector } from '../../src/connectors/ldap/index.js';
import { ConnectorRegistry, type TargetAttributes } from '../../src/connectors/spi/index.js';
import {
  compileObjectMapping,
  type AttributeMappingConfig,
} from '../../src/engine/mapping/object-mapping.js';
import { signal } from '../support/slapd/ldap-test-connector.js';
import { rawEntry, slapdSkip, slapdTitle, useSlapd } from '../support/slapd/slapd-suite.js';

const slapd = useSlapd();
const file = fileURLToPath(new URL('../../examples/ldap/app.yaml', import.meta.url));

/** The app file with ${VAR} replaced, as the apps loader does from the environment. */
function loadExample(env: Record<string, string>) {
  const text = readFileSync(file, 'utf8').replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => {
    if (!(name in env)) throw new Error(`the example reads ${name}, which the test does not set`);
    return env[name]!;
  });
  return parse(text) as {
    connector: { kind: string; settings: unknown; credentials: unknown };
    settings: Record<string, unknown>;
    objects: Record<'User' | 'Group', { mappings: AttributeMappingConfig[] }>;
  };
}

describe.skipIf(slapdSkip !== undefined)(slapdTitle('examples/ldap/app.yaml (real slapd)'), () => {
  it('reads only the four LDAP_* variables', () => {
    const names = [...readFileSync(file, 'utf8').matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1]);
    expect(new Set(names)).toEqual(
      new Set(['LDAP_URL', 'LDAP_BIND_DN', 'LDAP_BIND_PASSWORD', 'LDAP_BASE_DN']),
    );
  });

  it('provisions a mapped user and group into ou=people and ou=groups, and locks the user with ppolicy', async () => {
    const server = slapd.current();
    const app = loadExample({
      LDAP_URL: server.url,
      LDAP_BIND_DN: server.adminDn,
      LDAP_BIND_PASSWORD: server.adminPassword,
      LDAP_BASE_DN: server.baseDn,
    });
    expect(app.connector.kind).toBe('ldap');
    expect(app.settings.scope).toBe('assigned');
    const registry = new ConnectorRegistry().register(ldapConnector);
    const connector = await registry.open(
      { kind: app.connector.kind, settings: app.connector.settings },
      { appFile: file, credentials: app.connector.credentials },
    );
    try {
      await connector.testConnection(signal());
      const users = compileObjectMapping('user', app.objects.User, { targetSchema: null });
      const groups = compileObjectMapping('group', app.objects.Group, { targetSchema: null });
      if (!users.ok || !groups.ok) throw new Error(JSON.stringify([users, groups]));
      const mapped = users.mapping.mapObject(
        {
          kind: 'user',
          context: { assigned: true, inScope: true },
          resource: {
            schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
            id: 'u-1',
            userName: 'ann.example@example.com',
            displayName: 'Ann Example',
            name: { givenName: 'Ann', familyName: 'Example' },
            emails: [{ type: 'work', value: 'ann.example@example.com', primary: true }],
            title: 'Engineer',
            'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Research' },
          },
        },
        { operation: 'create' },
      );
      expect(mapped.errors).toEqual([]);
      const user = await connector.create(
        { objectType: 'User', attributes: mapped.target as TargetAttributes },
        signal(),
      );
      expect(user.name).toBe(`uid=ann.example,ou=people,${server.baseDn}`);
      const entry = await rawEntry(server, user.name!);
      expect(entry).toMatchObject({
        uid: 'ann.example',
        cn: 'Ann Example',
        sn: 'Example',
        givenName: 'Ann',
        mail: 'ann.example@example.com',
        title: 'Engineer',
        departmentNumber: 'Research',
      });
      // The generated initial password works, and is never shown back.
      const password = String(mapped.target.userPassword);
      expect(password).toHaveLength(20);
      expect(user.attributes).not.toHaveProperty('userPassword');
      const client = new Client({ url: server.url });
      await client.bind(user.name!, password);
      await client.unbind();
      const [found] = await connector.find!(
        { objectType: 'User', attribute: 'uid', value: 'ann.example' },
        signal(),
      );
      expect(found?.id).toBe(user.id);

      // The engine resolves the members reference to the member's DN before it writes.
      const group = groups.mapping.mapObject(
        {
          kind: 'group',
          context: { assigned: true, inScope: true },
          resource: {
            schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
            id: 'g-1',
            displayName: 'Research',
          },
        },
        { operation: 'create' },
      );
      const created = await connector.create(
        { objectType: 'Group', attributes: { ...(group.target as TargetAttributes), member: [user.name!] } },
        signal(),
      );
      expect(created.name).toBe(`cn=Research,ou=groups,${server.baseDn}`);
      expect((await rawEntry(server, created.name!))?.member).toBe(user.name);

      await connector.setEnabled!({ objectType: 'User', ref: user, enabled: false }, signal());
      expect((await rawEntry(server, user.name!))?.pwdAccountLockedTime).toBe('000001010000Z');
    } finally {
      await connector.close?.();
    }
  });
});
