/**
 * What a connector can do, as data. The engine plans from these flags (match by `find` or only by a
 * stored link, page a reconciliation, send deltas or read-modify-write, disable or delete) and never
 * asks which kind of connector it has. Each optional method of `Connector` goes with one flag, and
 * `checkCapabilityMethods` reports every place where the two disagree.
 */
import { z } from 'zod';
import { OPTIONAL_OPERATIONS, type ObjectType, type OptionalOperation } from './connector.js';

/** How a target keeps group membership. */
export type MembershipCapability =
  /** Groups are not provisioned, or their members are not. */
  | { kind: 'none' }
  /** The target has member operations (`addMembers` / `removeMembers`); read groups carry `members`. */
  | { kind: 'native' }
  /**
   * Members are a multi-valued attribute of the group (LDAP `member`, a SQL join column exposed as
   * an array), changed through `update`. `reference` says whether values are member ids or names (DNs).
   */
  | { kind: 'attribute'; attribute: string; reference: 'id' | 'name' };

/** Everything the engine may ask a connector about what it can do. */
export interface ConnectorCapabilities {
  /** The object types the target holds; membership needs `Group`. */
  objectTypes: ('User' | 'Group')[];
  /** `get`: read one object by id. False for write-only targets (a file the target picks up). */
  read: boolean;
  /** `find`: look objects up by attribute value; `attributes` lists which ones, `'any'` for all. */
  find: false | { attributes: string[] | 'any' };
  /** `list`: read every object (import, reconciliation); `paging` when pages are real, `maxPageSize` if capped. */
  list: false | { paging: boolean; maxPageSize?: number };
  /**
   * `update`: `partial` applies the changed attributes only (SCIM PATCH, LDAP modify); `replace`
   * writes the whole object (PUT, a row rewrite), so the connector reads and merges (helpers in
   * `attribute-change.ts`) and an update costs a read.
   */
  update: false | { mode: 'partial' | 'replace' };
  /** `delete`: remove an object. */
  delete: boolean;
  /**
   * `setEnabled`: disable and enable accounts (soft deprovisioning); without it the only way out is
   * delete. `{ objectTypes }` when only some types can be disabled (LDAP users with a disable
   * strategy, groups without one): objects of the others are deprovisioned as if it were false.
   */
  disable: boolean | { objectTypes: ObjectType[] };
  /** `rename`: objects have hierarchical names (DNs) that can change while the id stays. */
  rename: boolean;
  /** `createBatch`: several creates in one round trip (SCIM /Bulk, a multi-row insert). */
  batchCreate: false | { maxItems: number };
  /** How group membership is written. */
  membership: MembershipCapability;
  /**
   * Where an object type can do less than the flags above say (a script that finds users but not
   * groups): per type, the flags that differ, in the same shapes. The flags above are what the
   * connector's methods can do for some type (the methods exist when they are granted);
   * `capabilitiesFor` gives the capabilities as they hold for one type, which the engine plans from.
   */
  byType?: Partial<Record<ObjectType, TypeCapabilities>>;
}

/** The flags an object type may narrow in `byType`. */
export type TypeCapabilities = Partial<Pick<ConnectorCapabilities, (typeof PER_TYPE_FLAGS)[number]>>;

/** The operations whose flags may differ per object type (`disable` has its own `{ objectTypes }`). */
export const PER_TYPE_FLAGS = ['read', 'find', 'list', 'update', 'delete'] as const;

const attributeName = z.string().min(1, 'must be a non-empty attribute name');

const readSchema = z.boolean();
const findSchema = z.union([
  z.literal(false),
  z.strictObject({ attributes: z.union([z.literal('any'), z.array(attributeName).min(1)]) }),
]);
const listSchema = z.union([
  z.literal(false),
  z.strictObject({ paging: z.boolean(), maxPageSize: z.number().int().positive().optional() }),
]);
const updateSchema = z.union([z.literal(false), z.strictObject({ mode: z.enum(['partial', 'replace']) })]);
const deleteSchema = z.boolean();
const typeCapabilitiesSchema = z.strictObject({
  read: readSchema.optional(),
  find: findSchema.optional(),
  list: listSchema.optional(),
  update: updateSchema.optional(),
  delete: deleteSchema.optional(),
});

/** The zod schema of capabilities; strict, so a misspelled flag is an error rather than ignored. */
export const connectorCapabilitiesSchema = z
  .object({
    objectTypes: z
      .array(z.enum(['User', 'Group']))
      .min(1, 'must list at least one object type')
      .refine((types) => new Set(types).size === types.length, 'must not repeat an object type'),
    read: readSchema,
    find: findSchema,
    list: listSchema,
    update: updateSchema,
    delete: deleteSchema,
    disable: z.union([
      z.boolean(),
      z.strictObject({ objectTypes: z.array(z.enum(['User', 'Group'])).min(1, 'must list an object type') }),
    ]),
    rename: z.boolean(),
    batchCreate: z.union([z.literal(false), z.strictObject({ maxItems: z.number().int().min(2) })]),
    membership: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('none') }),
      z.strictObject({ kind: z.literal('native') }),
      z.strictObject({
        kind: z.literal('attribute'),
        attribute: attributeName,
        reference: z.enum(['id', 'name']),
      }),
    ]),
    byType: z
      .strictObject({ User: typeCapabilitiesSchema.optional(), Group: typeCapabilitiesSchema.optional() })
      .optional(),
  })
  .strict()
  .superRefine((caps, ctx) => {
    if (caps.membership.kind !== 'none' && !caps.objectTypes.includes('Group')) {
      ctx.addIssue({ code: 'custom', path: ['membership'], message: 'needs Group in objectTypes' });
    }
    if (typeof caps.disable === 'object') {
      for (const type of caps.disable.objectTypes) {
        if (!caps.objectTypes.includes(type))
          ctx.addIssue({ code: 'custom', path: ['disable'], message: `${type} is not in objectTypes` });
      }
    }
    for (const [type, narrowed] of Object.entries(caps.byType ?? {})) {
      if (narrowed === undefined) continue;
      if (!caps.objectTypes.includes(type as ObjectType))
        ctx.addIssue({ code: 'custom', path: ['byType', type], message: `${type} is not in objectTypes` });
      for (const flag of PER_TYPE_FLAGS) {
        // The method serves every type: a type cannot have what the connector as a whole has not.
        if (narrowed[flag] !== undefined && narrowed[flag] !== false && caps[flag] === false)
          ctx.addIssue({
            code: 'custom',
            path: ['byType', type, flag],
            message: `is granted while capability ${flag} is not`,
          });
      }
    }
    if (caps.membership.kind === 'attribute' && caps.update === false) {
      ctx.addIssue({
        code: 'custom',
        path: ['membership'],
        message: "kind 'attribute' is written through update",
      });
    }
  });

/**
 * The `disable` capability of a connector holding `objectTypes` that can disable objects of
 * `disableable` only: true for all of them, false for none, else the types that can.
 */
export function disableCapability(
  objectTypes: readonly ObjectType[],
  disableable: readonly ObjectType[],
): ConnectorCapabilities['disable'] {
  const types = objectTypes.filter((type) => disableable.includes(type));
  if (types.length === 0) return false;
  return types.length === objectTypes.length || { objectTypes: types };
}

/**
 * The capabilities as they hold for objects of one type: the `byType` flags of that type in place
 * of the connector's, `disable` as a boolean for it. The engine plans each type from these.
 */
export function capabilitiesFor(caps: ConnectorCapabilities, type: ObjectType): ConnectorCapabilities {
  const { byType, ...rest } = caps;
  const narrowed = byType?.[type] ?? {};
  const own: ConnectorCapabilities = { ...rest, disable: canDisable(caps, type) };
  for (const flag of PER_TYPE_FLAGS) {
    if (narrowed[flag] !== undefined) (own as unknown as Record<string, unknown>)[flag] = narrowed[flag];
  }
  return own;
}

/** Whether objects of `type` can be disabled (`setEnabled`). */
export function canDisable(caps: ConnectorCapabilities, type: ObjectType): boolean {
  return typeof caps.disable === 'object' ? caps.disable.objectTypes.includes(type) : caps.disable;
}

/** The outcome of validating capabilities: the frozen value, or issues that each name the path. */
export type CapabilitiesResult =
  { ok: true; capabilities: Readonly<ConnectorCapabilities> } | { ok: false; issues: string[] };

/** Validates capabilities as declared by a connector (which may be a user's JavaScript). */
export function validateCapabilities(input: unknown): CapabilitiesResult {
  const parsed = connectorCapabilitiesSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => {
        const path = issue.path.length === 0 ? 'capabilities' : `capabilities.${issue.path.join('.')}`;
        return `${path}: ${issue.message}`;
      }),
    };
  }
  return { ok: true, capabilities: deepFreeze(parsed.data as ConnectorCapabilities) };
}

/** Which capability each optional method needs, and whether the capabilities grant it. */
export const OPERATION_CAPABILITY: Record<
  OptionalOperation,
  { capability: string; granted: (caps: ConnectorCapabilities) => boolean }
> = {
  createBatch: { capability: 'batchCreate', granted: (c) => c.batchCreate !== false },
  get: { capability: 'read', granted: (c) => c.read },
  find: { capability: 'find', granted: (c) => c.find !== false },
  list: { capability: 'list', granted: (c) => c.list !== false },
  update: { capability: 'update', granted: (c) => c.update !== false },
  delete: { capability: 'delete', granted: (c) => c.delete },
  setEnabled: { capability: 'disable', granted: (c) => c.disable !== false },
  rename: { capability: 'rename', granted: (c) => c.rename },
  addMembers: { capability: "membership.kind 'native'", granted: (c) => c.membership.kind === 'native' },
  removeMembers: { capability: "membership.kind 'native'", granted: (c) => c.membership.kind === 'native' },
};

/** A place where a connector's flags and methods disagree. */
export interface CapabilityMismatch {
  kind: 'declared-but-missing' | 'method-without-flag';
  operation: OptionalOperation;
  capability: string;
  message: string;
}

/**
 * Every disagreement between the declared capabilities and the methods present. A method without
 * its flag is an error too: the engine would never call it, and it usually means a flag was forgotten.
 */
export function checkCapabilityMethods(
  connector: object,
  capabilities: ConnectorCapabilities,
): CapabilityMismatch[] {
  const mismatches: CapabilityMismatch[] = [];
  for (const operation of OPERATION_CAPABILITY_ORDER) {
    const { capability, granted } = OPERATION_CAPABILITY[operation];
    const present = typeof (connector as Record<string, unknown>)[operation] === 'function';
    const declared = granted(capabilities);
    if (declared && !present) {
      mismatches.push({
        kind: 'declared-but-missing',
        operation,
        capability,
        message: `capability ${capability} is declared but the connector has no ${operation}() method`,
      });
    } else if (!declared && present) {
      mismatches.push({
        kind: 'method-without-flag',
        operation,
        capability,
        message: `the connector has a ${operation}() method but does not declare capability ${capability}`,
      });
    }
  }
  return mismatches;
}

const OPERATION_CAPABILITY_ORDER: readonly OptionalOperation[] = OPTIONAL_OPERATIONS;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
