import { describe, expect, it } from 'vitest';
import { SchemaRegistry } from '../schema/schema-registry.js';
import { isScimError } from '../scim-error.js';
import { scimErrorThrownBy } from '../../../test/support/scim-error-of.js';
import type { JsonObject } from '../../shared/json.js';
import { applyPatch } from './apply-patch.js';
import { parsePatchRequest } from './parse-patch-request.js';

const registry = SchemaRegistry.withCoreSchemas();
const users = registry.resolver('User');
const groups = registry.resolver('Group');
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const bjensen = (): JsonObject => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  id: '2819c223-7f76-453a-919d-413861904646',
  userName: 'bjensen',
  name: { familyName: 'Jensen', givenName: 'Barbara' },
  nickName: 'Babs',
  title: 'Tour Guide',
  active: true,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  addresses: [{ type: 'work', streetAddress: '100 Universal City Plaza', locality: 'Hollywood' }],
  meta: { resourceType: 'User', created: '2010-01-23T04:56:22Z' },
});

const group = (): JsonObject => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
  id: 'e9e30dba-f08f-4109-8486-d5c6a331660a',
  displayName: 'Tour Guides',
  members: [
    { value: '2819c223-7f76-453a-919d-413861904646', display: 'Babs Jensen' },
    { value: '902c246b-6245-4190-8e05-00816be7344a', display: 'Mandy Pepperidge' },
  ],
  meta: { resourceType: 'Group' },
});

function patch(resource: JsonObject, operations: unknown[], resolver = users) {
  const ops = parsePatchRequest({
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: operations,
  });
  return applyPatch(resource, ops, { resolver });
}

function failure(resource: JsonObject, operations: unknown[], resolver = users): string | undefined {
  const error = scimErrorThrownBy(() => patch(resource, operations, resolver));
  return error === undefined ? 'ok' : error.scimType;
}

describe('applyPatch: RFC 7644 §3.5.2 examples', () => {
  it('§3.5.2.1 adds a member to a group', () => {
    const { resource, changedAttributes } = patch(
      group(),
      [
        {
          op: 'add',
          path: 'members',
          value: [{ display: 'James Bond', value: '08e1d05d-121c-4561-8b96-473d93df9210' }],
        },
      ],
      groups,
    );
    expect(resource['members']).toHaveLength(3);
    expect((resource['members'] as JsonObject[])[2]).toEqual({
      display: 'James Bond',
      value: '08e1d05d-121c-4561-8b96-473d93df9210',
    });
    expect(changedAttributes).toEqual(['members']);
  });

  it('§3.5.2.1 path-less add of emails and nickName', () => {
    const { resource } = patch(bjensen(), [
      {
        op: 'add',
        value: {
          emails: [
            { value: 'babs@jensen.org', type: 'home' },
            { value: 'b2@x.org', type: 'other' },
          ],
          nickname: 'Barbie',
        },
      },
    ]);
    // babs@jensen.org already present: not duplicated. nickname matches nickName case-insensitively.
    expect((resource['emails'] as JsonObject[]).map((e) => e['value'])).toEqual([
      'bjensen@example.com',
      'babs@jensen.org',
      'b2@x.org',
    ]);
    expect(resource['nickName']).toBe('Barbie');
    expect(resource).not.toHaveProperty('nickname');
  });

  it('§3.5.2.2 removes all members', () => {
    const { resource, changedAttributes } = patch(group(), [{ op: 'remove', path: 'members' }], groups);
    expect(resource).not.toHaveProperty('members');
    expect(changedAttributes).toEqual(['members']);
  });

  it('§3.5.2.2 removes one member by value filter', () => {
    const { resource } = patch(
      group(),
      [{ op: 'remove', path: 'members[value eq "2819c223-7f76-453a-919d-413861904646"]' }],
      groups,
    );
    expect((resource['members'] as JsonObject[]).map((m) => m['value'])).toEqual([
      '902c246b-6245-4190-8e05-00816be7344a',
    ]);
  });

  it('§3.5.2.2 removes emails matching a complex filter', () => {
    const { resource } = patch(bjensen(), [
      { op: 'remove', path: 'emails[type eq "work" and value ew "example.com"]' },
    ]);
    expect(resource['emails']).toEqual([{ value: 'babs@jensen.org', type: 'home' }]);
  });

  it('§3.5.2.2 removes all members then adds new ones in one request', () => {
    const { resource } = patch(
      group(),
      [
        { op: 'remove', path: 'members' },
        {
          op: 'add',
          path: 'members',
          value: [
            { display: 'James Bond', value: '08e1d05d' },
            { display: 'Babs', value: '2819c223' },
          ],
        },
      ],
      groups,
    );
    expect((resource['members'] as JsonObject[]).map((m) => m['value'])).toEqual(['08e1d05d', '2819c223']);
  });

  it('§3.5.2.2 removes a sub-attribute of the filtered values', () => {
    const { resource } = patch(bjensen(), [{ op: 'remove', path: 'addresses[type eq "work"].locality' }]);
    expect(resource['addresses']).toEqual([{ type: 'work', streetAddress: '100 Universal City Plaza' }]);
  });

  it('§3.5.2.3 replaces all members', () => {
    const { resource } = patch(
      group(),
      [{ op: 'replace', path: 'members', value: [{ display: 'James Bond', value: '08e1d05d' }] }],
      groups,
    );
    expect(resource['members']).toEqual([{ display: 'James Bond', value: '08e1d05d' }]);
  });

  it('§3.5.2.3 replaces the work address through a filter', () => {
    const { resource } = patch(bjensen(), [
      {
        op: 'replace',
        path: 'addresses[type eq "work"]',
        value: {
          type: 'work',
          streetAddress: '911 Universal City Plaza',
          locality: 'Hollywood',
          postalCode: '91608',
          primary: true,
        },
      },
    ]);
    expect(resource['addresses']).toEqual([
      {
        type: 'work',
        streetAddress: '911 Universal City Plaza',
        locality: 'Hollywood',
        postalCode: '91608',
        primary: true,
      },
    ]);
  });

  it('§3.5.2.3 replaces a sub-attribute of the filtered value', () => {
    const { resource } = patch(bjensen(), [
      { op: 'replace', path: 'addresses[type eq "work"].streetAddress', value: '1010 Broadway Ave' },
    ]);
    expect((resource['addresses'] as JsonObject[])[0]?.['streetAddress']).toBe('1010 Broadway Ave');
  });

  it('§3.5.2.3 path-less replace of emails and nickName', () => {
    const { resource, changedAttributes } = patch(bjensen(), [
      {
        op: 'replace',
        value: { emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }], nickName: 'Babs' },
      },
    ]);
    expect(resource['emails']).toEqual([{ value: 'bjensen@example.com', type: 'work', primary: true }]);
    // nickName was already "Babs": not a change.
    expect(changedAttributes).toEqual(['emails']);
  });

  it('replace of a single-valued complex attribute merges its sub-attributes (§3.5.2.3)', () => {
    const { resource } = patch(bjensen(), [{ op: 'replace', path: 'name', value: { givenName: 'Babs' } }]);
    expect(resource['name']).toEqual({ familyName: 'Jensen', givenName: 'Babs' });
  });

  it('replace of an attribute that does not exist adds it (§3.5.2.3)', () => {
    const { resource } = patch(bjensen(), [{ op: 'replace', path: 'displayName', value: 'Babs Jensen' }]);
    expect(resource['displayName']).toBe('Babs Jensen');
  });
});

describe('applyPatch: semantics', () => {
  it('add of a single-valued attribute replaces it', () => {
    expect(patch(bjensen(), [{ op: 'add', path: 'title', value: 'Manager' }]).resource['title']).toBe(
      'Manager',
    );
  });

  it('add of a value already present changes nothing (§3.5.2.1)', () => {
    const input = group();
    const { resource, changedAttributes } = patch(
      input,
      [{ op: 'add', path: 'members', value: [{ value: '902c246b-6245-4190-8e05-00816be7344a' }] }],
      groups,
    );
    expect(resource['members']).toBe(input['members']);
    expect(changedAttributes).toEqual([]);
  });

  it('add through a filter sets the sub-attribute of the matching value', () => {
    const { resource } = patch(bjensen(), [
      { op: 'add', path: 'emails[type eq "home"].display', value: 'Home' },
    ]);
    expect((resource['emails'] as JsonObject[])[1]).toEqual({
      value: 'babs@jensen.org',
      type: 'home',
      display: 'Home',
    });
  });

  it('sub-attribute paths create the complex attribute when unset', () => {
    const input = bjensen();
    delete input['name'];
    expect(patch(input, [{ op: 'add', path: 'name.givenName', value: 'B' }]).resource['name']).toEqual({
      givenName: 'B',
    });
  });

  it('removing the last sub-attribute unassigns the complex attribute', () => {
    const input = bjensen();
    input['name'] = { givenName: 'B' };
    expect(patch(input, [{ op: 'remove', path: 'name.givenName' }]).resource).not.toHaveProperty('name');
  });

  it('remove through a filter that matches nothing is a no-op', () => {
    const { changedAttributes } = patch(bjensen(), [{ op: 'remove', path: 'emails[type eq "other"]' }]);
    expect(changedAttributes).toEqual([]);
  });

  it('attribute names are case-insensitive and the result uses canonical names', () => {
    const { resource } = patch(bjensen(), [
      { op: 'replace', path: 'NAME.GIVENNAME', value: 'B' },
      { op: 'add', path: 'Emails', value: [{ VALUE: 'c@x.org', TYPE: 'other' }] },
    ]);
    expect((resource['name'] as JsonObject)['givenName']).toBe('B');
    expect((resource['emails'] as JsonObject[])[2]).toEqual({ value: 'c@x.org', type: 'other' });
  });

  it('a resource stored with a differently-cased key is rewritten under the canonical name', () => {
    const input = bjensen();
    delete input['title'];
    input['TITLE'] = 'old';
    const { resource } = patch(input, [{ op: 'replace', path: 'title', value: 'new' }]);
    expect(resource['title']).toBe('new');
    expect(resource).not.toHaveProperty('TITLE');
  });

  it('extension attributes live under their URN and the URN joins schemas', () => {
    const { resource, changedAttributes } = patch(bjensen(), [
      { op: 'add', path: `${ENTERPRISE}:employeeNumber`, value: '701984' },
      { op: 'add', path: `${ENTERPRISE}:manager.value`, value: '26118915' },
    ]);
    expect(resource[ENTERPRISE]).toEqual({ employeeNumber: '701984', manager: { value: '26118915' } });
    expect(resource['schemas']).toContain(ENTERPRISE);
    expect(changedAttributes).toEqual([`${ENTERPRISE}:employeeNumber`, `${ENTERPRISE}:manager`]);
  });

  it('removing the last extension attribute drops the extension and its schema URN', () => {
    const input = {
      ...bjensen(),
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
      [ENTERPRISE]: { department: 'Tours' },
    };
    const { resource } = patch(input, [{ op: 'remove', path: `${ENTERPRISE}:department` }]);
    expect(resource).not.toHaveProperty(ENTERPRISE);
    expect(resource['schemas']).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User']);
  });

  it('a path naming a whole extension takes an object of its attributes', () => {
    const { resource } = patch(bjensen(), [
      { op: 'add', path: ENTERPRISE, value: { department: 'Tours', costCenter: '4130' } },
    ]);
    expect(resource[ENTERPRISE]).toEqual({ department: 'Tours', costCenter: '4130' });
  });

  it('a new primary value clears primary on the others (RFC 7643 §2.4)', () => {
    const { resource } = patch(bjensen(), [
      { op: 'add', path: 'emails', value: [{ value: 'new@x.org', type: 'work', primary: true }] },
    ]);
    const emails = resource['emails'] as JsonObject[];
    expect(emails.filter((e) => e['primary'] === true).map((e) => e['value'])).toEqual(['new@x.org']);
  });

  it('setting primary through a filter clears the previous primary', () => {
    const { resource } = patch(bjensen(), [
      { op: 'replace', path: 'emails[type eq "home"].primary', value: true },
    ]);
    const emails = resource['emails'] as JsonObject[];
    expect(emails.filter((e) => e['primary'] === true).map((e) => e['type'])).toEqual(['home']);
  });

  it('two primary values in one request are an invalidValue', () => {
    expect(
      failure(bjensen(), [
        {
          op: 'replace',
          path: 'emails',
          value: [
            { value: 'a@x', primary: true },
            { value: 'b@x', primary: true },
          ],
        },
      ]),
    ).toBe('invalidValue');
  });
});

describe('applyPatch: errors', () => {
  it.each<[string, unknown[], string]>([
    ['unknown attribute', [{ op: 'add', path: 'shoeSize', value: 42 }], 'invalidPath'],
    ['unknown sub-attribute', [{ op: 'add', path: 'name.nick', value: 'x' }], 'invalidPath'],
    ['sub-attribute of a simple attribute', [{ op: 'add', path: 'title.x', value: 'x' }], 'invalidPath'],
    ['unknown attribute in a path-less value', [{ op: 'replace', value: { shoeSize: 42 } }], 'invalidPath'],
    [
      'unknown sub-attribute inside a value',
      [{ op: 'add', path: 'emails', value: [{ value: 'a@x', colour: 'red' }] }],
      'invalidPath',
    ],
    [
      'value filter on a single-valued attribute',
      [{ op: 'replace', path: 'name[givenName eq "x"]', value: {} }],
      'invalidPath',
    ],
    ['replace of id (readOnly)', [{ op: 'replace', path: 'id', value: 'x' }], 'mutability'],
    ['remove of meta (readOnly)', [{ op: 'remove', path: 'meta' }], 'mutability'],
    ['add to groups (readOnly)', [{ op: 'add', path: 'groups', value: [{ value: 'g' }] }], 'mutability'],
    ['remove of a required attribute (RFC 7644 §3.5.2)', [{ op: 'remove', path: 'userName' }], 'mutability'],
    [
      'replace of a required attribute with null',
      [{ op: 'replace', path: 'userName', value: null }],
      'mutability',
    ],
    ['string for a boolean', [{ op: 'replace', path: 'active', value: 'yes' }], 'invalidValue'],
    ['number for a string', [{ op: 'replace', path: 'title', value: 7 }], 'invalidValue'],
    ['object for a string', [{ op: 'replace', path: 'title', value: { a: 1 } }], 'invalidValue'],
    ['string for a complex attribute', [{ op: 'replace', path: 'name', value: 'Barbara' }], 'invalidValue'],
    ['path-less add with a non-object value', [{ op: 'add', value: 'x' }], 'invalidValue'],
    [
      'replace through a filter matching nothing (§3.5.2.3)',
      [{ op: 'replace', path: 'emails[type eq "other"].value', value: 'x@y' }],
      'noTarget',
    ],
    [
      'add through a non-equality filter matching nothing',
      [{ op: 'add', path: 'emails[value co "zzz"].type', value: 'work' }],
      'noTarget',
    ],
  ])('%s → %s', (_name, operations, scimType) => {
    expect(failure(bjensen(), operations)).toBe(scimType);
  });

  it('members.value is immutable: changing it is a mutability error', () => {
    expect(
      failure(
        group(),
        [
          {
            op: 'replace',
            path: 'members[value eq "902c246b-6245-4190-8e05-00816be7344a"].value',
            value: 'other',
          },
        ],
        groups,
      ),
    ).toBe('mutability');
  });

  it('a read-only sub-attribute path is a mutability error', () => {
    expect(
      failure(bjensen(), [{ op: 'replace', path: 'meta.lastModified', value: '2020-01-01T00:00:00Z' }]),
    ).toBe('mutability');
  });

  it('binary values must be strings', () => {
    expect(failure(bjensen(), [{ op: 'add', path: 'x509Certificates', value: [{ value: 12 }] }])).toBe(
      'invalidValue',
    );
  });

  it('a failing later operation leaves no trace of earlier ones (all-or-nothing)', () => {
    const input = bjensen();
    const before = structuredClone(input);
    expect(
      failure(input, [
        { op: 'replace', path: 'title', value: 'Boss' },
        { op: 'remove', path: 'userName' },
      ]),
    ).toBe('mutability');
    expect(input).toEqual(before);
  });

  it('the error detail names the operation and the path', () => {
    try {
      patch(bjensen(), [
        { op: 'add', path: 'title', value: 'x' },
        { op: 'add', path: 'shoeSize', value: 1 },
      ]);
      expect.unreachable();
    } catch (error) {
      expect(isScimError(error) && error.detail).toMatch(/Operations\[1\].*shoeSize/);
    }
  });
});

describe('applyPatch: structural sharing', () => {
  it('leaves untouched attributes shared and never mutates the input', () => {
    const input = bjensen();
    const snapshot = structuredClone(input);
    const { resource } = patch(input, [
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'new@example.com' },
    ]);
    expect(input).toEqual(snapshot);
    expect(resource['addresses']).toBe(input['addresses']);
    expect(resource['name']).toBe(input['name']);
    expect((resource['emails'] as JsonObject[])[1]).toBe((input['emails'] as JsonObject[])[1]);
  });

  it('adding one member to 10,000 copies the array once and keeps every member object', () => {
    const members = Array.from({ length: 10_000 }, (_, i) => ({ value: `user-${i}`, display: `User ${i}` }));
    const input: JsonObject = { ...group(), members };
    const { resource } = patch(
      input,
      [{ op: 'Add', path: 'members', value: [{ value: 'user-new' }] }],
      groups,
    );
    const out = resource['members'] as JsonObject[];
    expect(out).toHaveLength(10_001);
    expect(members).toHaveLength(10_000);
    expect(out[0]).toBe(members[0]);
    expect(out[9_999]).toBe(members[9_999]);
  });
});
