/**
 * The settings and credentials of the `ldap` kind, as zod schemas (validated by the registry before
 * the connector is built), and `resolveLdapConfig`, which fills in what the profile implies
 * (OpenLDAP-style or Active Directory) so the rest of the connector reads one complete shape.
 */
import { z } from 'zod';
import { DnSyntaxError, canonicalDn } from './ldap-dn.js';
import { isAttributeDescription } from './ldap-filter.js';

const attributeName = z.string().refine(isAttributeDescription, 'must be an LDAP attribute name');
const dn = z.string().superRefine((value, ctx) => {
  try {
    canonicalDn(value);
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      message: error instanceof DnSyntaxError ? error.message : 'must be a DN',
    });
  }
});

/** How an account is disabled (and enabled again). */
const disableSchema = z.discriminatedUnion('strategy', [
  /** No soft deprovisioning: without `disable`, the engine deletes (or does nothing) as the app says. */
  z.strictObject({ strategy: z.literal('none') }),
  /** Disabled while `attribute` holds `disabledValue`; enabling removes it (or sets `enabledValue`). */
  z.strictObject({
    strategy: z.literal('attribute'),
    attribute: attributeName,
    disabledValue: z.string().min(1),
    enabledValue: z.string().min(1).optional(),
  }),
  /** Active Directory: bit 2 (ACCOUNTDISABLE) of userAccountControl. */
  z.strictObject({ strategy: z.literal('userAccountControl') }),
  /** Disabled while the entry sits in `container`; enabling moves it back where its attributes place it. */
  z.strictObject({ strategy: z.literal('container'), container: dn }),
]);
export type DisableStrategy = z.infer<typeof disableSchema>;

/** Where new entries go: one container, or one per value of an attribute (an OU per department). */
const containerSchema = z.union([
  dn,
  z.strictObject({
    attribute: attributeName,
    /** Attribute value (compared case-insensitively) to container DN. */
    containers: z.record(z.string(), dn),
    /** For values not listed, and entries without the attribute; without it such a create fails. */
    default: dn.optional(),
  }),
]);
export type ContainerSetting = z.infer<typeof containerSchema>;

const objectTypeBase = {
  /** The container of new entries; `{ attribute, containers, default }` to choose it by an attribute. */
  container: containerSchema,
  /** The attribute whose value names the entry (its RDN). */
  rdnAttribute: attributeName.optional(),
  /**
   * A mapping attribute whose value is the entry's whole DN (e.g. computed with an expression); it
   * is not written as an LDAP attribute. Wins over `rdnAttribute` + `container` when present.
   */
  dnAttribute: z.string().min(1).optional(),
  /** Object classes of new entries; also what a search for this type filters on. */
  objectClasses: z.array(attributeName).min(1).optional(),
  /** Where searches for this type start; default `baseDn`. */
  searchBase: dn.optional(),
  /** Attributes always answered as arrays, even with one value (multi-valued in the schema). */
  multiValued: z.array(attributeName).optional(),
  /**
   * Attributes the connector keeps unique itself: a create whose value is already held answers
   * `already_exists` (LDAP servers enforce unique DNs only, unless an overlay does more).
   */
  unique: z.array(attributeName).optional(),
  disable: disableSchema.optional(),
};

const usersSchema = z.strictObject({
  ...objectTypeBase,
  /** The mapping attribute that carries the initial password (never read back, never logged). */
  passwordAttribute: attributeName.optional(),
});

const groupsSchema = z.strictObject({
  ...objectTypeBase,
  /** groupOfNames / groupOfUniqueNames (members as DNs), posixGroup (members as uids), or AD's group. */
  type: z.enum(['groupOfNames', 'groupOfUniqueNames', 'posixGroup', 'group']).optional(),
  /**
   * groupOfNames and groupOfUniqueNames need at least one member: an empty group holds this DN,
   * which is never reported as a member. Default: `cn=empty-group-placeholder,<baseDn>`.
   */
  emptyMember: dn.optional(),
  /** posixGroup: the user attribute memberUid holds. Default `uid`. */
  memberUidAttribute: attributeName.optional(),
});

/** The `connector.settings` of an `ldap` app. */
export const ldapSettingsSchema = z
  .strictObject({
    /** `ldap://host:389` or `ldaps://host:636`. */
    url: z.string().regex(/^ldaps?:\/\/[^/]+\/?$/i, 'must be ldap://host[:port] or ldaps://host[:port]'),
    /** Upgrade an ldap:// connection with StartTLS before binding. */
    startTls: z.boolean().optional(),
    tls: z
      .strictObject({
        /** PEM text of the CA certificates to trust (instead of the system's). */
        ca: z.string().min(1).optional(),
        /** A PEM file of CA certificates, relative to the app file. */
        caFile: z.string().min(1).optional(),
        /** Default true; false accepts any certificate (only for tests against throw-away servers). */
        rejectUnauthorized: z.boolean().optional(),
        /** The name the certificate must carry, when it differs from the URL's host. */
        serverName: z.string().min(1).optional(),
      })
      .optional(),
    /** The DN to bind as; absent binds anonymously. */
    bindDn: dn.optional(),
    /** The suffix (or subtree) the connector works in. */
    baseDn: dn,
    /** `openldap` (default; fits any RFC 4519 server) or `activeDirectory`. */
    profile: z.enum(['openldap', 'activeDirectory']).optional(),
    /** The server-assigned attribute used as the object's id. Default entryUUID, AD objectGUID. */
    anchorAttribute: attributeName.optional(),
    timeouts: z
      .strictObject({
        connectMs: z.number().int().positive().optional(),
        operationMs: z.number().int().positive().optional(),
      })
      .optional(),
    /** Connections kept open; requests are spread over them. Default 2. */
    poolSize: z.number().int().min(1).max(32).optional(),
    /** The most entries one list page asks the server for. Default 500. */
    maxPageSize: z.number().int().positive().optional(),
    users: usersSchema.optional(),
    groups: groupsSchema.optional(),
  })
  .superRefine((settings, ctx) => {
    if (settings.users === undefined && settings.groups === undefined) {
      ctx.addIssue({ code: 'custom', message: 'needs users, groups or both' });
    }
    if (settings.startTls && /^ldaps:/i.test(settings.url)) {
      ctx.addIssue({ code: 'custom', path: ['startTls'], message: 'ldaps:// is already TLS; drop startTls' });
    }
    if (settings.tls?.ca !== undefined && settings.tls.caFile !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['tls'], message: 'give ca or caFile, not both' });
    }
  });
export type LdapSettings = z.infer<typeof ldapSettingsSchema>;

/** The credentials of an `ldap` app: the bind password, kept apart from settings. */
export const ldapCredentialsSchema = z
  .strictObject({ bindPassword: z.string().min(1).optional() })
  .optional()
  .transform((value) => value ?? {});
export type LdapCredentials = z.infer<typeof ldapCredentialsSchema>;

/** One object type's settings with every default applied. */
export interface ObjectTypeConfig {
  container: ContainerSetting;
  rdnAttribute: string;
  dnAttribute: string | undefined;
  objectClasses: string[];
  searchBase: string;
  multiValued: Set<string>;
  unique: string[];
  disable: DisableStrategy;
}

export interface UserConfig extends ObjectTypeConfig {
  passwordAttribute: string;
}

export interface GroupConfig extends ObjectTypeConfig {
  type: 'groupOfNames' | 'groupOfUniqueNames' | 'posixGroup' | 'group';
  memberAttribute: string;
  /** The placeholder member of an empty groupOfNames / groupOfUniqueNames; undefined when none is needed. */
  emptyMember: string | undefined;
  memberUidAttribute: string;
}

/** Everything the connector needs, with the profile's defaults applied. */
export interface LdapConfig {
  url: string;
  secure: boolean;
  startTls: boolean;
  tls: { ca?: string; caFile?: string; rejectUnauthorized: boolean; serverName?: string };
  bindDn: string | undefined;
  bindPassword: string | undefined;
  baseDn: string;
  profile: 'openldap' | 'activeDirectory';
  anchorAttribute: string;
  connectTimeoutMs: number;
  operationTimeoutMs: number;
  poolSize: number;
  maxPageSize: number;
  users: UserConfig | undefined;
  groups: GroupConfig | undefined;
}

const GROUP_CLASSES = {
  groupOfNames: { objectClasses: ['groupOfNames'], memberAttribute: 'member' },
  groupOfUniqueNames: { objectClasses: ['groupOfUniqueNames'], memberAttribute: 'uniqueMember' },
  posixGroup: { objectClasses: ['posixGroup'], memberAttribute: 'memberUid' },
  group: { objectClasses: ['top', 'group'], memberAttribute: 'member' },
} as const;

/** Settings and credentials as the connector uses them, with the profile's defaults. */
export function resolveLdapConfig(settings: LdapSettings, credentials: LdapCredentials): LdapConfig {
  const profile = settings.profile ?? 'openldap';
  const ad = profile === 'activeDirectory';
  const baseDn = canonicalDn(settings.baseDn);
  const common = (
    s: z.infer<typeof usersSchema> | z.infer<typeof groupsSchema>,
    rdn: string,
    classes: string[],
  ) => ({
    container: typeof s.container === 'string' ? canonicalDn(s.container) : s.container,
    rdnAttribute: s.rdnAttribute ?? rdn,
    dnAttribute: s.dnAttribute,
    objectClasses: s.objectClasses ?? classes,
    searchBase: canonicalDn(s.searchBase ?? baseDn),
    multiValued: new Set((s.multiValued ?? []).map((name) => name.toLowerCase())),
    unique: s.unique ?? [],
  });
  const users: UserConfig | undefined = settings.users && {
    ...common(
      settings.users,
      ad ? 'cn' : 'uid',
      ad ? ['top', 'person', 'organizationalPerson', 'user'] : ['inetOrgPerson'],
    ),
    disable: settings.users.disable ?? (ad ? { strategy: 'userAccountControl' } : { strategy: 'none' }),
    passwordAttribute: settings.users.passwordAttribute ?? (ad ? 'unicodePwd' : 'userPassword'),
  };
  let groups: GroupConfig | undefined;
  if (settings.groups) {
    const type = settings.groups.type ?? (ad ? 'group' : 'groupOfNames');
    const classes = GROUP_CLASSES[type];
    const base = common(settings.groups, 'cn', [...classes.objectClasses]);
    const needsMember = type === 'groupOfNames' || type === 'groupOfUniqueNames';
    groups = {
      ...base,
      multiValued: new Set([...base.multiValued, classes.memberAttribute.toLowerCase()]),
      disable: settings.groups.disable ?? { strategy: 'none' },
      type,
      memberAttribute: classes.memberAttribute,
      emptyMember: needsMember
        ? canonicalDn(settings.groups.emptyMember ?? `cn=empty-group-placeholder,${baseDn}`)
        : undefined,
      memberUidAttribute: settings.groups.memberUidAttribute ?? 'uid',
    };
  }
  const tls: LdapConfig['tls'] = { rejectUnauthorized: settings.tls?.rejectUnauthorized ?? true };
  if (settings.tls?.ca !== undefined) tls.ca = settings.tls.ca;
  if (settings.tls?.caFile !== undefined) tls.caFile = settings.tls.caFile;
  if (settings.tls?.serverName !== undefined) tls.serverName = settings.tls.serverName;
  return {
    url: settings.url.replace(/\/$/, ''),
    secure: /^ldaps:/i.test(settings.url),
    startTls: settings.startTls ?? false,
    tls,
    bindDn: settings.bindDn === undefined ? undefined : canonicalDn(settings.bindDn),
    bindPassword: credentials.bindPassword,
    baseDn,
    profile,
    anchorAttribute: settings.anchorAttribute ?? (ad ? 'objectGUID' : 'entryUUID'),
    connectTimeoutMs: settings.timeouts?.connectMs ?? 10_000,
    operationTimeoutMs: settings.timeouts?.operationMs ?? 30_000,
    poolSize: settings.poolSize ?? 2,
    maxPageSize: settings.maxPageSize ?? 500,
    users,
    groups,
  };
}

/** True when the connection is encrypted (ldaps:// or StartTLS), which passwords on AD require. */
export function isEncrypted(config: LdapConfig): boolean {
  return config.secure || config.startTls;
}
