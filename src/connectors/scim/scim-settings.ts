/**
 * The settings and credentials of the `scim` kind, as zod schemas: what an app file's
 * `connector.settings` and credentials may hold. Every option is documented in
 * docs/connectors/scim.md; defaults are applied here so the rest of the connector reads plain values.
 */
import { z } from 'zod';
import {
  basicCredentialsSchema,
  bearerCredentialsSchema,
  oauthCredentialsSchema,
} from '../http/http-credentials.js';
import { baseUrlSchema, httpSettingsShape } from '../http/http-settings.js';
import { SCIM_PROFILE_NAMES } from './scim-profiles.js';

const path = z
  .string()
  .regex(/^\/[^?#]*$/u, 'must be a path starting with "/" (no query or fragment), e.g. /Users');

const attributeList = z.array(z.string().min(1)).min(1, 'must list at least one attribute');

/** The deviations a target may have from RFC 7644; each overrides the profile's value. */
export const scimDeviationsSchema = z.strictObject({
  /** The target has no PATCH: every update reads the resource and writes it back with PUT. */
  patchUnsupported: z.boolean().optional(),
  /** Booleans are sent as the strings "true" / "false" (and read back from either form). */
  booleansAsStrings: z.boolean().optional(),
  /** The target does not understand `excludedAttributes`: groups are read whole and members dropped. */
  noExcludedAttributes: z.boolean().optional(),
  /** Members change only by replacing the whole list (read, merge, `replace members`). */
  membersByReplace: z.boolean().optional(),
  /** Group PATCH answers 200 with the whole group, members and all: the body is drained, not parsed. */
  groupPatchReturnsMembers: z.boolean().optional(),
  /** Filters work only on these attributes; `find` is declared for them alone. */
  filterAttributes: z
    .strictObject({ User: attributeList.optional(), Group: attributeList.optional() })
    .optional(),
  /** Extension schema URNs the target requires in `schemas` when an attribute under them is sent. */
  extensionUrns: z.array(z.string().regex(/^urn:/u, 'must be a URN')).optional(),
  /** The target has no `active` (it only deletes): no disable capability, so the engine deletes instead. */
  noActive: z.boolean().optional(),
  /** Filters on a value path written as Entra writes them (`emails[type eq "work"].value eq "x"`). */
  entraValuePathFilters: z.boolean().optional(),
});

/** Settings of the `scim` kind. */
export const scimSettingsSchema = z.strictObject({
  baseUrl: baseUrlSchema,
  usersPath: path.default('/Users'),
  groupsPath: path.default('/Groups'),
  profile: z.enum(SCIM_PROFILE_NAMES).default('strict-rfc7644'),
  deviations: scimDeviationsSchema.default({}),
  objectTypes: z
    .array(z.enum(['User', 'Group']))
    .min(1)
    .refine((types) => new Set(types).size === types.length, 'must not repeat an object type')
    .default(['User', 'Group']),
  ...httpSettingsShape,
  /** Members per membership PATCH. */
  memberBatchSize: z.number().int().min(1).max(10_000).default(100),
  /** Largest `count` asked for on a list page. */
  maxPageSize: z.number().int().min(1).max(10_000).default(100),
});
export type ScimSettings = z.infer<typeof scimSettingsSchema>;
export type ScimDeviations = z.infer<typeof scimDeviationsSchema>;

/** Credentials of the `scim` kind: a bearer token, OAuth 2.0 client credentials, or basic. */
export const scimCredentialsSchema = z.union([
  bearerCredentialsSchema,
  oauthCredentialsSchema,
  basicCredentialsSchema,
]);
export type ScimCredentials = z.infer<typeof scimCredentialsSchema>;
