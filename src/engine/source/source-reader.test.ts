import { describe, expect, it } from 'vitest';
import { compileSourceReader, knownSourceNames } from './source-reader.js';
import { entraAliases } from './entra-aliases.js';
import { SourceNameError } from './config-issue.js';
import { ENTERPRISE, fullUser, groupSource, userSource } from './test-fixtures.js';
import { sourceReference } from './source-object.js';

const read = (name: string, source = userSource()) => compileSourceReader(source.kind, name)(source);

describe('Entra aliases on a user', () => {
  const expected: Record<string, unknown> = {
    userPrincipalName: 'bjensen@example.com',
    givenName: 'Barbara',
    surname: 'Jensen',
    mail: 'bjensen@example.com',
    mailNickname: 'bjensen',
    displayName: 'Babs Jensen',
    jobTitle: 'Tour Guide',
    department: 'Tour Operations',
    employeeId: '701984',
    manager: sourceReference('User', '26118915-6090-4610-87e4-49d8ca9f808d'),
    objectId: '2819c223-7f76-453a-919d-413861904646',
    accountEnabled: true,
    IsSoftDeleted: false,
    city: 'Hollywood',
    country: 'US',
    companyName: 'Universal Studios',
    telephoneNumber: '555-555-5555',
    mobile: '555-555-4444',
    streetAddress: '100 Universal City Plaza',
    postalCode: '91608',
    state: 'CA',
    physicalDeliveryOfficeName: 'Building 7, room 12',
    preferredLanguage: 'en-US',
    usageLocation: 'US',
    appRoleAssignments: [],
  };

  it('covers every user alias of the table', () => {
    const names = entraAliases.filter((a) => a.kind === 'user').map((a) => a.name);
    expect(names.sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s reads its SCIM attribute', (name, value) => {
    expect(read(name)).toEqual(value);
  });

  it('matches names case-insensitively, as Entra does', () => {
    expect(read('USERPRINCIPALNAME')).toBe('bjensen@example.com');
    expect(read('issoftdeleted')).toBe(false);
  });

  it('mail falls back to the primary email when there is no work email', () => {
    const resource = fullUser();
    resource.emails = [{ value: 'b@home.example', type: 'home', primary: true }];
    expect(read('mail', userSource(resource))).toBe('b@home.example');
    resource.emails = [];
    expect(read('mail', userSource(resource))).toBeNull();
  });

  it('absent attributes read as null', () => {
    expect(read('givenName', userSource({ userName: 'x' }))).toBeNull();
    expect(read('department', userSource({ userName: 'x' }))).toBeNull();
    expect(read('manager', userSource({ userName: 'x' }))).toBeNull();
    expect(read('mailNickname', userSource({}))).toBeNull();
  });
});

describe('IsSoftDeleted', () => {
  it('is true when the user is inactive, unassigned or out of scope', () => {
    const inactive = fullUser();
    inactive.active = false;
    expect(read('IsSoftDeleted', userSource(inactive))).toBe(true);
    expect(read('IsSoftDeleted', userSource(fullUser(), { assigned: false }))).toBe(true);
    expect(read('IsSoftDeleted', userSource(fullUser(), { inScope: false }))).toBe(true);
  });

  it('treats a user without active as active', () => {
    const resource = fullUser();
    delete resource.active;
    expect(read('IsSoftDeleted', userSource(resource))).toBe(false);
  });
});

describe('manager and app roles from the engine', () => {
  it("the engine's manager id wins over the resource, and null clears it", () => {
    expect(read('manager', userSource(fullUser(), { managerId: 'm-2' }))).toEqual(
      sourceReference('User', 'm-2'),
    );
    expect(read('manager', userSource(fullUser(), { managerId: null }))).toBeNull();
  });

  it('appRoleAssignments lists the roles the engine passes', () => {
    const roles = [{ id: 'r1', displayName: 'Admin', value: 'admin', principalId: 'p' }];
    expect(read('appRoleAssignments', userSource(fullUser(), { appRoleAssignments: roles }))).toEqual([
      { id: 'r1', displayName: 'Admin', value: 'admin' },
    ]);
  });
});

describe('SCIM paths', () => {
  it('reads core, complex, value-filter and extension paths', () => {
    expect(read('userName')).toBe('bjensen@example.com');
    expect(read('name.givenName')).toBe('Barbara');
    expect(read('emails[type eq "work"].value')).toBe('bjensen@example.com');
    expect(read('emails[type eq "home"].value')).toBe('babs@jensen.org');
    expect(read('emails[type eq "other"].value')).toBeNull();
    expect(read(`${ENTERPRISE}:employeeNumber`)).toBe('701984');
    expect(read(`${ENTERPRISE}:manager.value`)).toBe('26118915-6090-4610-87e4-49d8ca9f808d');
    expect(read('employeeNumber')).toBe('701984');
    expect(read('costCenter')).toBeNull();
    expect(read('emails.value')).toEqual(['bjensen@example.com', 'babs@jensen.org']);
  });

  it('value filters compare as SCIM filters do: type case-insensitively, booleans exactly', () => {
    const resource = fullUser();
    resource.emails = [
      { value: 'x@example.com', type: 'Work', primary: false },
      { value: 'y@example.com', TYPE: 'other', primary: true },
    ];
    expect(read('emails[type eq "work"].value', userSource(resource))).toBe('x@example.com');
    expect(read('emails[type eq "OTHER"].value', userSource(resource))).toBe('y@example.com');
    expect(read('emails[primary eq true].value', userSource(resource))).toBe('y@example.com');
    expect(read('emails[primary eq false].value', userSource(resource))).toBe('x@example.com');
    expect(read('emails[value co "y@"].type', userSource(resource))).toBe('other');
    expect(read('emails[value sw "x"].type', userSource(resource))).toBe('Work');
  });

  it('ignores the case of attribute names in paths and in the resource', () => {
    expect(read('NAME.GIVENNAME')).toBe('Barbara');
    expect(read('username', userSource({ USERNAME: 'upper' }))).toBe('upper');
  });

  it('rejects unknown names at compile time with the closest name', () => {
    const message = (name: string, kind: 'user' | 'group' = 'user'): string => {
      try {
        compileSourceReader(kind, name);
      } catch (error) {
        expect(error).toBeInstanceOf(SourceNameError);
        return (error as Error).message;
      }
      throw new Error(`${name} compiled`);
    };
    expect(message('mial')).toBe("unknown source attribute 'mial', did you mean 'mail'?");
    expect(message('nme.givenName')).toBe(
      "unknown source attribute 'nme.givenName', did you mean 'name.givenName'?",
    );
    expect(message('emails[type eq "work"].valu')).toBe(
      `unknown source attribute 'emails[type eq "work"].valu', did you mean 'emails[type eq "work"].value'?`,
    );
    expect(message('zzzzzz')).toBe("unknown source attribute 'zzzzzz'");
    expect(message('emails[type eq')).toMatch(/^unknown source attribute/);
    expect(message('userName[type eq "x"].value')).toMatch(/is not multi-valued/);
    expect(message('userPrincipalName', 'group')).toMatch(/^unknown source attribute/);
    expect(message('')).toBe('a source attribute name is required');
  });

  it('lists known names for the expression checker', () => {
    const names = knownSourceNames('user');
    expect(names).toContain('userPrincipalName');
    expect(names).toContain('userName');
    expect(names).toContain(ENTERPRISE);
  });
});

describe('groups', () => {
  it('reads the group aliases, members as references', () => {
    const group = groupSource();
    expect(read('displayName', group)).toBe('Tour Guides');
    expect(read('objectId', group)).toBe('e9e30dba-f08f-4109-8486-d5c6a331660a');
    expect(read('mailNickname', group)).toBe('TourGuides');
    expect(read('description', group)).toBeNull();
    expect(read('members', group)).toEqual([
      sourceReference('User', '2819c223-7f76-453a-919d-413861904646'),
      sourceReference('Group', '902c246b-6245-4190-8e05-00816be7344a'),
    ]);
  });
});
