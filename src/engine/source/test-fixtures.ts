/** Shared fixtures of engine tests: a full SCIM user and group as the directory returns them. */
import type { JsonObject } from '../../shared/json.js';
import type { SourceContext, SourceObject } from './source-object.js';

export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** Barbara Jensen, after RFC 7643 §8.3, with the enterprise extension. */
export function fullUser(): JsonObject {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
    id: '2819c223-7f76-453a-919d-413861904646',
    externalId: 'bjensen',
    userName: 'bjensen@example.com',
    name: { formatted: 'Ms. Barbara J Jensen III', familyName: 'Jensen', givenName: 'Barbara' },
    displayName: 'Babs Jensen',
    title: 'Tour Guide',
    preferredLanguage: 'en-US',
    active: true,
    emails: [
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home' },
    ],
    addresses: [
      {
        type: 'work',
        streetAddress: '100 Universal City Plaza',
        locality: 'Hollywood',
        region: 'CA',
        postalCode: '91608',
        country: 'US',
        primary: true,
      },
      { type: 'other', formatted: 'Building 7, room 12' },
    ],
    phoneNumbers: [
      { value: '555-555-5555', type: 'work' },
      { value: '555-555-4444', type: 'mobile' },
    ],
    [ENTERPRISE]: {
      employeeNumber: '701984',
      organization: 'Universal Studios',
      department: 'Tour Operations',
      manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d', displayName: 'John Smith' },
    },
  };
}

/** A source view of `resource` as an assigned, in-scope user unless `context` says otherwise. */
export function userSource(
  resource: JsonObject = fullUser(),
  context: Partial<SourceContext> = {},
): SourceObject {
  return { kind: 'user', resource, context: { assigned: true, inScope: true, ...context } };
}

/** A group with one user and one group member. */
export function groupSource(): SourceObject {
  return {
    kind: 'group',
    resource: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      id: 'e9e30dba-f08f-4109-8486-d5c6a331660a',
      displayName: 'Tour Guides',
      members: [
        { value: '2819c223-7f76-453a-919d-413861904646', type: 'User' },
        { value: '902c246b-6245-4190-8e05-00816be7344a', type: 'Group' },
      ],
    },
    context: { assigned: true, inScope: true },
  };
}
