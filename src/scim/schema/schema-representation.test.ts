import { describe, expect, it } from 'vitest';
import { ScimError } from '../scim-error.js';
import { SchemaRegistry } from './schema-registry.js';
import { getResourceType, getSchema, listResourceTypes, listSchemas } from './schema-representation.js';
import { SchemaUrn } from './schema-types.js';
import { buildServiceProviderConfig } from './service-provider-config.js';

const registry = SchemaRegistry.withCoreSchemas();
const BASE = 'https://example.com/v2/';

describe('/Schemas (RFC 7643 §7)', () => {
  it('lists User, Group and EnterpriseUser in a ListResponse', () => {
    const list = listSchemas(registry, BASE);
    expect(list.schemas).toEqual([SchemaUrn.listResponse]);
    expect(list.totalResults).toBe(3);
    expect(list.Resources.map((r) => r.id)).toEqual([
      SchemaUrn.user,
      SchemaUrn.group,
      SchemaUrn.enterpriseUser,
    ]);
  });

  it('serves one schema with every characteristic and meta', () => {
    const user = getSchema(registry, SchemaUrn.user.toUpperCase(), BASE);
    expect(user.schemas).toEqual([SchemaUrn.schema]);
    expect(user.meta).toEqual({
      resourceType: 'Schema',
      location: `https://example.com/v2/Schemas/${SchemaUrn.user}`,
    });
    const attrs = user.attributes as Record<string, unknown>[];
    expect(attrs.find((a) => a.name === 'userName')).toEqual({
      name: 'userName',
      type: 'string',
      multiValued: false,
      description: expect.any(String),
      required: true,
      caseExact: false,
      mutability: 'readWrite',
      returned: 'default',
      uniqueness: 'server',
    });
    const emails = attrs.find((a) => a.name === 'emails')!;
    expect(
      (emails.subAttributes as Record<string, unknown>[]).find((s) => s.name === 'type')!.canonicalValues,
    ).toEqual(['work', 'home', 'other']);
    // Common attributes belong to no schema (RFC 7643 §3.1).
    expect(attrs.some((a) => a.name === 'id')).toBe(false);
  });

  it('404 for an unknown schema', () => {
    expect(() => getSchema(registry, 'urn:nope', BASE)).toThrow(ScimError);
  });
});

describe('/ResourceTypes (RFC 7643 §6)', () => {
  it('lists User and Group with extensions and meta', () => {
    const list = listResourceTypes(registry, 'https://example.com/v2');
    expect(list.Resources).toEqual([
      {
        schemas: [SchemaUrn.resourceType],
        id: 'User',
        name: 'User',
        endpoint: '/Users',
        description: 'User Account',
        schema: SchemaUrn.user,
        schemaExtensions: [{ schema: SchemaUrn.enterpriseUser, required: false }],
        meta: { resourceType: 'ResourceType', location: 'https://example.com/v2/ResourceTypes/User' },
      },
      {
        schemas: [SchemaUrn.resourceType],
        id: 'Group',
        name: 'Group',
        endpoint: '/Groups',
        description: 'Group',
        schema: SchemaUrn.group,
        meta: { resourceType: 'ResourceType', location: 'https://example.com/v2/ResourceTypes/Group' },
      },
    ]);
    expect(getResourceType(registry, 'group', BASE).id).toBe('Group');
    expect(() => getResourceType(registry, 'Device', BASE)).toThrow(ScimError);
  });
});

describe('ServiceProviderConfig (RFC 7643 §5)', () => {
  it('advertises exactly what the options say', () => {
    expect(
      buildServiceProviderConfig({
        baseUrl: BASE,
        patch: true,
        bulk: { maxOperations: 1000, maxPayloadSize: 1048576 },
        filter: { maxResults: 200 },
        sort: true,
        etag: true,
      }),
    ).toEqual({
      schemas: [SchemaUrn.serviceProviderConfig],
      patch: { supported: true },
      bulk: { supported: true, maxOperations: 1000, maxPayloadSize: 1048576 },
      filter: { supported: true, maxResults: 200 },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      authenticationSchemes: [
        {
          type: 'oauthbearertoken',
          name: 'OAuth Bearer Token',
          description: expect.any(String),
          specUri: 'https://www.rfc-editor.org/rfc/rfc6750',
          primary: true,
        },
      ],
      meta: {
        resourceType: 'ServiceProviderConfig',
        location: 'https://example.com/v2/ServiceProviderConfig',
      },
    });
  });

  it('defaults to unsupported features', () => {
    const spc = buildServiceProviderConfig();
    expect([spc.patch, spc.bulk, spc.filter, spc.sort, spc.etag]).toEqual([
      { supported: false },
      { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      { supported: false, maxResults: 0 },
      { supported: false },
      { supported: false },
    ]);
  });
});
