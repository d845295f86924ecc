/**
 * The Connector interface: how the engine reads and writes one target application, whatever it is
 * (a SCIM app, an LDAP directory, SQL tables, a REST or SOAP API, a write-only file, a user's own
 * module). Two operations every connector has; the rest are optional methods, each present exactly
 * when its capability flag is declared (`capabilities.ts`), and the contract kit checks that they
 * agree. Every operation takes an AbortSignal and returns a promise; failures are thrown as
 * `ConnectorError`s (`connector-error.ts`).
 */
import type { JsonValue } from '../../shared/json.js';
import type { AttributeChange } from './attribute-change.js';
import type { ConnectorCapabilities } from './capabilities.js';
import type { ConnectorError } from './connector-error.js';

/** The object types the engine provisions. A connector lists those it holds in `capabilities.objectTypes`. */
export const ObjectType = { User: 'User', Group: 'Group' } as const;
export type ObjectType = (typeof ObjectType)[keyof typeof ObjectType];

/**
 * An object's attributes keyed by target attribute path, as the app's mappings name them:
 * `userName`, `name.givenName`, `emails[type eq "work"].value` for SCIM, `sAMAccountName` for LDAP,
 * a column for SQL. A missing key and a `null` value both mean "no value"; multi-valued attributes
 * are arrays.
 */
export type TargetAttributes = Record<string, JsonValue>;

/**
 * How the engine names one object in the target. `id` is the anchor: assigned by the target (or the
 * connector) at create and never changed, so it is what the engine stores in its link. `name` is the
 * hierarchical name (an LDAP DN) for targets that have one; it changes on a rename while `id` stays.
 */
export interface TargetRef {
  id: string;
  name?: string;
}

/** An object as the target holds it. */
export interface TargetObject extends TargetRef {
  objectType: ObjectType;
  attributes: TargetAttributes;
  /** Present when the connector can disable: false for a disabled account. */
  enabled?: boolean;
  /** For a group on a target with native membership: the target ids of its members. */
  members?: string[];
}

/** A new object to create. */
export interface CreateRequest {
  objectType: ObjectType;
  attributes: TargetAttributes;
  /** The hierarchical name for targets that have one (the DN the mapping computed). */
  name?: string;
  /** The initial state on targets that can disable; absent means enabled. */
  enabled?: boolean;
}

/** A change to an existing object: each changed attribute with its old and new value. */
export interface UpdateRequest {
  objectType: ObjectType;
  ref: TargetRef;
  changes: AttributeChange[];
}

/** A request naming one existing object. */
export interface ObjectRequest {
  objectType: ObjectType;
  ref: TargetRef;
}

/** Find the objects whose `attribute` equals `value` (the matching attribute of the app's mapping). */
export interface FindRequest {
  objectType: ObjectType;
  attribute: string;
  value: JsonValue;
}

/** One page of a list. */
export interface ListRequest {
  objectType: ObjectType;
  /** The most objects the page may hold; a connector without paging ignores it and returns all. */
  pageSize: number;
  /** `nextCursor` of the previous page; absent for the first page. */
  cursor?: string;
}

/** A page of objects; `nextCursor` is absent on the last page. */
export interface ListPage {
  objects: TargetObject[];
  nextCursor?: string;
}

/** Rename: give an object a new hierarchical name (move it in the tree); its id does not change. */
export interface RenameRequest {
  objectType: ObjectType;
  ref: TargetRef;
  newName: string;
}

/** Enable or disable an account (disable is the soft deprovision; delete the hard one). */
export interface SetEnabledRequest {
  objectType: ObjectType;
  ref: TargetRef;
  enabled: boolean;
}

/** Add or remove members of a group, on targets with native membership operations. */
export interface MembershipRequest {
  group: TargetRef;
  members: TargetRef[];
}

/** The outcome of one item of a batch create, in the order of the request. */
export type BatchCreateResult = { ok: true; object: TargetObject } | { ok: false; error: ConnectorError };

/**
 * A connection to one target application. Optional methods exist exactly when their capability is
 * declared: `get` <- `read`, `find` <- `findBy`, `list` <- `list`, `update` <- `update`, `delete` <-
 * `delete`, `createBatch` <- `batchCreate`, `setEnabled` <- `disable`, `rename` <- `rename`,
 * `addMembers` / `removeMembers` <- `membership.kind === 'native'`.
 */
export interface Connector {
  readonly capabilities: ConnectorCapabilities;

  /** Check that the target answers and accepts the credentials; throws a `ConnectorError` if not. */
  testConnection(signal: AbortSignal): Promise<void>;

  /** Create one object; returns it as the target now holds it (at least its id). */
  create(request: CreateRequest, signal: AbortSignal): Promise<TargetObject>;

  /** Create several objects in one round trip; one result per item, in order. */
  createBatch?(requests: CreateRequest[], signal: AbortSignal): Promise<BatchCreateResult[]>;

  /** Read one object by its id; throws `not_found` when the target has none. */
  get?(request: ObjectRequest, signal: AbortSignal): Promise<TargetObject>;

  /** Objects whose attribute equals the value: none, one, or (ambiguous) several. */
  find?(request: FindRequest, signal: AbortSignal): Promise<TargetObject[]>;

  /** One page of every object of a type, for import and reconciliation. */
  list?(request: ListRequest, signal: AbortSignal): Promise<ListPage>;

  /**
   * Apply attribute changes; throws `not_found` when the object is gone. When the changes gave
   * the object a new ref (a changed naming attribute moved an LDAP entry to a new DN; an API
   * keyed by userName gave it a new id), return the new ref: the engine keeps it in the link and
   * names the object by it from then on (group members by name, later updates). Return nothing
   * when the ref is unchanged.
   */
  update?(request: UpdateRequest, signal: AbortSignal): Promise<TargetRef | void>;

  /** Delete one object; throws `not_found` when it is already gone. */
  delete?(request: ObjectRequest, signal: AbortSignal): Promise<void>;

  /** Enable or disable one object. */
  setEnabled?(request: SetEnabledRequest, signal: AbortSignal): Promise<void>;

  /** Give one object a new hierarchical name; returns its new ref (same id). */
  rename?(request: RenameRequest, signal: AbortSignal): Promise<TargetRef>;

  /** Add members to a group; adding a present member is not an error. */
  addMembers?(request: MembershipRequest, signal: AbortSignal): Promise<void>;

  /** Remove members from a group; removing an absent member is not an error. */
  removeMembers?(request: MembershipRequest, signal: AbortSignal): Promise<void>;

  /** Release connections and timers; called once when the app is stopped or reconfigured. */
  close?(): Promise<void>;
}

/** The optional methods, each with the capability that must be declared for it. */
export const OPTIONAL_OPERATIONS = [
  'createBatch',
  'get',
  'find',
  'list',
  'update',
  'delete',
  'setEnabled',
  'rename',
  'addMembers',
  'removeMembers',
] as const satisfies readonly (keyof Connector)[];
export type OptionalOperation = (typeof OPTIONAL_OPERATIONS)[number];
