/**
 * The app file's schema (docs/engine/applications.md): strict, so an unknown key is an error and
 * not silently ignored, with every default of app-yaml.md applied. It checks shape and types only;
 * what needs more than one value at a time (roles, mappings, the connector's own schemas) is checked
 * in load-app-file.ts, which also turns zod's issues into messages at a path and a line.
 */
import ms from 'ms';
import { z } from 'zod';

/** App names: used on the command line and in URLs. */
export const APP_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;

/** The defaults of `settings`, as written in the file. */
export const SETTINGS_DEFAULTS = {
  scope: 'assigned',
  nestedGroupMembers: false,
  deprovisionAction: 'disable',
  skipOutOfScopeDeletions: false,
  deletionThreshold: 500,
  concurrency: 4,
  cycleInterval: '40m',
  nearRealTime: true,
} as const;

/** The actions an object type allows when the file does not say. */
export const DEFAULT_ACTIONS = ['create', 'update', 'delete'] as const;

/** The role an app has when it declares none. */
export const DEFAULT_APP_ROLE = { value: 'User', displayName: 'User', default: true } as const;

/** Shortest cycle interval: a cycle reads the whole directory, more often than this is a mistake. */
export const MIN_CYCLE_INTERVAL_MS = 60_000;

/** A key written with nothing after it (`settings:`) is YAML null: read it as absent. */
const absentIfNull = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === null ? undefined : value), schema);

/** Text that YAML may have typed as a number or boolean (`value: 100`): kept as the text. */
const text = z.preprocess(
  (value) => (typeof value === 'number' || typeof value === 'boolean' ? String(value) : value),
  z.string(),
);

const nonEmpty = z.string().min(1, 'must not be empty');

const nameSchema = z
  .string()
  .max(100, 'must be at most 100 characters')
  .regex(APP_NAME_PATTERN, 'must start with a lower-case letter or digit and hold only a-z, 0-9, ., _ and -');

const jsonMap = absentIfNull(z.record(z.string(), z.json()).default({}));

export const connectorSchema = z
  .strictObject({
    kind: nonEmpty.optional(),
    module: nonEmpty.optional(),
    settings: jsonMap,
    credentials: jsonMap,
  })
  .superRefine((connector, ctx) => {
    if ((connector.kind === undefined) === (connector.module === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'give exactly one of kind (a registered connector) or module (a path to your own)',
      });
    }
  });

const roleSchema = z.strictObject({
  value: nonEmpty,
  displayName: nonEmpty.optional(),
  description: z.string().optional(),
  default: z.boolean().optional(),
});

/** `40m`, `1h`, `90s`: vercel's ms syntax, with a unit. */
const duration = z.string().transform((value, ctx) => {
  const parsed = /[a-z]\s*$/i.test(value) ? ms(value as ms.StringValue) : undefined;
  if (parsed === undefined || !Number.isFinite(parsed)) {
    ctx.addIssue({
      code: 'custom',
      message: `'${value}' is not a duration: write a number and a unit, such as 40m or 2h`,
    });
    return z.NEVER;
  }
  if (parsed < MIN_CYCLE_INTERVAL_MS) {
    ctx.addIssue({ code: 'custom', message: `must be at least 1m (got ${value})` });
    return z.NEVER;
  }
  return Math.round(parsed);
});

const webhookUrl = z.string().superRefine((value, ctx) => {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    ctx.addIssue({ code: 'custom', message: 'must be an absolute http:// or https:// URL' });
  } else if (url.username !== '' || url.password !== '') {
    ctx.addIssue({
      code: 'custom',
      message: 'must not hold a user name or password; put a token in the path',
    });
  }
});

const thresholdSchema = z.preprocess(
  (value) => (typeof value === 'number' ? { count: value } : value),
  z.strictObject({
    count: z.number().int('must be a whole number').min(1, 'must be at least 1').default(500),
    percent: z.number().gt(0, 'must be more than 0').max(100, 'must be at most 100').optional(),
  }),
);

export const settingsSchema = absentIfNull(
  z
    .strictObject({
      scope: z.enum(['assigned', 'all']).default(SETTINGS_DEFAULTS.scope),
      nestedGroupMembers: z.boolean().default(SETTINGS_DEFAULTS.nestedGroupMembers),
      deprovisionAction: z.enum(['disable', 'delete']).default(SETTINGS_DEFAULTS.deprovisionAction),
      skipOutOfScopeDeletions: z.boolean().default(SETTINGS_DEFAULTS.skipOutOfScopeDeletions),
      deletionThreshold: thresholdSchema.default({ count: SETTINGS_DEFAULTS.deletionThreshold }),
      concurrency: z
        .number()
        .int('must be a whole number')
        .min(1, 'must be at least 1')
        .max(256, 'must be at most 256')
        .default(SETTINGS_DEFAULTS.concurrency),
      rateLimitPerSecond: z.number().gt(0, 'must be more than 0').optional(),
      cycleInterval: duration.default(ms(SETTINGS_DEFAULTS.cycleInterval)),
      nearRealTime: z.boolean().default(SETTINGS_DEFAULTS.nearRealTime),
      notificationWebhookUrl: webhookUrl.optional(),
    })
    .default({
      scope: SETTINGS_DEFAULTS.scope,
      nestedGroupMembers: SETTINGS_DEFAULTS.nestedGroupMembers,
      deprovisionAction: SETTINGS_DEFAULTS.deprovisionAction,
      skipOutOfScopeDeletions: SETTINGS_DEFAULTS.skipOutOfScopeDeletions,
      deletionThreshold: { count: SETTINGS_DEFAULTS.deletionThreshold },
      concurrency: SETTINGS_DEFAULTS.concurrency,
      cycleInterval: ms(SETTINGS_DEFAULTS.cycleInterval),
      nearRealTime: SETTINGS_DEFAULTS.nearRealTime,
    }),
);

const clauseSchema = z.strictObject({ attribute: z.string(), operator: z.string(), value: text.optional() });

const scopeSchema = z.strictObject({
  filters: z.array(z.strictObject({ clauses: z.array(clauseSchema) })),
});

const mappingSchema = z.strictObject({
  target: z.string(),
  source: z.string().optional(),
  constant: text.optional(),
  expression: z.string().optional(),
  apply: z.enum(['always', 'onCreate']).optional(),
  defaultValue: text.optional(),
  matchingPrecedence: z.number().int('must be a whole number').min(1, 'must be at least 1').optional(),
});

export const objectTypeSchema = z.strictObject({
  enabled: z.boolean().default(true),
  actions: z
    .array(z.enum(['create', 'update', 'delete']))
    .default([...DEFAULT_ACTIONS])
    .refine((actions) => new Set(actions).size === actions.length, 'lists an action twice'),
  mappings: absentIfNull(z.array(mappingSchema).default([])),
  scope: absentIfNull(scopeSchema.optional()),
});

export const objectsSchema = z.strictObject({
  User: objectTypeSchema.optional(),
  Group: objectTypeSchema.optional(),
});

/** The whole file. */
export const appFileSchema = z.strictObject({
  name: nameSchema,
  description: z.string().optional(),
  enabled: z.boolean().default(true),
  connector: connectorSchema,
  appRoles: absentIfNull(z.array(roleSchema).optional()),
  settings: settingsSchema,
  objects: objectsSchema,
});

export type AppFileContent = z.infer<typeof appFileSchema>;
export type ObjectTypeContent = z.infer<typeof objectTypeSchema>;
export type ConnectorContent = z.infer<typeof connectorSchema>;

type SchemaNode = { _zod: { def: Record<string, unknown> & { type: string } } };

/**
 * The keys an object at `path` of the file may have, read from the schema itself so suggestions
 * never drift from it: unknown keys get a did-you-mean from these.
 */
export function knownKeysAt(path: readonly (string | number)[], schema: unknown = appFileSchema): string[] {
  let node = unwrap(schema as SchemaNode);
  for (const segment of path) {
    if (node === undefined) return [];
    const def = node._zod.def;
    if (def.type === 'object' && typeof segment === 'string') {
      node = unwrap((def.shape as Record<string, SchemaNode>)[segment]);
    } else if (def.type === 'array' && typeof segment === 'number') {
      node = unwrap(def.element as SchemaNode);
    } else {
      return [];
    }
  }
  return node?._zod.def.type === 'object' ? Object.keys(node._zod.def.shape as object) : [];
}

function unwrap(node: SchemaNode | undefined): SchemaNode | undefined {
  let current = node;
  for (let depth = 0; current !== undefined && depth < 10; depth++) {
    const def = current._zod.def;
    if (
      def.type === 'optional' ||
      def.type === 'default' ||
      def.type === 'nullable' ||
      def.type === 'prefault'
    ) {
      current = def.innerType as SchemaNode;
    } else if (def.type === 'pipe') {
      const out = def.out as SchemaNode;
      current = out._zod.def.type === 'transform' ? (def.in as SchemaNode) : out;
    } else {
      return current;
    }
  }
  return current;
}
