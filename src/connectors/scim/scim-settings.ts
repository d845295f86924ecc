/**
 * The settings and credentials of the `scim` kind, as zod schemas: what an app file's
 * `connector.settings` and credentials may hold. Every option is documented in
 * docs/connectors/scim.md; defaults are applied here so the rest of the connector reads plain values.
 */
import { z } from 'zod';
import { SCIM_PROFILE_NAMES } from './scim-profiles.js';

const path = z
  .string()
  .regex(/^\/[^?#]*$/u, 'must be a path starting with "/" (no query or fragment), e.g. /Users');

const positiveMs = z.number().int().positive().max(600_000);

/** A PEM text, or a path to a PEM file (relative to the app file's directory). */
const pemOrFile = z.string().min(1, 'must be PEM text or a path to a PEM file');

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
  baseUrl: z
    .url({ protocol: /^https?$/u, error: 'must be an http:// or https:// URL' })
    .refine((url) => !/^https?:\/\/[^/]*@/u.test(url), 'must not hold credentials; put them in credentials')
    .refine((url) => !/[?#]/u.test(url), 'must not hold a query or fragment'),
  usersPath: path.default('/Users'),
  groupsPath: path.default('/Groups'),
  profile: z.enum(SCIM_PROFILE_NAMES).default('strict-rfc7644'),
  deviations: scimDeviationsSchema.default({}),
  objectTypes: z
    .array(z.enum(['User', 'Group']))
    .min(1)
    .refine((types) => new Set(types).size === types.length, 'must not repeat an object type')
    .default(['User', 'Group']),
  timeouts: z
    .strictObject({
      /** Longest wait for a TCP (and TLS) connection. */
      connectMs: positiveMs.default(10_000),
      /** Longest wait for a whole request, from sending to the last byte of the answer. */
      requestMs: positiveMs.default(30_000),
    })
    .default({ connectMs: 10_000, requestMs: 30_000 }),
  tls: z
    .strictObject({
      ca: pemOrFile.optional(),
      cert: pemOrFile.optional(),
      key: pemOrFile.optional(),
      rejectUnauthorized: z.boolean().default(true),
    })
    .refine((tls) => (tls.cert === undefined) === (tls.key === undefined), 'cert and key go together')
    .default({ rejectUnauthorized: true }),
  /** Requests in flight at once (also the size of the keep-alive pool). */
  concurrency: z.number().int().min(1).max(256).default(8),
  /** Requests started per second, as a token bucket; absent means unlimited. */
  rateLimitPerSecond: z.number().positive().max(100_000).optional(),
  /** Members per membership PATCH. */
  memberBatchSize: z.number().int().min(1).max(10_000).default(100),
  /** Largest `count` asked for on a list page. */
  maxPageSize: z.number().int().min(1).max(10_000).default(100),
  /** Extra headers sent with every request (not for credentials). */
  headers: z
    .record(z.string().regex(/^[A-Za-z0-9-]+$/u, 'must be a header name'), z.string())
    .refine(
      (headers) => !Object.keys(headers).some((name) => name.toLowerCase() === 'authorization'),
      'must not set authorization; use credentials',
    )
    .optional(),
});
export type ScimSettings = z.infer<typeof scimSettingsSchema>;
export type ScimDeviations = z.infer<typeof scimDeviationsSchema>;

/** Credentials of the `scim` kind: a bearer token, OAuth 2.0 client credentials, or basic. */
export const scimCredentialsSchema = z.union([
  z.strictObject({ token: z.string().min(1, 'must be a non-empty token') }),
  z.strictObject({
    oauth: z.strictObject({
      tokenUrl: z.url({ protocol: /^https?$/u, error: 'must be an http:// or https:// URL' }),
      clientId: z.string().min(1),
      clientSecret: z.string().min(1),
      scope: z.string().min(1).optional(),
      /** How the client authenticates at the token endpoint (RFC 6749 §2.3.1). */
      clientAuth: z.enum(['basic', 'body']).default('basic'),
    }),
  }),
  z.strictObject({ basic: z.strictObject({ username: z.string().min(1), password: z.string() }) }),
]);
export type ScimCredentials = z.infer<typeof scimCredentialsSchema>;

/** Every secret string in credentials, so errors and logs can be scrubbed of them. */
export function secretsOf(credentials: ScimCredentials): string[] {
  if ('token' in credentials) return [credentials.token];
  if ('oauth' in credentials) return [credentials.oauth.clientSecret];
  return credentials.basic.password === '' ? [] : [credentials.basic.password];
}
