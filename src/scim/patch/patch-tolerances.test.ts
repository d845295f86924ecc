/**
 * One test per row of the tolerance table in patch-tolerances.ts, with the request as the identity
 * provider sends it.
 */
import { describe, expect, it } from 'vitest';
import { SchemaRegistry } from '../schema/schema-registry.js';
import type { JsonObject } from '../../shared/json.js';
import { applyPatch } from './apply-patch.js';
import { parsePatchRequest } from './parse-patch-request.js';

const registry = SchemaRegistry.withCoreSchemas();
const users = registry.resolver('User');
const groups = registry.resolver('Group');
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const user = (): JsonObject => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  id: 'u1',
  userName: 'alice@contoso.com',
  active: true,
  name: { givenName: 'Alice', familyName: 'Smith' },
  emails: [{ value: 'alice@contoso.com', type: 'work', primary: true }],
  meta: { resourceType: 'User' },
});

const group = (): JsonObject => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
  id: 'g1',
  displayName: 'Sales',
  members: [{ value: 'u1' }, { value: 'u2', display: 'Bob' }, { value: 'u3' }],
  meta: { resourceType: 'Group' },
});

function patch(resource: JsonObject, Operations: unknown[], resolver = users) {
  const ops = parsePatchRequest({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations });
  return applyPatch(resource, ops, { resolver });
}

describe('identity provider tolerances', () => {
  it('T1: capitalised op names (Entra)', () => {
    const { resource } = patch(user(), [
      { op: 'Replace', path: 'displayName', value: 'Alice S' },
      { op: 'Add', path: 'title', value: 'Rep' },
      { op: 'Remove', path: 'name.familyName' },
    ]);
    expect(resource['displayName']).toBe('Alice S');
    expect(resource['title']).toBe('Rep');
    expect(resource['name']).toEqual({ givenName: 'Alice' });
  });

  it('T2: boolean as a string is converted when the target is boolean (Entra)', () => {
    expect(patch(user(), [{ op: 'Replace', path: 'active', value: 'False' }]).resource['active']).toBe(false);
    const inactive = { ...user(), active: false };
    expect(patch(inactive, [{ op: 'Replace', path: 'active', value: 'True' }]).resource['active']).toBe(true);
    expect(patch(user(), [{ op: 'Replace', value: { active: 'False' } }]).resource['active']).toBe(false);
    // Sub-attributes too: emails[...].primary is boolean.
    const { resource } = patch(user(), [
      { op: 'Replace', path: 'emails[type eq "work"].primary', value: 'False' },
    ]);
    expect((resource['emails'] as JsonObject[])[0]?.['primary']).toBe(false);
  });

  it('T2: a string stays a string when the target is a string', () => {
    expect(patch(user(), [{ op: 'Replace', path: 'title', value: 'True' }]).resource['title']).toBe('True');
  });

  it('T3: path-less replace with dotted sub-attribute keys (Entra)', () => {
    const { resource, changedAttributes } = patch(user(), [
      { op: 'Replace', value: { 'name.givenName': 'Alicia', 'name.familyName': 'Jones' } },
    ]);
    expect(resource['name']).toEqual({ givenName: 'Alicia', familyName: 'Jones' });
    expect(changedAttributes).toEqual(['name']);
  });

  it('T4: path-less keys with a URN prefix, including manager as {value} (Entra)', () => {
    const { resource } = patch(user(), [
      {
        op: 'Add',
        value: { [`${ENTERPRISE}:employeeNumber`]: '7', [`${ENTERPRISE}:manager`]: { value: 'boss-id' } },
      },
    ]);
    expect(resource[ENTERPRISE]).toEqual({ employeeNumber: '7', manager: { value: 'boss-id' } });
    expect(resource['schemas']).toContain(ENTERPRISE);
  });

  it('T4: URN-qualified core attribute keys', () => {
    const { resource } = patch(user(), [
      {
        op: 'Replace',
        value: {
          'urn:ietf:params:scim:schemas:core:2.0:User:displayName': 'A',
          'urn:ietf:params:scim:schemas:core:2.0:User:name.givenName': 'B',
        },
      },
    ]);
    expect(resource['displayName']).toBe('A');
    expect((resource['name'] as JsonObject)['givenName']).toBe('B');
  });

  it('T5: remove members with a value array removes only those members (Entra)', () => {
    const input = group();
    const { resource, changedAttributes } = patch(
      input,
      [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: 'u2' }, { value: 'u3' }] }],
      groups,
    );
    expect(resource['members']).toEqual([{ value: 'u1' }]);
    expect(changedAttributes).toEqual(['members']);
    expect(input['members']).toHaveLength(3);
  });

  it('T5: removing members that are not there changes nothing', () => {
    const { changedAttributes } = patch(
      group(),
      [{ op: 'Remove', path: 'members', value: [{ value: 'nobody' }] }],
      groups,
    );
    expect(changedAttributes).toEqual([]);
  });

  it('T5 companion: add members with an array, skipping members already present (Entra)', () => {
    const { resource } = patch(
      group(),
      [{ op: 'Add', path: 'members', value: [{ $ref: null, value: 'u2' }, { value: 'u4' }] }],
      groups,
    );
    expect((resource['members'] as JsonObject[]).map((m) => m['value'])).toEqual(['u1', 'u2', 'u3', 'u4']);
  });

  it('T6: Add to emails[type eq "work"].value with no work email creates one (Entra)', () => {
    const input = { ...user(), emails: [{ value: 'home@x.org', type: 'home' }] };
    const { resource } = patch(input, [
      { op: 'Add', path: 'emails[type eq "work"].value', value: 'alice@fabrikam.com' },
    ]);
    expect(resource['emails']).toEqual([
      { value: 'home@x.org', type: 'home' },
      { type: 'work', value: 'alice@fabrikam.com' },
    ]);
  });

  it('T6: with no emails at all, the attribute is created', () => {
    const input = user();
    delete input['emails'];
    const { resource } = patch(input, [{ op: 'Add', path: 'emails[type eq "work"].value', value: 'a@b.c' }]);
    expect(resource['emails']).toEqual([{ type: 'work', value: 'a@b.c' }]);
  });

  it('T6: when a work email exists, Add sets its value (Entra sends Add for changes too)', () => {
    const { resource } = patch(user(), [
      { op: 'Add', path: 'emails[type eq "work"].value', value: 'new@contoso.com' },
    ]);
    expect(resource['emails']).toEqual([{ value: 'new@contoso.com', type: 'work', primary: true }]);
  });

  it('T6 does not apply to replace: no match is noTarget per RFC 7644 §3.5.2.3', () => {
    const input = { ...user(), emails: [] };
    expect(() =>
      patch(input, [{ op: 'Replace', path: 'emails[type eq "work"].value', value: 'a@b.c' }]),
    ).toThrow(expect.objectContaining({ scimType: 'noTarget' }));
  });

  it('T7: Okta deactivation, path-less replace of active', () => {
    const { resource, changedAttributes } = patch(user(), [{ op: 'replace', value: { active: false } }]);
    expect(resource['active']).toBe(false);
    expect(changedAttributes).toEqual(['active']);
  });

  it('T8: Okta group rename echoing the read-only id', () => {
    const { resource } = patch(
      group(),
      [{ op: 'replace', value: { id: 'g1', displayName: 'Sales EMEA' } }],
      groups,
    );
    expect(resource['displayName']).toBe('Sales EMEA');
    expect(resource['id']).toBe('g1');
  });

  it('T8 only skips an unchanged read-only value: a different id is a mutability error', () => {
    expect(() => patch(group(), [{ op: 'replace', value: { id: 'other' } }], groups)).toThrow(
      expect.objectContaining({ scimType: 'mutability' }),
    );
  });

  it('T9: a single value for a multi-valued attribute is wrapped in an array', () => {
    const { resource } = patch(group(), [{ op: 'add', path: 'members', value: { value: 'u9' } }], groups);
    expect((resource['members'] as JsonObject[]).at(-1)).toEqual({ value: 'u9' });
  });

  it('T10: a bare manager id is taken as {"value": id} (Entra)', () => {
    const { resource } = patch(user(), [{ op: 'Replace', path: `${ENTERPRISE}:manager`, value: 'boss-id' }]);
    expect(resource[ENTERPRISE]).toEqual({ manager: { value: 'boss-id' } });
    const plain = patch(user(), [{ op: 'Add', value: { [`${ENTERPRISE}:manager`]: 'boss-2' } }]).resource;
    expect(plain[ENTERPRISE]).toEqual({ manager: { value: 'boss-2' } });
  });

  it('T10 does not apply to complex attributes without a value sub-attribute', () => {
    expect(() => patch(user(), [{ op: 'Replace', path: 'name', value: 'Alice' }])).toThrow(
      expect.objectContaining({ scimType: 'invalidValue' }),
    );
  });

  it('replace with a value filter on emails (Entra multi-valued update)', () => {
    const { resource } = patch(user(), [
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@contoso.com' },
      { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
    ]);
    expect((resource['emails'] as JsonObject[])[0]?.['value']).toBe('updatedEmail@contoso.com');
    expect((resource['name'] as JsonObject)['familyName']).toBe('updatedFamilyName');
  });
});

describe('group members are identified by value', () => {
  it('adding a member already present with a display does not list it twice', () => {
    const { resource, changedAttributes } = patch(
      group(),
      [{ op: 'Add', path: 'members', value: [{ value: 'u1', display: 'Alice' }] }],
      groups,
    );
    expect(resource['members']).toHaveLength(3);
    expect(changedAttributes).toEqual([]);
  });

  it('removing by value list ignores the other sub-attributes sent', () => {
    const { resource } = patch(
      group(),
      [{ op: 'Remove', path: 'members', value: [{ value: 'u2', display: 'Robert' }] }],
      groups,
    );
    expect((resource['members'] as JsonObject[]).map((m) => m['value'])).toEqual(['u1', 'u3']);
  });
});
