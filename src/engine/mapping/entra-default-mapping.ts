/**
 * The attribute mappings Microsoft Entra ID starts a SCIM app with, as data: what a new SCIM app
 * gets in Provisio, and a realistic workload for tests and benchmarks. Entra's `proxyAddresses` and
 * `facsimileTelephoneNumber` rows are left out (the directory has no such attributes).
 */
import type { ObjectMappingConfig } from './object-mapping.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** Entra's default user mapping for SCIM apps; userName is the matching attribute. */
export const entraDefaultUserMapping: ObjectMappingConfig = Object.freeze({
  mappings: Object.freeze([
    { target: 'userName', source: 'userPrincipalName', matchingPrecedence: 1 },
    { target: 'active', expression: 'Switch([IsSoftDeleted], , "False", "True", "True", "False")' },
    { target: 'displayName', source: 'displayName' },
    { target: 'title', source: 'jobTitle' },
    { target: 'emails[type eq "work"].value', source: 'mail' },
    { target: 'preferredLanguage', source: 'preferredLanguage' },
    { target: 'name.givenName', source: 'givenName' },
    { target: 'name.familyName', source: 'surname' },
    { target: 'addresses[type eq "work"].streetAddress', source: 'streetAddress' },
    { target: 'addresses[type eq "work"].locality', source: 'city' },
    { target: 'addresses[type eq "work"].postalCode', source: 'postalCode' },
    { target: 'addresses[type eq "work"].country', source: 'country' },
    { target: 'phoneNumbers[type eq "work"].value', source: 'telephoneNumber' },
    { target: 'externalId', source: 'mailNickname' },
    { target: `${ENTERPRISE}:department`, source: 'department' },
    { target: 'addresses[type eq "work"].region', source: 'state' },
    { target: 'addresses[type eq "other"].formatted', source: 'physicalDeliveryOfficeName' },
    { target: 'phoneNumbers[type eq "mobile"].value', source: 'mobile' },
    { target: `${ENTERPRISE}:employeeNumber`, source: 'employeeId' },
    { target: `${ENTERPRISE}:manager`, source: 'manager' },
  ]),
});

/** Entra's default group mapping for SCIM apps; displayName is the matching attribute. */
export const entraDefaultGroupMapping: ObjectMappingConfig = Object.freeze({
  mappings: Object.freeze([
    { target: 'displayName', source: 'displayName', matchingPrecedence: 1 },
    { target: 'externalId', source: 'objectId' },
    { target: 'members', source: 'members' },
  ]),
});
