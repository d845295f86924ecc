import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../shared/json.js';
import { rfcEnterpriseUser, rfcGroup } from '../resource/rfc7643-examples.js';
import type { ScimError } from '../scim-error.js';
import { SchemaRegistry } from '../schema/schema-registry.js';
import { SchemaUrn } from '../schema/schema-types.js';
import { parseAttributeList } from './attribute-list.js';
import { compileProjection, projectResource } from './project-resource.js';
import { defineAttribute } from '../schema/attribute-builders.js';

const registry = SchemaRegistry.withCoreSchemas();
const users = registry.resolver('User');
const ENT = SchemaUrn.enterpriseUser;
const id = rfcEnterpriseUser.id as string;

describe('parseAttributeList', () => {
  it('splits names, sub-attributes and URN-qualified paths', () => {
    expect(
      parseAttributeList(` userName, name.givenName ,${ENT}:employeeNumber,${ENT}:manager.value,${ENT},`),
    ).toEqual([
      { text: 'userName', name: 'userName' },
      { text: 'name.givenName', name: 'name', subAttr: 'givenName' },
      { text: `${ENT}:employeeNumber`, uri: ENT, name: 'employeeNumber' },
      { text: `${ENT}:manager.value`, uri: ENT, name: 'manager', subAttr: 'value' },
      { text: ENT, uri: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0', name: 'User' },
    ]);
  });

  it.each(['user name', 'emails[type eq]', 'emails[type eq "work"', '.value', 'name.', '9abc'])(
    'rejects %j with invalidPath',
    (text) => {
      expect(() => parseAttributeList(text)).toThrow(
        expect.objectContaining({ scimType: 'invalidPath' }) as ScimError,
      );
    },
  );
});

describe('projectResource (RFC 7644 §3.4.2.5, §3.9)', () => {
  const cases: [string, { attributes?: string; excludedAttributes?: string }, JsonObject][] = [
    // The §3.9 example: only userName plus what is always returned.
    [
      'attributes=userName',
      { attributes: 'userName' },
      { schemas: [SchemaUrn.user], id, userName: 'bjensen@example.com' },
    ],
    [
      'attributes=name.givenName,emails.value',
      { attributes: 'NAME.givenname,emails.value' },
      {
        schemas: [SchemaUrn.user],
        id,
        name: { givenName: 'Barbara' },
        emails: [{ value: 'bjensen@example.com' }, { value: 'babs@jensen.org' }],
      },
    ],
    [
      'attributes=<enterprise URN>',
      { attributes: ENT },
      { schemas: [SchemaUrn.user, ENT], id, [ENT]: rfcEnterpriseUser[ENT]! },
    ],
    [
      'attributes=<URN>:manager.value',
      { attributes: `${ENT}:manager.value,externalId` },
      {
        schemas: [SchemaUrn.user, ENT],
        id,
        externalId: '701984',
        [ENT]: { manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d' } },
      },
    ],
    [
      'attributes=password (returned never) gives nothing but id',
      { attributes: 'password' },
      { schemas: [SchemaUrn.user], id },
    ],
    ['attributes=id alone', { attributes: 'id,unknownAttr' }, { schemas: [SchemaUrn.user], id }],
  ];
  it.each(cases)('%s', (_label, options, expected) => {
    expect(projectResource(rfcEnterpriseUser, users, options)).toEqual(expected);
  });

  it('without parameters returns every default attribute but never password', () => {
    const out = projectResource(rfcEnterpriseUser, users);
    const expected = { ...rfcEnterpriseUser };
    delete expected.password;
    expect(out).toEqual(expected);
  });

  it('excludedAttributes removes default attributes and sub-attributes but never id', () => {
    const out = projectResource(rfcEnterpriseUser, users, {
      excludedAttributes: `emails,name.givenName,id,meta,${ENT}`,
    });
    expect(out.id).toBe(id);
    expect(out.emails).toBeUndefined();
    expect(out.meta).toBeUndefined();
    expect(out.password).toBeUndefined();
    expect(out[ENT]).toBeUndefined();
    expect(out.schemas).toEqual([SchemaUrn.user]);
    expect(out.name).toEqual({ ...(rfcEnterpriseUser.name as JsonObject), givenName: undefined });
    expect(Object.keys(out.name as JsonObject)).not.toContain('givenName');
  });

  it('excluding an extension attribute keeps the rest of the extension', () => {
    const out = projectResource(rfcEnterpriseUser, users, { excludedAttributes: `${ENT}:manager` });
    expect(Object.keys(out[ENT] as JsonObject)).toEqual([
      'employeeNumber',
      'costCenter',
      'organization',
      'division',
      'department',
    ]);
  });

  it('groups: attributes=displayName returns displayName and id only', () => {
    expect(projectResource(rfcGroup, registry.resolver('Group'), { attributes: 'displayName' })).toEqual({
      schemas: [SchemaUrn.group],
      id: rfcGroup.id,
      displayName: 'Tour Guides',
    });
    // excludedAttributes=members is how Entra ID asks for a group without its (possibly huge) member list.
    expect(
      projectResource(rfcGroup, registry.resolver('Group'), { excludedAttributes: 'members' }).members,
    ).toBeUndefined();
  });

  it('returned "request" attributes appear only when asked for', () => {
    const custom = SchemaRegistry.withCoreSchemas();
    const EXT = 'urn:example:ext:1.0:User';
    custom.registerSchema({
      id: EXT,
      name: 'X',
      description: '',
      attributes: [
        defineAttribute('secretQuestion', 'string', '', { returned: 'request' }),
        defineAttribute('badge', 'string', ''),
      ],
    });
    custom.attachExtension('User', EXT);
    const resource = {
      schemas: [SchemaUrn.user, EXT],
      id: '1',
      userName: 'u',
      [EXT]: { secretQuestion: 'q', badge: 'b' },
    };
    const resolver = custom.resolver('User');
    expect(projectResource(resource, resolver)[EXT]).toEqual({ badge: 'b' });
    expect(projectResource(resource, resolver, { excludedAttributes: 'badge' })).toEqual({
      schemas: [SchemaUrn.user],
      id: '1',
      userName: 'u',
    });
    expect(projectResource(resource, resolver, { attributes: 'secretQuestion' })[EXT]).toEqual({
      secretQuestion: 'q',
    });
  });

  it('a compiled projection can be reused across resources and shares unchanged values', () => {
    const projection = compileProjection(users, { attributes: 'emails' });
    const a = projection.apply(rfcEnterpriseUser);
    expect(a.emails).toBe(rfcEnterpriseUser.emails);
    expect(projection.apply({ schemas: [SchemaUrn.user], id: 'x', userName: 'y' })).toEqual({
      schemas: [SchemaUrn.user],
      id: 'x',
    });
  });
});
