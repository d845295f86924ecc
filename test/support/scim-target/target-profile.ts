/**
 * How the test target deviates from RFC 7644, switchable per test: each flag mimics one way real
 * SCIM applications bend the protocol, so each connector profile is tested against a target that
 * really behaves that way.
 */
export interface TargetProfile {
  /** Accept Entra's forms: `emails[type eq "work"].value eq "x"` filters, `add` through a filter that matches nothing, member removal by value array. */
  entraForms: boolean;
  /** No PATCH: it answers 405. */
  noPatch: boolean;
  /** Booleans are stored and answered as strings, and a JSON boolean is refused. */
  booleansAsStrings: boolean;
  /** `excludedAttributes` is refused (400) and groups are always answered with members. */
  noExcludedAttributes: boolean;
  /** Members change only by `replace members` or PUT: add / remove of members are refused. */
  membersByReplaceOnly: boolean;
  /** A group PATCH answers 200 with the whole group, members and all (else 204). */
  groupPatchReturnsMembers: boolean;
  /** Filters only on these attributes (lower-case names); others are refused. Undefined: any. */
  filterAttributes?: readonly string[];
  /** Every User must name this extension URN in `schemas`. */
  requiredUserExtension?: string;
  /** Where Users and Groups live under the base path. */
  usersPath: string;
  groupsPath: string;
  /** Largest page served. */
  maxResults: number;
  /** Refuse a second user with the same userName (409). Off: accept it, as some applications do, so a test can count duplicates. */
  uniqueUserNames: boolean;
}

export const DEFAULT_TARGET_PROFILE: TargetProfile = {
  entraForms: true,
  noPatch: false,
  booleansAsStrings: false,
  noExcludedAttributes: false,
  membersByReplaceOnly: false,
  groupPatchReturnsMembers: false,
  usersPath: '/Users',
  groupsPath: '/Groups',
  maxResults: 200,
  uniqueUserNames: true,
};

/** A strict RFC 7644 target: Entra's forms are refused. */
export const STRICT_TARGET_PROFILE: Partial<TargetProfile> = { entraForms: false };
