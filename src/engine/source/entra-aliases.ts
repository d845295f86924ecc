/**
 * Microsoft Entra ID's source attribute names, mapped onto the SCIM representation Provisio keeps,
 * so attribute mappings and scoping filters copied from Entra work unchanged. This is the one table
 * of such names; docs/engine/mappings.md lists it for administrators. Names match
 * case-insensitively, as Entra's do.
 */
import type { SourceKind } from './source-object.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** How an alias reads its value. */
export type AliasSource =
  /** One SCIM path (`name.givenName`, `emails[type eq "work"].value`). */
  | { readonly kind: 'path'; readonly path: string }
  /** The first of several SCIM paths that has a value. */
  | { readonly kind: 'firstOf'; readonly paths: readonly string[] }
  /** Computed by the engine; see `special`. */
  | { readonly kind: 'special'; readonly special: SpecialAlias };

/** The aliases whose value is not a plain SCIM path. */
export type SpecialAlias =
  | 'manager'
  | 'members'
  | 'isSoftDeleted'
  | 'mailNicknameFromUserName'
  | 'groupMailNickname'
  | 'description'
  | 'appRoleAssignments';

/** One Entra attribute name and what it reads. */
export interface EntraAlias {
  /** Entra's spelling. */
  readonly name: string;
  readonly kind: SourceKind;
  readonly source: AliasSource;
  /** The SCIM equivalent, or null where SCIM has none (then `reads` says what is read instead). */
  readonly scim: string | null;
  /** For administrators: what the value is, in a sentence. */
  readonly reads: string;
}

const path = (p: string): AliasSource => ({ kind: 'path', path: p });
const special = (s: SpecialAlias): AliasSource => ({ kind: 'special', special: s });

/** Every alias, users first, in the order docs/engine/mappings.md lists them. */
export const entraAliases: readonly EntraAlias[] = Object.freeze([
  { name: 'userPrincipalName', kind: 'user', source: path('userName'), scim: 'userName', reads: 'userName.' },
  {
    name: 'givenName',
    kind: 'user',
    source: path('name.givenName'),
    scim: 'name.givenName',
    reads: 'name.givenName.',
  },
  {
    name: 'surname',
    kind: 'user',
    source: path('name.familyName'),
    scim: 'name.familyName',
    reads: 'name.familyName.',
  },
  {
    name: 'mail',
    kind: 'user',
    source: { kind: 'firstOf', paths: ['emails[type eq "work"].value', 'emails[primary eq true].value'] },
    scim: 'emails[type eq "work"].value',
    reads: 'the work email; without one, the primary email.',
  },
  {
    name: 'mailNickname',
    kind: 'user',
    source: special('mailNicknameFromUserName'),
    scim: null,
    reads: 'no SCIM equivalent: the part of userName before the first "@" (all of it when there is none).',
  },
  {
    name: 'displayName',
    kind: 'user',
    source: path('displayName'),
    scim: 'displayName',
    reads: 'displayName.',
  },
  { name: 'jobTitle', kind: 'user', source: path('title'), scim: 'title', reads: 'title.' },
  {
    name: 'department',
    kind: 'user',
    source: path(`${ENTERPRISE}:department`),
    scim: `${ENTERPRISE}:department`,
    reads: "the enterprise extension's department.",
  },
  {
    name: 'employeeId',
    kind: 'user',
    source: path(`${ENTERPRISE}:employeeNumber`),
    scim: `${ENTERPRISE}:employeeNumber`,
    reads: "the enterprise extension's employeeNumber.",
  },
  {
    name: 'manager',
    kind: 'user',
    source: special('manager'),
    scim: `${ENTERPRISE}:manager`,
    reads:
      "a reference to the manager (the engine's manager id, else the enterprise extension's manager.value), resolved to the manager's id in the target before export; expressions see the directory id.",
  },
  { name: 'objectId', kind: 'user', source: path('id'), scim: 'id', reads: 'the directory id.' },
  { name: 'accountEnabled', kind: 'user', source: path('active'), scim: 'active', reads: 'active.' },
  {
    name: 'IsSoftDeleted',
    kind: 'user',
    source: special('isSoftDeleted'),
    scim: null,
    reads:
      'no SCIM equivalent: true when the user is inactive (active is false), no longer assigned to the app, or out of scope; false otherwise.',
  },
  {
    name: 'city',
    kind: 'user',
    source: path('addresses[type eq "work"].locality'),
    scim: 'addresses[type eq "work"].locality',
    reads: "the work address's locality.",
  },
  {
    name: 'country',
    kind: 'user',
    source: path('addresses[type eq "work"].country'),
    scim: 'addresses[type eq "work"].country',
    reads: "the work address's country.",
  },
  {
    name: 'companyName',
    kind: 'user',
    source: path(`${ENTERPRISE}:organization`),
    scim: `${ENTERPRISE}:organization`,
    reads: "the enterprise extension's organization.",
  },
  {
    name: 'telephoneNumber',
    kind: 'user',
    source: path('phoneNumbers[type eq "work"].value'),
    scim: 'phoneNumbers[type eq "work"].value',
    reads: 'the work phone number.',
  },
  {
    name: 'mobile',
    kind: 'user',
    source: path('phoneNumbers[type eq "mobile"].value'),
    scim: 'phoneNumbers[type eq "mobile"].value',
    reads: 'the mobile phone number.',
  },
  {
    name: 'streetAddress',
    kind: 'user',
    source: path('addresses[type eq "work"].streetAddress'),
    scim: 'addresses[type eq "work"].streetAddress',
    reads: "the work address's streetAddress.",
  },
  {
    name: 'postalCode',
    kind: 'user',
    source: path('addresses[type eq "work"].postalCode'),
    scim: 'addresses[type eq "work"].postalCode',
    reads: "the work address's postalCode.",
  },
  {
    name: 'state',
    kind: 'user',
    source: path('addresses[type eq "work"].region'),
    scim: 'addresses[type eq "work"].region',
    reads: "the work address's region.",
  },
  {
    name: 'physicalDeliveryOfficeName',
    kind: 'user',
    source: path('addresses[type eq "other"].formatted'),
    scim: null,
    reads:
      'no SCIM equivalent: the formatted text of the address of type "other", where Entra\'s own SCIM mapping puts the office.',
  },
  {
    name: 'preferredLanguage',
    kind: 'user',
    source: path('preferredLanguage'),
    scim: 'preferredLanguage',
    reads: 'preferredLanguage.',
  },
  {
    name: 'usageLocation',
    kind: 'user',
    source: path('addresses[type eq "work"].country'),
    scim: null,
    reads:
      "no SCIM equivalent: the work address's country (RFC 7643 §4.1.2 makes it the ISO 3166-1 two-letter code that usageLocation also holds).",
  },
  {
    name: 'appRoleAssignments',
    kind: 'user',
    source: special('appRoleAssignments'),
    scim: null,
    reads:
      "no SCIM equivalent: the user's app role assignments for this app, as the engine supplies them (id, displayName, value); what AppRoleAssignmentsComplex and SingleAppRoleAssignment read.",
  },
  {
    name: 'displayName',
    kind: 'group',
    source: path('displayName'),
    scim: 'displayName',
    reads: 'displayName.',
  },
  { name: 'objectId', kind: 'group', source: path('id'), scim: 'id', reads: 'the directory id.' },
  {
    name: 'mailNickname',
    kind: 'group',
    source: special('groupMailNickname'),
    scim: null,
    reads: 'no SCIM equivalent: the displayName without white space.',
  },
  {
    name: 'description',
    kind: 'group',
    source: special('description'),
    scim: null,
    reads:
      'no core SCIM attribute: a top-level "description" the group carries (for example from a custom extension flattened by the directory), else null.',
  },
  {
    name: 'members',
    kind: 'group',
    source: special('members'),
    scim: 'members',
    reads: "references to the group's direct members, resolved to their ids in the target before export.",
  },
] satisfies EntraAlias[]);

const byKind = new Map<SourceKind, Map<string, EntraAlias>>([
  ['user', new Map()],
  ['group', new Map()],
]);
for (const alias of entraAliases) byKind.get(alias.kind)!.set(alias.name.toLowerCase(), alias);

/** The alias `name` (case-insensitive) for objects of `kind`, if Entra has one. */
export function findEntraAlias(kind: SourceKind, name: string): EntraAlias | undefined {
  return byKind.get(kind)!.get(name.toLowerCase());
}

/** The alias names of a kind, in Entra's spelling. */
export function entraAliasNames(kind: SourceKind): string[] {
  return [...byKind.get(kind)!.values()].map((alias) => alias.name);
}
