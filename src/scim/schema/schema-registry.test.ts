import { describe, expect, it } from 'vitest';
import { SchemaRegistry } from './schema-registry.js';
import { SchemaUrn, type AttributeDefinition, type SchemaDefinition } from './schema-types.js';
import { errorOf } from '../../../test/support/scim-error-of.js';

const ENT = SchemaUrn.enterpriseUser;

function attribute(name: string, overrides: Partial<AttributeDefinition> = {}): AttributeDefinition {
  return {
    name,
    type: 'string',
    multiValued: false,
    description: '',
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...overrides,
  };
}

function schema(id: string, attributes: AttributeDefinition[]): SchemaDefinition {
  return { id, name: 'Custom', description: 'custom', attributes };
}

describe('core schemas (RFC 7643 §4, §8.7.1)', () => {
  const registry = SchemaRegistry.withCoreSchemas();
  const resolver = registry.resolver('User');

  it.each<[string, string | undefined, string, string | undefined, Partial<AttributeDefinition>]>([
    [
      'id',
      undefined,
      'id',
      undefined,
      { caseExact: true, mutability: 'readOnly', returned: 'always', uniqueness: 'server' },
    ],
    [
      'userName',
      undefined,
      'userName',
      undefined,
      { required: true, uniqueness: 'server', caseExact: false },
    ],
    ['password', undefined, 'password', undefined, { mutability: 'writeOnly', returned: 'never' }],
    [
      'groups',
      undefined,
      'groups',
      undefined,
      { mutability: 'readOnly', multiValued: true, type: 'complex' },
    ],
    ['x509Certificates.value', undefined, 'x509Certificates', 'value', { type: 'binary' }],
    ['profileUrl', undefined, 'profileUrl', undefined, { type: 'reference', referenceTypes: ['external'] }],
    ['emails.type', undefined, 'emails', 'type', { canonicalValues: ['work', 'home', 'other'] }],
    ['groups.$ref', undefined, 'groups', '$ref', { type: 'reference', referenceTypes: ['User', 'Group'] }],
    ['meta.lastModified', undefined, 'meta', 'lastModified', { type: 'dateTime', mutability: 'readOnly' }],
    ['manager.displayName', ENT, 'manager', 'displayName', { mutability: 'readOnly' }],
    ['manager.$ref', ENT, 'manager', '$ref', { referenceTypes: ['User'] }],
  ])('%s has the RFC characteristics', (_label, uri, name, sub, expected) => {
    const resolved = resolver.resolve(uri, name, sub);
    expect(resolved).toBeDefined();
    expect(sub ? resolved!.subAttribute : resolved!.attribute).toMatchObject(expected);
  });

  it('Group: displayName required, members have value/$ref/type/display', () => {
    const group = registry.resolver('Group');
    expect(group.resolve(undefined, 'displayName')!.attribute.required).toBe(true);
    expect(group.resolve(undefined, 'members')!.attribute.subAttributes!.map((a) => a.name)).toEqual([
      'value',
      '$ref',
      'type',
      'display',
    ]);
  });

  it('User lists every RFC 7643 §4.1 attribute', () => {
    expect(registry.schema(SchemaUrn.user)!.attributes.map((a) => a.name)).toEqual([
      'userName',
      'name',
      'displayName',
      'nickName',
      'profileUrl',
      'title',
      'userType',
      'preferredLanguage',
      'locale',
      'timezone',
      'active',
      'password',
      'emails',
      'phoneNumbers',
      'ims',
      'photos',
      'addresses',
      'groups',
      'entitlements',
      'roles',
      'x509Certificates',
    ]);
  });
});

describe('AttributeResolver', () => {
  const resolver = SchemaRegistry.withCoreSchemas().resolver('user');

  it('resolves case-insensitively and reports the schema', () => {
    const r = resolver.resolve(undefined, 'EMAILS', 'VALUE')!;
    expect([r.schema, r.isExtension, r.attribute.name, r.subAttribute!.name]).toEqual([
      SchemaUrn.user,
      false,
      'emails',
      'value',
    ]);
  });

  it('finds unqualified extension attributes after the core ones', () => {
    const r = resolver.resolve(undefined, 'employeeNumber')!;
    expect([r.schema, r.isExtension]).toEqual([ENT, true]);
  });

  it('resolves URN-qualified paths, including core-URN-qualified core attributes', () => {
    expect(resolver.resolvePath(`${ENT}:manager.value`)!.subAttribute!.name).toBe('value');
    expect(resolver.resolvePath(`${ENT.toUpperCase()}:EMPLOYEENUMBER`)!.attribute.name).toBe(
      'employeeNumber',
    );
    expect(resolver.resolvePath(`${SchemaUrn.user}:name.givenName`)!.subAttribute!.name).toBe('givenName');
    expect(resolver.resolvePath(`${SchemaUrn.user}:id`)!.attribute.name).toBe('id');
    expect(resolver.splitPath(`${ENT}:manager.value`)).toEqual({
      uri: ENT,
      name: 'manager',
      subAttr: 'value',
    });
  });

  it('returns undefined for unknown names, sub-attributes and schemas', () => {
    expect(resolver.resolve(undefined, 'nope')).toBeUndefined();
    expect(resolver.resolve(undefined, 'name', 'nope')).toBeUndefined();
    expect(resolver.resolve(SchemaUrn.group, 'displayName')).toBeUndefined();
    expect(resolver.resolve(ENT, 'userName')).toBeUndefined();
    expect(resolver.resolvePath('urn:example:nope:attr')).toBeUndefined();
  });

  it('returns the same object for repeated lookups (no allocation per lookup)', () => {
    expect(resolver.resolve(undefined, 'userName')).toBe(resolver.resolve(undefined, 'USERNAME'));
  });
});

describe('SchemaRegistry: custom extensions', () => {
  const CUSTOM = 'urn:example:params:scim:schemas:extension:acme:2.0:User';

  it('registers a custom extension, attaches it, and resolves its attributes', () => {
    const registry = SchemaRegistry.withCoreSchemas();
    registry.registerSchema(schema(CUSTOM, [attribute('badgeNumber', { caseExact: true })]));
    registry.attachExtension('User', CUSTOM, true);
    expect(registry.resourceType('User')!.schemaExtensions).toEqual([
      { schema: ENT, required: false },
      { schema: CUSTOM, required: true },
    ]);
    expect(registry.resolver('User').resolvePath(`${CUSTOM}:badgenumber`)!.attribute.caseExact).toBe(true);
  });

  it.each<[string, SchemaDefinition, string]>([
    ['non-URN id', schema('acme', []), 'must be a URN'],
    ['duplicate', schema(SchemaUrn.user, []), 'already registered'],
    ['bad name', schema(CUSTOM, [attribute('9lives')]), 'attribute 9lives: invalid name'],
    ['duplicate name', schema(CUSTOM, [attribute('a'), attribute('A')]), 'attribute A: defined twice'],
    ['reserved name', schema(CUSTOM, [attribute('id')]), 'reserved'],
    ['complex without subs', schema(CUSTOM, [attribute('c', { type: 'complex' })]), 'needs subAttributes'],
    [
      'nested complex',
      schema(CUSTOM, [
        attribute('c', {
          type: 'complex',
          subAttributes: [attribute('d', { type: 'complex', subAttributes: [attribute('e')] })],
        }),
      ]),
      'attribute c.d: sub-attributes cannot be complex',
    ],
    ['bad type', schema(CUSTOM, [attribute('a', { type: 'text' as never })]), 'invalid type'],
  ])('rejects a malformed schema: %s', (_label, def, detail) => {
    const e = errorOf(() => SchemaRegistry.withCoreSchemas().registerSchema(def));
    expect(e.scimType).toBe('invalidValue');
    expect(e.detail).toContain(detail);
  });

  it('rejects resource types with unknown schemas and unknown attach targets', () => {
    const registry = SchemaRegistry.withCoreSchemas();
    expect(
      errorOf(() =>
        registry.registerResourceType({
          id: 'D',
          name: 'Device',
          endpoint: '/Devices',
          description: '',
          schema: 'urn:x:y',
          schemaExtensions: [],
        }),
      ).detail,
    ).toContain('unknown schema urn:x:y');
    expect(errorOf(() => registry.attachExtension('User', 'urn:x:y')).detail).toContain('unknown schema');
    expect(errorOf(() => registry.attachExtension('Device', ENT)).detail).toContain('unknown resource type');
    expect(errorOf(() => registry.resolver('Device')).status).toBe(404);
    // A failed attach leaves the type as it was.
    expect(errorOf(() => registry.attachExtension('User', ENT)).detail).toContain('listed twice');
    expect(registry.resourceType('User')!.schemaExtensions).toHaveLength(1);
  });

  it('finds resource types by endpoint', () => {
    expect(SchemaRegistry.withCoreSchemas().resourceTypeByEndpoint('/groups')!.name).toBe('Group');
  });
});
