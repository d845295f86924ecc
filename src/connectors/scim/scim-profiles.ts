/**
 * Target profiles: how the connector talks to one family of SCIM services. A profile is a named
 * set of request styles and deviation flags; an app picks one with `profile` and overrides single
 * flags with `deviations`. Every flag is one documented deviation (docs/connectors/scim.md), so a
 * target that bends the RFC is described as data rather than code.
 */
import type { ScimDeviations } from './scim-settings.js';

export const SCIM_PROFILE_NAMES = ['provisio', 'strict-rfc7644'] as const;
export type ScimProfileName = (typeof SCIM_PROFILE_NAMES)[number];

/** Everything request building needs to know about the target, resolved from profile and flags. */
export interface ScimBehaviour {
  /** `put`: no PATCH, every update is a read and a whole-resource PUT. */
  readonly update: 'patch' | 'put';
  readonly booleansAsStrings: boolean;
  readonly excludedAttributes: boolean;
  readonly membersByReplace: boolean;
  readonly groupPatchReturnsMembers: boolean;
  readonly filterAttributes: { readonly User?: readonly string[]; readonly Group?: readonly string[] };
  readonly extensionUrns: readonly string[];
  /** The target has no `active`: accounts cannot be disabled, only deleted. */
  readonly noActive: boolean;
  /**
   * Entra's style for value paths: filters `emails[type eq "work"].value eq "x"`, a new entry added
   * through its filter path (`add emails[type eq "work"].value`), members removed by a value array.
   * Off: the RFC's forms, `emails[type eq "work" and value eq "x"]`, an `add` of the entry object
   * to the attribute, and `remove members[value eq "id"]`.
   */
  readonly entraStyle: boolean;
}

type ProfileFlags = Required<Omit<ScimDeviations, 'filterAttributes'>>;

const PROFILES: Record<ScimProfileName, ProfileFlags> = {
  // Provisio's own SCIM server: everything of RFC 7644 plus the Entra forms it accepts.
  provisio: {
    patchUnsupported: false,
    booleansAsStrings: false,
    noExcludedAttributes: false,
    membersByReplace: false,
    groupPatchReturnsMembers: false,
    extensionUrns: [],
    noActive: false,
    entraValuePathFilters: true,
  },
  // Only what RFC 7643 / 7644 define, nothing a strict server could refuse.
  'strict-rfc7644': {
    patchUnsupported: false,
    booleansAsStrings: false,
    noExcludedAttributes: false,
    membersByReplace: false,
    groupPatchReturnsMembers: false,
    extensionUrns: [],
    noActive: false,
    entraValuePathFilters: false,
  },
};

/** The behaviour of a profile with the app's deviation flags applied over it. */
export function resolveBehaviour(profile: ScimProfileName, deviations: ScimDeviations): ScimBehaviour {
  const base = PROFILES[profile];
  const pick = <K extends keyof ProfileFlags>(key: K): ProfileFlags[K] =>
    (deviations[key] as ProfileFlags[K] | undefined) ?? base[key];
  return Object.freeze({
    update: pick('patchUnsupported') ? 'put' : 'patch',
    booleansAsStrings: pick('booleansAsStrings'),
    excludedAttributes: !pick('noExcludedAttributes'),
    membersByReplace: pick('membersByReplace'),
    groupPatchReturnsMembers: pick('groupPatchReturnsMembers'),
    filterAttributes: deviations.filterAttributes ?? {},
    extensionUrns: pick('extensionUrns'),
    noActive: pick('noActive'),
    entraStyle: pick('entraValuePathFilters'),
  });
}
