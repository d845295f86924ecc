/**
 * The schemas of RFC 7643 as data: User (§4.1), Group (§4.2), the Enterprise User extension (§4.3)
 * with the characteristics of their §8.7.1 representation, and the common attributes of §3.1.
 * Where this server deliberately differs from the RFC text the line says so.
 */
import { defineAttribute as attr, multiValuedSubAttributes } from './attribute-builders.js';
import type { AttributeDefinition, ResourceTypeDefinition, SchemaDefinition } from './schema-types.js';
import { SchemaUrn } from './schema-types.js';

const REF_USER_GROUP = ['User', 'Group'] as const;

/**
 * RFC 7643 §3.1: id, externalId and meta belong to every resource but to no schema, so they are
 * not listed in /Schemas. The resolver and validator add them to every resource type.
 */
export const commonAttributes: readonly AttributeDefinition[] = Object.freeze([
  attr('id', 'string', 'Unique identifier of the resource, issued by the service provider.', {
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  }),
  attr('externalId', 'string', 'Identifier of the resource as defined by the provisioning client.', {
    caseExact: true,
  }),
  attr('meta', 'complex', 'Resource metadata.', {
    mutability: 'readOnly',
    subAttributes: [
      attr('resourceType', 'string', 'The name of the resource type of the resource.', {
        caseExact: true,
        mutability: 'readOnly',
      }),
      attr('created', 'dateTime', 'When the resource was added to the service provider.', {
        mutability: 'readOnly',
      }),
      attr('lastModified', 'dateTime', 'When the resource was last updated.', { mutability: 'readOnly' }),
      attr('location', 'reference', 'The URI of the resource being returned.', {
        caseExact: true,
        mutability: 'readOnly',
        referenceTypes: ['uri'],
      }),
      attr('version', 'string', 'The version (entity tag) of the resource.', {
        caseExact: true,
        mutability: 'readOnly',
      }),
    ],
  }),
]);

const nameAttribute = attr('name', 'complex', "The components of the user's real name.", {
  subAttributes: [
    attr('formatted', 'string', 'The full name, formatted for display.'),
    attr('familyName', 'string', 'The family name (last name in Western languages).'),
    attr('givenName', 'string', 'The given name (first name in Western languages).'),
    attr('middleName', 'string', 'The middle name(s).'),
    attr('honorificPrefix', 'string', "The honorific prefix(es), e.g. 'Ms.'."),
    attr('honorificSuffix', 'string', "The honorific suffix(es), e.g. 'III'."),
  ],
});

const addressesAttribute = attr('addresses', 'complex', 'A physical mailing address for this user.', {
  multiValued: true,
  subAttributes: [
    attr('formatted', 'string', 'The full mailing address, formatted for display.'),
    attr('streetAddress', 'string', 'The full street address component.'),
    attr('locality', 'string', 'The city or locality component.'),
    attr('region', 'string', 'The state or region component.'),
    attr('postalCode', 'string', 'The zip code or postal code component.'),
    attr('country', 'string', 'The country name component (ISO 3166-1 alpha-2).'),
    attr('type', 'string', "A label indicating the attribute's function.", {
      canonicalValues: ['work', 'home', 'other'],
    }),
    // RFC 7643 §4.1.2 gives addresses a primary sub-attribute although the §8.7.1 listing omits it.
    attr('primary', 'boolean', 'A Boolean value indicating the preferred mailing address.'),
  ],
});

const groupsAttribute = attr('groups', 'complex', 'The groups the user belongs to, directly or indirectly.', {
  multiValued: true,
  mutability: 'readOnly',
  subAttributes: [
    attr('value', 'string', "The identifier of the user's group.", { mutability: 'readOnly' }),
    attr('$ref', 'reference', 'The URI of the corresponding Group resource.', {
      mutability: 'readOnly',
      referenceTypes: REF_USER_GROUP,
    }),
    attr('display', 'string', 'A human-readable name of the group.', { mutability: 'readOnly' }),
    attr('type', 'string', 'How the membership was derived.', {
      mutability: 'readOnly',
      canonicalValues: ['direct', 'indirect'],
    }),
  ],
});

/** RFC 7643 §4.1 / §8.7.1: urn:ietf:params:scim:schemas:core:2.0:User. */
export const userSchema: SchemaDefinition = Object.freeze({
  id: SchemaUrn.user,
  name: 'User',
  description: 'User Account',
  attributes: Object.freeze([
    attr('userName', 'string', 'Unique identifier for the user, typically used to sign in.', {
      required: true,
      uniqueness: 'server',
    }),
    nameAttribute,
    attr('displayName', 'string', 'The name of the user, suitable for display to end-users.'),
    attr('nickName', 'string', 'The casual way to address the user.'),
    attr('profileUrl', 'reference', "A fully qualified URL of the user's online profile.", {
      referenceTypes: ['external'],
    }),
    attr('title', 'string', "The user's title, such as 'Vice President'."),
    attr('userType', 'string', "The relationship between the organization and the user, e.g. 'Employee'."),
    attr(
      'preferredLanguage',
      'string',
      "The user's preferred written or spoken language (RFC 7231 Accept-Language).",
    ),
    attr('locale', 'string', "The user's default location for localization, e.g. 'en-US'."),
    attr('timezone', 'string', "The user's time zone in IANA Time Zone database format."),
    attr('active', 'boolean', "The user's administrative status."),
    attr('password', 'string', "The user's cleartext password, for setting or changing it.", {
      mutability: 'writeOnly',
      returned: 'never',
    }),
    attr('emails', 'complex', 'Email addresses for the user.', {
      multiValued: true,
      subAttributes: multiValuedSubAttributes('Email address for the user.', ['work', 'home', 'other']),
    }),
    attr('phoneNumbers', 'complex', 'Phone numbers for the user.', {
      multiValued: true,
      subAttributes: multiValuedSubAttributes('Phone number of the user.', [
        'work',
        'home',
        'mobile',
        'fax',
        'pager',
        'other',
      ]),
    }),
    attr('ims', 'complex', 'Instant messaging addresses for the user.', {
      multiValued: true,
      subAttributes: multiValuedSubAttributes('Instant messaging address for the user.', [
        'aim',
        'gtalk',
        'icq',
        'xmpp',
        'msn',
        'skype',
        'qq',
        'yahoo',
      ]),
    }),
    attr('photos', 'complex', 'URLs of photos of the user.', {
      multiValued: true,
      subAttributes: multiValuedSubAttributes('URL of a photo of the user.', ['photo', 'thumbnail'], {
        type: 'reference',
        referenceTypes: ['external'],
      }),
    }),
    addressesAttribute,
    groupsAttribute,
    attr('entitlements', 'complex', 'A list of entitlements for the user.', {
      multiValued: true,
      subAttributes: multiValuedSubAttributes('The value of an entitlement.', undefined),
    }),
    attr('roles', 'complex', 'A list of roles for the user.', {
      multiValued: true,
      subAttributes: multiValuedSubAttributes('The value of a role.', undefined),
    }),
    attr('x509Certificates', 'complex', 'A list of certificates issued to the user.', {
      multiValued: true,
      subAttributes: multiValuedSubAttributes('The value of an X.509 certificate (DER, base64).', undefined, {
        type: 'binary',
      }),
    }),
  ]),
});

/** RFC 7643 §4.2 / §8.7.1: urn:ietf:params:scim:schemas:core:2.0:Group. */
export const groupSchema: SchemaDefinition = Object.freeze({
  id: SchemaUrn.group,
  name: 'Group',
  description: 'Group',
  attributes: Object.freeze([
    // The RFC leaves displayName optional; a group without a name cannot be matched or shown, so
    // this server requires it (Entra ID and Okta always send one).
    attr('displayName', 'string', 'A human-readable name for the group.', { required: true }),
    attr('members', 'complex', 'A list of members of the group.', {
      multiValued: true,
      subAttributes: [
        attr('value', 'string', 'Identifier of the member of this group.', { mutability: 'immutable' }),
        attr('$ref', 'reference', 'The URI of the member resource.', {
          mutability: 'immutable',
          referenceTypes: REF_USER_GROUP,
        }),
        attr('type', 'string', 'The type of the member resource.', {
          mutability: 'immutable',
          canonicalValues: ['User', 'Group'],
        }),
        // Not in the §8.7.1 listing, but §4.2 and every major client use it.
        attr('display', 'string', 'A human-readable name of the member.', { mutability: 'immutable' }),
      ],
    }),
  ]),
});

/** RFC 7643 §4.3 / §8.7.1: urn:ietf:params:scim:schemas:extension:enterprise:2.0:User. */
export const enterpriseUserSchema: SchemaDefinition = Object.freeze({
  id: SchemaUrn.enterpriseUser,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: Object.freeze([
    attr('employeeNumber', 'string', 'Numeric or alphanumeric identifier assigned by the organization.'),
    attr('costCenter', 'string', 'Identifies the name of a cost center.'),
    attr('organization', 'string', 'Identifies the name of an organization.'),
    attr('division', 'string', 'Identifies the name of a division.'),
    attr('department', 'string', 'Identifies the name of a department.'),
    attr('manager', 'complex', "The user's manager.", {
      subAttributes: [
        attr('value', 'string', "The id of the manager's User resource."),
        attr('$ref', 'reference', "The URI of the manager's User resource.", { referenceTypes: ['User'] }),
        attr('displayName', 'string', "The manager's display name.", { mutability: 'readOnly' }),
      ],
    }),
  ]),
});

/** RFC 7643 §8.6: the User resource type with the Enterprise User extension (optional). */
export const userResourceType: ResourceTypeDefinition = Object.freeze({
  id: 'User',
  name: 'User',
  endpoint: '/Users',
  description: 'User Account',
  schema: SchemaUrn.user,
  schemaExtensions: Object.freeze([Object.freeze({ schema: SchemaUrn.enterpriseUser, required: false })]),
});

/** RFC 7643 §8.6: the Group resource type. */
export const groupResourceType: ResourceTypeDefinition = Object.freeze({
  id: 'Group',
  name: 'Group',
  endpoint: '/Groups',
  description: 'Group',
  schema: SchemaUrn.group,
  schemaExtensions: Object.freeze([]),
});
