import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../shared/json.js';
import { ScimError } from '../scim-error.js';
import { SchemaRegistry } from '../schema/schema-registry.js';
import { SchemaUrn } from '../schema/schema-types.js';
import { rfcEnterpriseUser, rfcFullUser, rfcGroup } from './rfc7643-examples.js';
import { validateResource } from './validate-resource.js';
import { defineAttribute } from '../schema/attribute-builders.js';
import { errorOf } from '../../../test/support/scim-error-of.js';

const registry = SchemaRegistry.withCoreSchemas();
const ENT = SchemaUrn.enterpriseUser;

function user(attributes: JsonObject, schemas: string[] = [SchemaUrn.user]): JsonObject {
  return { schemas, userName: 'bjensen', ...attributes };
}

function strip(resource: JsonObject, ...keys: string[]): JsonObject {
  const copy = { ...resource };
  for (const k of keys) delete copy[k];
  return copy;
}

describe('validateResource: RFC 7643 §8 examples', () => {
  it('§8.2 full user: drops schemas/id/meta and readOnly groups, keeps the rest as is', () => {
    const out = validateResource(registry, 'User', rfcFullUser, 'create');
    expect(out).toEqual(strip(rfcFullUser, 'schemas', 'id', 'meta', 'groups'));
    expect(out.password).toBe('t1meMa$heen');
  });

  it('§8.3 enterprise user: extension nested under its URN, manager.displayName (readOnly) dropped', () => {
    const out = validateResource(registry, 'User', rfcEnterpriseUser, 'create');
    expect(out[ENT]).toEqual({
      employeeNumber: '701984',
      costCenter: '4130',
      organization: 'Universal Studios',
      division: 'Theme Park',
      department: 'Tour Operations',
      manager: {
        value: '26118915-6090-4610-87e4-49d8ca9f808d',
        $ref: '../Users/26118915-6090-4610-87e4-49d8ca9f808d',
      },
    });
  });

  it('§8.4 group: members with value/$ref/display accepted', () => {
    const out = validateResource(registry, 'Group', rfcGroup, 'create');
    expect(out).toEqual(strip(rfcGroup, 'schemas', 'id', 'meta'));
  });
});

describe('validateResource: names and schemas', () => {
  it('normalises mixed-case attribute and sub-attribute names to canonical case (RFC 7643 §2.1)', () => {
    const out = validateResource(
      registry,
      'user',
      {
        SCHEMAS: ['URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER'],
        USERNAME: 'x',
        Name: { GIVENNAME: 'Barbara', familyname: 'Jensen' },
        EMAILS: [{ VALUE: 'a@example.com', Primary: true }],
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:user': {
          EmployeeNumber: '1',
          MANAGER: { VALUE: 'm' },
        },
      },
      'create',
    );
    expect(out).toEqual({
      userName: 'x',
      name: { givenName: 'Barbara', familyName: 'Jensen' },
      emails: [{ value: 'a@example.com', primary: true }],
      [ENT]: { employeeNumber: '1', manager: { value: 'm' } },
    });
  });

  it('accepts URN-prefixed flat keys (as Entra ID sends) and nests them under the extension', () => {
    const out = validateResource(
      registry,
      'User',
      user({
        [`${ENT}:employeeNumber`]: '42',
        [`${ENT}:manager.value`]: 'boss',
        [`${SchemaUrn.user}:displayName`]: 'Babs',
        [`${SchemaUrn.user}:name.givenName`]: 'Barbara',
      }),
      'create',
    );
    expect(out).toEqual({
      userName: 'bjensen',
      [ENT]: { employeeNumber: '42', manager: { value: 'boss' } },
      displayName: 'Babs',
      name: { givenName: 'Barbara' },
    });
  });

  it('adds a missing extension URN to schemas implicitly (tolerated) and rejects foreign schemas', () => {
    expect(validateResource(registry, 'User', user({ [ENT]: { department: 'd' } }), 'create')[ENT]).toEqual({
      department: 'd',
    });
    const e = errorOf(() =>
      validateResource(registry, 'User', user({}, [SchemaUrn.user, SchemaUrn.group]), 'create'),
    );
    expect(e.scimType).toBe('invalidValue');
    expect(e.detail).toContain('schemas[1]');
  });

  it('ignores an unregistered schema URN that carries no attributes (Entra ID group creation)', () => {
    const adscim = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';
    expect(
      validateResource(
        registry,
        'Group',
        { schemas: [SchemaUrn.group, adscim], displayName: 'Group1DisplayName' },
        'create',
      ),
    ).toEqual({ displayName: 'Group1DisplayName' });
    // Attributes under an unknown URN are still unknown attributes.
    const withData = errorOf(() =>
      validateResource(
        registry,
        'User',
        { schemas: [SchemaUrn.user, 'urn:example:unknown'], userName: 'x', 'urn:example:unknown': { a: 1 } },
        'create',
      ),
    );
    expect(withData.scimType).toBe('invalidValue');
    expect(withData.detail).toContain('urn:example:unknown: unknown attribute');
    // The core schema must still be listed.
    expect(
      errorOf(() => validateResource(registry, 'Group', { schemas: [adscim], displayName: 'g' }, 'create'))
        .detail,
    ).toContain('schemas: must include');
  });

  it.each([
    ['missing schemas', { userName: 'x' }, 'schemas: required'],
    ['schemas without core', { schemas: [ENT], userName: 'x' }, 'schemas: must include'],
    ['schemas not an array', { schemas: SchemaUrn.user, userName: 'x' }, 'schemas: expected array'],
    ['non-string schema', { schemas: [SchemaUrn.user, 1], userName: 'x' }, 'schemas[1]: expected string'],
  ])('rejects %s', (_name, input, detail) => {
    const e = errorOf(() => validateResource(registry, 'User', input, 'create'));
    expect(e.status).toBe(400);
    expect(e.detail).toContain(detail);
  });
});

describe('validateResource: precise errors', () => {
  it.each<[string, JsonObject, string]>([
    [
      'boolean in emails',
      { emails: [{ value: 'a' }, { value: 'b', primary: 'yes' }] },
      'emails[1].primary: expected boolean',
    ],
    ['string', { displayName: 5 }, 'displayName: expected string'],
    ['boolean', { active: 'yes' }, 'active: expected boolean'],
    ['array', { emails: { value: 'a' } }, 'emails: expected array'],
    ['object', { name: 'Barbara' }, 'name: expected object'],
    ['element object', { emails: ['a@example.com'] }, 'emails[0]: expected object'],
    ['unknown attribute', { favouriteColour: 'blue' }, 'favouriteColour: unknown attribute'],
    ['unknown sub-attribute', { name: { nickname: 'x' } }, 'name.nickname: unknown sub-attribute'],
    [
      'unknown sub in element',
      { emails: [{ value: 'a', label: 'x' }] },
      'emails[0].label: unknown sub-attribute',
    ],
    ['unknown extension attribute', { [ENT]: { badge: '1' } }, `${ENT}:badge: unknown attribute`],
    ['extension not an object', { [ENT]: 'x' }, `${ENT}: expected object`],
    ['extension sub type', { [ENT]: { manager: { value: 1 } } }, `${ENT}:manager.value: expected string`],
    ['unknown URN key', { 'urn:example:unknown:attr': 'x' }, 'urn:example:unknown:attr: unknown attribute'],
    [
      'two primaries',
      {
        emails: [
          { value: 'a', primary: true },
          { value: 'b', primary: true },
        ],
      },
      'emails: more than one value has primary true',
    ],
    [
      'binary',
      { x509Certificates: [{ value: 'not base64!' }] },
      'x509Certificates[0].value: expected binary',
    ],
    ['reference', { profileUrl: 'has space' }, 'profileUrl: expected reference'],
    ['duplicate by case', { displayName: 'a', DisplayName: 'b' }, 'displayName: given more than once'],
  ])('%s', (_name, attributes, detail) => {
    const e = errorOf(() => validateResource(registry, 'User', user(attributes), 'create'));
    expect(e.status).toBe(400);
    expect(e.scimType).toBe('invalidValue');
    expect(e.detail).toContain(detail);
  });

  it('a non-object body is invalidSyntax', () => {
    for (const body of [null, 'x', 1, [], true]) {
      expect(errorOf(() => validateResource(registry, 'User', body, 'create')).scimType).toBe(
        'invalidSyntax',
      );
    }
  });

  it('an unknown resource type is 404', () => {
    expect(errorOf(() => validateResource(registry, 'Device', {}, 'create')).status).toBe(404);
  });
});

describe('validateResource: characteristics', () => {
  it('ignores readOnly input: id, meta, groups, manager.displayName', () => {
    const out = validateResource(
      registry,
      'User',
      user({
        id: 'client-chosen',
        meta: { created: 'x' },
        groups: 'not even valid',
        [ENT]: { manager: { displayName: 'M' } },
      }),
      'create',
    );
    expect(out).toEqual({ userName: 'bjensen' });
  });

  it('enforces required attributes on create and replace (userName, group displayName)', () => {
    const required = (name: string) => `${name}: required, and not empty or blank`;
    for (const mode of ['create', 'replace'] as const) {
      expect(
        errorOf(() => validateResource(registry, 'User', { schemas: [SchemaUrn.user] }, mode)).detail,
      ).toBe(required('userName'));
      for (const blank of ['', ' \t ']) {
        expect(
          errorOf(() =>
            validateResource(registry, 'User', { schemas: [SchemaUrn.user], userName: blank }, mode),
          ).detail,
        ).toBe(required('userName'));
        expect(
          errorOf(() =>
            validateResource(registry, 'Group', { schemas: [SchemaUrn.group], displayName: blank }, mode),
          ).detail,
        ).toBe(required('displayName'));
      }
      expect(
        errorOf(() =>
          validateResource(registry, 'Group', { schemas: [SchemaUrn.group], displayName: null }, mode),
        ).detail,
      ).toBe(required('displayName'));
    }
  });

  it('takes "true" and "false" strings (any case) for booleans, as some clients send them', () => {
    const out = validateResource(
      registry,
      'User',
      {
        schemas: [SchemaUrn.user],
        userName: 'b',
        active: 'True',
        emails: [{ value: 'a', primary: 'FALSE' }],
      },
      'create',
    );
    expect(out).toEqual({ userName: 'b', active: true, emails: [{ value: 'a', primary: false }] });
  });

  it('treats null and empty values as unassigned (RFC 7643 §2.5)', () => {
    expect(
      validateResource(
        registry,
        'User',
        user({ displayName: null, emails: [], name: {}, [ENT]: {} }),
        'create',
      ),
    ).toEqual({
      userName: 'bjensen',
    });
  });

  it('does not enforce canonicalValues (documented choice)', () => {
    const out = validateResource(
      registry,
      'User',
      user({ emails: [{ value: 'a', type: 'mobile' }] }),
      'create',
    );
    expect(out.emails).toEqual([{ value: 'a', type: 'mobile' }]);
  });

  it.each([
    ['2008-01-23T04:56:22Z', true],
    ['2008-01-23T04:56:22.123456+05:30', true],
    ['2008-01-23T04:56:22', true],
    ['2008-02-29T00:00:00Z', true],
    ['2009-02-29T00:00:00Z', false],
    ['2008-13-01T00:00:00Z', false],
    ['2008-01-23 04:56:22Z', false],
    ['yesterday', false],
  ])('dateTime %s valid=%s', (text, ok) => {
    const custom = SchemaRegistry.withCoreSchemas();
    custom.registerSchema({
      id: 'urn:example:ext:1.0:User',
      name: 'X',
      description: '',
      attributes: [
        defineAttribute('hired', 'dateTime', ''),
        defineAttribute('level', 'integer', ''),
        defineAttribute('score', 'decimal', ''),
      ],
    });
    custom.attachExtension('User', 'urn:example:ext:1.0:User');
    const run = (): JsonObject =>
      validateResource(custom, 'User', user({ 'urn:example:ext:1.0:User': { hired: text } }), 'create');
    if (ok) expect(run()['urn:example:ext:1.0:User']).toEqual({ hired: text });
    else expect(errorOf(run).detail).toContain('urn:example:ext:1.0:User:hired: expected dateTime');
    // integers vs decimals
    const num = (v: JsonObject): JsonObject =>
      validateResource(custom, 'User', user({ 'urn:example:ext:1.0:User': v }), 'create');
    expect(num({ level: 3, score: 2.5 })['urn:example:ext:1.0:User']).toEqual({ level: 3, score: 2.5 });
    expect(errorOf(() => num({ level: 2.5 })).detail).toContain('level: expected integer');
    expect(errorOf(() => num({ score: '2.5' })).detail).toContain('score: expected decimal');
  });

  it('replace: immutable attributes may not change, and are kept when omitted', () => {
    const custom = SchemaRegistry.withCoreSchemas();
    custom.registerSchema({
      id: 'urn:example:ext:1.0:User',
      name: 'X',
      description: '',
      attributes: [defineAttribute('badge', 'string', '', { caseExact: true, mutability: 'immutable' })],
    });
    custom.attachExtension('User', 'urn:example:ext:1.0:User');
    const EXT = 'urn:example:ext:1.0:User';
    const existing = { userName: 'bjensen', [EXT]: { badge: 'B1' } };
    const e = errorOf(() =>
      validateResource(custom, 'User', user({ [EXT]: { badge: 'B2' } }), 'replace', existing),
    );
    expect([e.status, e.scimType]).toEqual([400, 'mutability']);
    expect(e.detail).toContain(`${EXT}:badge`);
    expect(validateResource(custom, 'User', user({}), 'replace', existing)[EXT]).toEqual({ badge: 'B1' });
    expect(
      validateResource(custom, 'User', user({ [EXT]: { badge: 'B1' } }), 'replace', existing)[EXT],
    ).toEqual({
      badge: 'B1',
    });
    // On create, or when not yet set, an immutable attribute may be given.
    expect(
      validateResource(custom, 'User', user({ [EXT]: { badge: 'B2' } }), 'replace', { userName: 'x' })[EXT],
    ).toEqual({
      badge: 'B2',
    });
  });

  it('replace: group members (immutable sub-attributes) may be added and removed', () => {
    const existing = validateResource(registry, 'Group', rfcGroup, 'create');
    const out = validateResource(
      registry,
      'Group',
      { schemas: [SchemaUrn.group], displayName: 'Tour Guides', members: [{ value: 'new' }] },
      'replace',
      existing,
    );
    expect(out.members).toEqual([{ value: 'new' }]);
  });
});

describe('validateResource: properties', () => {
  const json = fc.jsonValue({ maxDepth: 4 });
  const attributeNames = fc.constantFrom(
    'userName',
    'USERNAME',
    'name',
    'emails',
    'active',
    'displayName',
    'password',
    'x509Certificates',
    'phoneNumbers',
    'groups',
    'id',
    'meta',
    'externalId',
    'schemas',
    'addresses',
    ENT,
    `${ENT}:manager.value`,
    'bogus',
  );

  it('never throws anything but ScimError on arbitrary JSON input', () => {
    const input = fc.oneof(
      json,
      fc.dictionary(attributeNames, json, { maxKeys: 6 }).map((d) => ({ schemas: [SchemaUrn.user], ...d })),
    );
    fc.assert(
      fc.property(
        input,
        fc.constantFrom('create', 'replace') as fc.Arbitrary<'create' | 'replace'>,
        (value, mode) => {
          try {
            validateResource(registry, 'User', value, mode, { userName: 'x' });
          } catch (error) {
            if (!(error instanceof ScimError)) throw error;
          }
        },
      ),
      { numRuns: 800 },
    );
  });

  const str = fc.string({ maxLength: 8 });
  const email = fc.record(
    { value: str, type: fc.constantFrom('work', 'home'), display: str },
    { requiredKeys: ['value'] },
  );
  const validUser = fc.record(
    {
      userName: str.filter((s) => s.trim() !== ''),
      displayName: fc.oneof(str, fc.constant(null)),
      active: fc.boolean(),
      name: fc.record({ givenName: str, familyName: str }, { requiredKeys: [] }),
      emails: fc.array(email, { maxLength: 3 }),
      password: str,
      [ENT]: fc.record({ employeeNumber: str, manager: fc.record({ value: str }) }, { requiredKeys: [] }),
      [`${ENT}:department`]: str,
    },
    { requiredKeys: ['userName'] },
  );

  it('is idempotent: validating an already-normalised resource gives it back unchanged', () => {
    fc.assert(
      fc.property(validUser, (u) => {
        const once = validateResource(registry, 'User', { schemas: [SchemaUrn.user], ...u }, 'create');
        const schemas = [SchemaUrn.user, ...(once[ENT] ? [ENT] : [])];
        const twice = validateResource(registry, 'User', { schemas, ...once }, 'create');
        expect(twice).toEqual(once);
      }),
      { numRuns: 300 },
    );
  });
});
