/**
 * The planner: pure decisions, no I/O. For one directory object it works out, in two steps,
 * - `evaluateObject`: is it entitled and in scope (and why), what should the target hold (mapped,
 *   flattened to target paths, references resolved to target ids), and its hash;
 * - `decideAction`: given its link (and, for an object without one, the target's answer to the
 *   matching lookup), which action: create, update (only what changed), enable, disable, delete or
 *   skip with a reason.
 * `sync`, `preview`, `provision --dry-run` and `reconcile` all decide through these two functions,
 * so what a preview shows is what a cycle does.
 */
import type { JsonObject, JsonValue } from '../../shared/json.js';
import type { EvaluationContext } from '../../expressions/index.js';
import type { AttributeChange } from '../../connectors/spi/attribute-change.js';
import { sameValue } from '../../connectors/spi/attribute-change.js';
import type { ConnectorCapabilities } from '../../connectors/spi/capabilities.js';
import { canDisable } from '../../connectors/spi/capabilities.js';
import type { TargetAttributes, TargetObject } from '../../connectors/spi/connector.js';
import type { AppSettings } from '../apps/app-definition.js';
import type { CompiledObjectType } from '../apps/compile-app.js';
import { hashTargetObject } from '../mapping/diff-target-objects.js';
import type { MappedObject } from '../mapping/object-mapping.js';
import { describeScopeVerdict } from '../scoping/compile-scope.js';
import type { ConfigIssue } from '../source/config-issue.js';
import type { SourceObject } from '../source/source-object.js';
import type { Link, StateObjectType } from '../state/engine-state.js';
import type { Entitlement } from './entitlement.js';
import type { FlatTargetPaths, ReferenceLookup, UnresolvedReference } from './target-attributes.js';
import { flattenTarget, resolveReferences, withoutNulls } from './target-attributes.js';

/** The pseudo-attribute under which native group members are hashed and kept in `Link.exported`. */
export const MEMBERS_KEY = 'members';

/** Everything about one object type of one app that planning needs, built once per cycle. */
export interface PlanScope {
  readonly objectType: StateObjectType;
  readonly type: CompiledObjectType;
  readonly flat: FlatTargetPaths;
  readonly settings: AppSettings;
  readonly capabilities: ConnectorCapabilities;
  /** Clock and randomness for expressions (cryptographic outside previews and tests). */
  readonly evaluation?: EvaluationContext;
}

/** Why an object is not provisioned. */
export type OutOfScopeKind = 'deleted' | 'unassigned' | 'filter' | 'inactive';

/** What the planner found out about one object, before looking at its link. */
export interface ObjectEvaluation {
  readonly objectType: StateObjectType;
  readonly sourceId: string;
  readonly sourceName?: string;
  readonly provisioned: boolean;
  readonly outOfScope?: OutOfScopeKind;
  readonly importStep: JsonObject;
  readonly scopeStep: JsonObject;
  /** IgnoreObjectFlow: leave the object alone. */
  readonly ignored: boolean;
  readonly errors: readonly ConfigIssue[];
  /** What a create sends (no nulls, no MEMBERS_KEY pseudo-attribute for native members). */
  readonly createAttributes: TargetAttributes;
  /** What the target should hold, update form; native members under MEMBERS_KEY. */
  readonly desired: TargetAttributes;
  /** Native members' target ids, sorted; undefined when members are not native. */
  readonly members?: readonly string[];
  readonly hash: string;
  /** Matching attributes in precedence order, with their (resolved) values. */
  readonly matching: readonly {
    readonly attribute: string;
    readonly value: JsonValue;
    readonly redacted: boolean;
  }[];
  readonly redacted: ReadonlySet<string>;
  readonly unresolved: readonly UnresolvedReference[];
}

/** The input of evaluateObject. */
export interface EvaluateInput {
  readonly sourceId: string;
  /** The directory resource; undefined when the object was deleted from the directory. */
  readonly resource?: JsonObject;
  readonly entitlement: Entitlement;
  readonly lookup: ReferenceLookup;
  /** Whether the create form is needed (the object has no link yet). */
  readonly forCreate: boolean;
}

/**
 * Decides entitlement, scope and the desired target attributes of one object. With a synchronous
 * mapping (no async expression functions) the evaluation is returned as it is, not as a promise:
 * one promise and one turn of the microtask queue less for each object of a cycle.
 */
export function evaluateObject(
  scope: PlanScope,
  input: EvaluateInput,
): ObjectEvaluation | Promise<ObjectEvaluation> {
  const { objectType, type } = scope;
  const resource = input.resource;
  const sourceName = resource ? nameOf(objectType, resource) : undefined;
  // Steps and the evaluation are built field by field, not by spreading conditional objects: this
  // runs for every object of every cycle, and the spreads cost more than the rest of it.
  const importStep: JsonObject = { step: 'import', sourceId: input.sourceId };
  if (sourceName !== undefined) importStep.name = sourceName;
  if (resource === undefined) importStep.deleted = true;
  else if (objectType === 'User') importStep.active = resource.active !== false;
  const empty = EMPTY_EVALUATION;
  if (resource === undefined) {
    return {
      ...baseOf(objectType, input.sourceId, sourceName),
      ...empty,
      provisioned: false,
      outOfScope: 'deleted',
      importStep,
      scopeStep: { step: 'scope', inScope: false, reason: 'deleted from the directory' },
    };
  }
  const entitlement = input.entitlement;
  const probe: SourceObject = {
    kind: objectType === 'User' ? 'user' : 'group',
    resource,
    context: { assigned: entitlement.assigned, inScope: true, appRoleAssignments: entitlement.roles },
  };
  const verdict = type.scope.evaluate(probe);
  const inactive = objectType === 'User' && resource.active === false;
  const outOfScope: OutOfScopeKind | undefined = !entitlement.assigned
    ? 'unassigned'
    : !verdict.inScope
      ? 'filter'
      : inactive
        ? 'inactive'
        : undefined;
  const scopeStep: JsonObject = {
    step: 'scope',
    inScope: outOfScope === undefined,
    assignment: entitlement.via,
    filter: describeScopeVerdict(verdict),
  };
  if (inactive) scopeStep.reason = 'inactive in the directory';
  if (entitlement.roles.length > 0) scopeStep.roles = entitlement.roles.map((r) => r.value);
  if (outOfScope !== undefined)
    return {
      ...baseOf(objectType, input.sourceId, sourceName),
      ...empty,
      provisioned: false,
      outOfScope,
      importStep,
      scopeStep,
    };

  // In scope: the mappings read the same object the scope filter read (its context says inScope).
  const source = probe;
  const mapping = type.mapping;
  const update = scope.evaluation ? { operation: 'update' as const, evaluation: scope.evaluation } : UPDATE;
  const create = scope.evaluation ? { operation: 'create' as const, evaluation: scope.evaluation } : CREATE;
  // The create form differs only where a mapping applies on create only or has a default.
  const needsCreateForm = input.forCreate && createFormDiffers(type);
  if (!mapping.isAsync) {
    const updateForm = mapping.mapObject(source, update);
    if (updateForm.skip)
      return ignoredEvaluation(baseOf(objectType, input.sourceId, sourceName), importStep, scopeStep);
    const createForm = needsCreateForm ? mapping.mapObject(source, create) : undefined;
    return mappedEvaluation(scope, input, sourceName, importStep, scopeStep, updateForm, createForm);
  }
  return (async () => {
    const updateForm = await mapping.mapObjectAsync(source, update);
    if (updateForm.skip)
      return ignoredEvaluation(baseOf(objectType, input.sourceId, sourceName), importStep, scopeStep);
    const createForm = needsCreateForm ? await mapping.mapObjectAsync(source, create) : undefined;
    return mappedEvaluation(scope, input, sourceName, importStep, scopeStep, updateForm, createForm);
  })();
}

/** The evaluation of an object an expression told to be left alone (IgnoreObjectFlow). */
function ignoredEvaluation(
  base: { objectType: StateObjectType; sourceId: string; sourceName?: string },
  importStep: JsonObject,
  scopeStep: JsonObject,
): ObjectEvaluation {
  return { ...base, ...EMPTY_EVALUATION, ignored: true, provisioned: true, importStep, scopeStep };
}

const UPDATE = { operation: 'update' } as const;
const CREATE = { operation: 'create' } as const;

/** The evaluation of an object in scope, from its mapped update form (and create form). */
function mappedEvaluation(
  scope: PlanScope,
  input: EvaluateInput,
  sourceName: string | undefined,
  importStep: JsonObject,
  scopeStep: JsonObject,
  updateForm: MappedObject,
  createForm: MappedObject | undefined,
): ObjectEvaluation {
  const objectType = scope.objectType;
  const errors = [...updateForm.errors, ...(createForm?.errors ?? [])];
  const unresolved: UnresolvedReference[] = [];
  const desiredResolved = resolveMapped(scope, updateForm, input.lookup, unresolved);
  const createResolved = createForm ? resolveMapped(scope, createForm, input.lookup, []) : undefined;
  const desired = desiredResolved.attributes;
  const hash = hashTargetObject(desired as JsonObject);
  const matching = updateForm.matching.map((m) => ({
    attribute: m.target,
    value: (desired[m.target] ??
      (createResolved?.attributes[m.target] as JsonValue | undefined) ??
      null) as JsonValue,
    redacted: m.redacted,
  }));
  const evaluation: Mutable<ObjectEvaluation> = {
    objectType,
    sourceId: input.sourceId,
    provisioned: true,
    importStep,
    scopeStep,
    ignored: false,
    errors,
    createAttributes: withoutNulls(
      nativeMembers(scope)
        ? stripMembers(createResolved?.attributes ?? desired)
        : (createResolved?.attributes ?? desired),
    ),
    desired,
    hash,
    matching,
    redacted:
      updateForm.redactedPaths.length === 0 && (createForm?.redactedPaths.length ?? 0) === 0
        ? NOTHING_REDACTED
        : new Set([...updateForm.redactedPaths, ...(createForm?.redactedPaths ?? [])]),
    unresolved: unresolved.length < 2 ? unresolved : dedupe(unresolved),
  };
  if (sourceName !== undefined) evaluation.sourceName = sourceName;
  if (desiredResolved.members !== undefined) evaluation.members = desiredResolved.members;
  return evaluation;
}

/** A readonly shape being filled in, field by field, before it is handed out. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Shared by every evaluation with nothing redacted; read-only like every `redacted` set. */
const NOTHING_REDACTED: ReadonlySet<string> = new Set<string>();

/** The fields of an evaluation that maps nothing (deleted, out of scope, ignored), shared. */
const EMPTY_EVALUATION = {
  ignored: false,
  errors: [],
  createAttributes: {},
  desired: {},
  hash: '',
  matching: [],
  redacted: NOTHING_REDACTED,
  unresolved: [],
} as const;

const createDiffersByType = new WeakMap<CompiledObjectType, boolean>();

/** Whether a mapping applies on create only or has a default: then a create is mapped apart. */
function createFormDiffers(type: CompiledObjectType): boolean {
  let differs = createDiffersByType.get(type);
  if (differs === undefined) {
    differs = type.definition.mappings.some((m) => m.apply === 'onCreate' || m.defaultValue !== undefined);
    createDiffersByType.set(type, differs);
  }
  return differs;
}

function nameOf(objectType: StateObjectType, resource: JsonObject): string | undefined {
  const name = objectType === 'User' ? resource.userName : resource.displayName;
  return typeof name === 'string' ? name : undefined;
}

/** The first fields of an evaluation that maps nothing; sourceName only when the object has one. */
function baseOf(
  objectType: StateObjectType,
  sourceId: string,
  sourceName: string | undefined,
): { objectType: StateObjectType; sourceId: string; sourceName?: string } {
  return sourceName === undefined ? { objectType, sourceId } : { objectType, sourceId, sourceName };
}

/**
 * Whether this type's members go through addMembers/removeMembers: only then does MEMBERS_KEY hold
 * the pseudo-attribute, to be left out of a create. Elsewhere an attribute called `members` is an
 * ordinary one (the member attribute of a target keeping membership as an attribute, or a user's).
 */
function nativeMembers(scope: PlanScope): boolean {
  return scope.objectType === 'Group' && scope.capabilities.membership.kind === 'native';
}

function stripMembers(attributes: TargetAttributes): TargetAttributes {
  if (!(MEMBERS_KEY in attributes)) return attributes;
  const { [MEMBERS_KEY]: _members, ...rest } = attributes;
  return rest;
}

/**
 * Flattens and resolves a mapped object. Group member lists go where the connector keeps
 * membership: the MEMBERS_KEY pseudo-attribute for native membership (sent through
 * addMembers/removeMembers), the connector's member attribute for `attribute` membership, nowhere
 * for `none`.
 */
function resolveMapped(
  scope: PlanScope,
  mapped: MappedObject,
  lookup: ReferenceLookup,
  unresolved: UnresolvedReference[],
): { attributes: TargetAttributes; members?: string[] } {
  const flat = flattenTarget(mapped.target, scope.flat);
  const membership = scope.capabilities.membership;
  const listPaths =
    scope.objectType === 'Group' ? mapped.references.filter((p) => Array.isArray(flat[p])) : [];
  const singlePaths = mapped.references.filter((p) => !listPaths.includes(p));
  const byName = membership.kind === 'attribute' && membership.reference === 'name';
  const attributes = resolveReferences(flat, singlePaths, lookup, unresolved);
  if (listPaths.length === 0) {
    if (scope.objectType === 'Group' && membership.kind === 'native') {
      return { attributes: { ...attributes, [MEMBERS_KEY]: [] }, members: [] };
    }
    return { attributes };
  }
  const resolvedLists = resolveReferences(flat, listPaths, lookup, unresolved, byName);
  const members = [
    ...new Set(listPaths.flatMap((p) => (resolvedLists[p] as string[] | undefined) ?? [])),
  ].sort();
  for (const path of listPaths) delete attributes[path];
  if (membership.kind === 'native') return { attributes: { ...attributes, [MEMBERS_KEY]: members }, members };
  if (membership.kind === 'attribute')
    return { attributes: { ...attributes, [membership.attribute]: members } };
  return { attributes };
}

function dedupe(refs: readonly UnresolvedReference[]): UnresolvedReference[] {
  const seen = new Map<string, UnresolvedReference>();
  for (const ref of refs) seen.set(`${ref.referencedType}:${ref.referencedId}`, ref);
  return [...seen.values()];
}

// ---------------------------------------------------------------- decisions

/** What the target answered to the matching lookups (precedence order; the first with a hit wins). */
export interface MatchAnswer {
  readonly attribute?: string;
  readonly value?: JsonValue;
  readonly found: readonly TargetObject[];
}

/** The action the planner chose. `match` asks the caller to look the object up first. */
export type Decision =
  | {
      readonly kind: 'match';
      readonly requests: readonly { readonly attribute: string; readonly value: JsonValue }[];
    }
  | { readonly kind: 'create'; readonly attributes: TargetAttributes; readonly members: readonly string[] }
  | {
      readonly kind: 'update';
      readonly targetId: string;
      readonly targetName?: string;
      readonly changes: readonly AttributeChange[];
      readonly addMembers: readonly string[];
      readonly removeMembers: readonly string[];
      /** The account is disabled and must be enabled first (re-assigned, re-enabled). */
      readonly enable: boolean;
      /** Matched by attribute rather than linked: the link is made on success. */
      readonly adopted: boolean;
      /** What the target held before (the link's export, or the matched account). */
      readonly base: TargetAttributes;
    }
  | {
      readonly kind: 'disable' | 'delete';
      readonly targetId: string;
      readonly targetName?: string;
      readonly why: OutOfScopeKind;
    }
  | {
      readonly kind: 'skip';
      readonly reason: SkipReason;
      readonly failure: boolean;
      readonly targetId?: string;
      /** For a redundant export whose hash moved (e.g. onCreate mappings): refresh the link's hash. */
      readonly refreshHash?: boolean;
      readonly message?: string;
    };

/** Entra's reason codes where it has them, and Provisio's own for what Entra does not do. */
export const SkipReasons = {
  /** Nothing changed since the last export. */
  RedundantExport: 'RedundantExport',
  /** Not assigned to the app and never provisioned. */
  NotEffectivelyEntitled: 'NotEffectivelyEntitled',
  /** Failed the scoping filter (or inactive) and never provisioned. */
  OutOfScope: 'OutOfScope',
  /** Gone from the directory and never provisioned. */
  EntryDeleted: 'EntryDeleted',
  /** More than one target account matched: no guess is made. */
  DuplicateTargetEntries: 'DuplicateTargetEntries',
  /** Left scope with skipOutOfScopeDeletions on: the account is left as it is. */
  SkipOutOfScopeDeletions: 'SkipOutOfScopeDeletions',
  /** The object mapping does not allow the action, or the connector cannot do it. */
  ActionNotAllowed: 'ActionNotAllowed',
  /** An expression returned IgnoreObjectFlow. */
  IgnoreObjectFlow: 'IgnoreObjectFlow',
  /** An expression failed for this object. */
  ExpressionError: 'ExpressionError',
  /** The account is already deprovisioned. */
  AlreadyDeprovisioned: 'AlreadyDeprovisioned',
  /** The matched account is linked to another directory object that still exists. */
  AccountLinkedElsewhere: 'AccountLinkedElsewhere',
  /** The matching lookup itself failed (the target did not answer). */
  MatchFailed: 'MatchFailed',
} as const;
export type SkipReason = (typeof SkipReasons)[keyof typeof SkipReasons];

/** Chooses the action for an evaluated object, its link, and (without a link) the match answer. */
export function decideAction(
  scope: PlanScope,
  evaluation: ObjectEvaluation,
  link: Link | undefined,
  match?: MatchAnswer,
): Decision {
  const actions = scope.type.definition.actions;
  const caps = scope.capabilities;
  if (!evaluation.provisioned) {
    const why = evaluation.outOfScope!;
    if (link === undefined) {
      const reason =
        why === 'unassigned'
          ? SkipReasons.NotEffectivelyEntitled
          : why === 'deleted'
            ? SkipReasons.EntryDeleted
            : SkipReasons.OutOfScope;
      return { kind: 'skip', reason, failure: false };
    }
    const skip = (reason: SkipReason): Decision => ({
      kind: 'skip',
      reason,
      failure: false,
      targetId: link.targetId,
    });
    if ((why === 'unassigned' || why === 'filter') && scope.settings.skipOutOfScopeDeletions) {
      return skip(SkipReasons.SkipOutOfScopeDeletions);
    }
    const ref = {
      targetId: link.targetId,
      ...(link.targetName !== undefined ? { targetName: link.targetName } : {}),
      why,
    };
    const canDelete = actions.includes('delete') && caps.delete;
    const disables = canDisable(caps, scope.objectType);
    if (scope.settings.deprovisionAction === 'disable' && disables) {
      return link.state === 'disabled' ? skip(SkipReasons.AlreadyDeprovisioned) : { kind: 'disable', ...ref };
    }
    if (canDelete) return { kind: 'delete', ...ref };
    if (disables) {
      return link.state === 'disabled' ? skip(SkipReasons.AlreadyDeprovisioned) : { kind: 'disable', ...ref };
    }
    return skip(SkipReasons.ActionNotAllowed);
  }
  if (evaluation.errors.length > 0) {
    return {
      kind: 'skip',
      reason: SkipReasons.ExpressionError,
      failure: true,
      ...(link ? { targetId: link.targetId } : {}),
      message: evaluation.errors.map((e) => `${e.path}: ${e.message}`).join('; '),
    };
  }
  if (evaluation.ignored) {
    return {
      kind: 'skip',
      reason: SkipReasons.IgnoreObjectFlow,
      failure: false,
      ...(link ? { targetId: link.targetId } : {}),
    };
  }
  if (link === undefined) {
    if (match === undefined) {
      const requests = evaluation.matching.filter((m) => m.value !== null && !Array.isArray(m.value));
      if (requests.length > 0 && caps.find !== false) {
        return { kind: 'match', requests: requests.map((m) => ({ attribute: m.attribute, value: m.value })) };
      }
    }
    const found = match?.found ?? [];
    if (found.length > 1) {
      return {
        kind: 'skip',
        reason: SkipReasons.DuplicateTargetEntries,
        failure: true,
        message: `${found.length} target accounts have ${match?.attribute} ${JSON.stringify(match?.value)}: ${found
          .map((f) => f.id)
          .join(', ')}`,
      };
    }
    if (found.length === 1) {
      const account = found[0]!;
      return updateDecision(
        scope,
        evaluation,
        account.id,
        account.name,
        account.attributes,
        account.members,
        account.enabled === false,
        true,
      );
    }
    if (!actions.includes('create'))
      return { kind: 'skip', reason: SkipReasons.ActionNotAllowed, failure: false };
    return { kind: 'create', attributes: evaluation.createAttributes, members: evaluation.members ?? [] };
  }
  const exported = link.exported as TargetAttributes;
  const disabled = link.state === 'disabled';
  if (!disabled && evaluation.hash === link.exportedHash) {
    return { kind: 'skip', reason: SkipReasons.RedundantExport, failure: false, targetId: link.targetId };
  }
  const members = Array.isArray(exported[MEMBERS_KEY]) ? (exported[MEMBERS_KEY] as string[]) : undefined;
  return updateDecision(
    scope,
    evaluation,
    link.targetId,
    link.targetName,
    exported,
    members,
    disabled,
    false,
  );
}

function updateDecision(
  scope: PlanScope,
  evaluation: ObjectEvaluation,
  targetId: string,
  targetName: string | undefined,
  base: TargetAttributes,
  baseMembers: readonly string[] | undefined,
  enable: boolean,
  adopted: boolean,
): Decision {
  const changes: AttributeChange[] = [];
  const desired = evaluation.desired;
  for (const attribute of Object.keys(desired)) {
    if (attribute === MEMBERS_KEY && evaluation.members !== undefined) continue;
    const newValue = desired[attribute];
    const oldValue = base[attribute] ?? null;
    if (sameValue(oldValue, newValue)) continue;
    changes.push({ attribute, oldValue, newValue: newValue ?? null });
  }
  changes.sort((a, b) => (a.attribute < b.attribute ? -1 : a.attribute > b.attribute ? 1 : 0));
  const wanted = evaluation.members ?? [];
  const held = new Set(baseMembers ?? []);
  const addMembers = evaluation.members === undefined ? [] : wanted.filter((id) => !held.has(id));
  const wantedSet = new Set(wanted);
  const removeMembers =
    evaluation.members === undefined ? [] : [...held].filter((id) => !wantedSet.has(id)).sort();
  const nothing = changes.length === 0 && addMembers.length === 0 && removeMembers.length === 0 && !enable;
  // A matched account with nothing to change is still adopted: the link is what is new.
  if (nothing && !adopted) {
    return {
      kind: 'skip',
      reason: SkipReasons.RedundantExport,
      failure: false,
      targetId,
      refreshHash: true,
    };
  }
  const canUpdate = scope.type.definition.actions.includes('update') && scope.capabilities.update !== false;
  if (
    !canUpdate &&
    (changes.length > 0 || addMembers.length > 0 || removeMembers.length > 0) &&
    !adopted &&
    !enable
  ) {
    return { kind: 'skip', reason: SkipReasons.ActionNotAllowed, failure: false, targetId };
  }
  return {
    kind: 'update',
    targetId,
    ...(targetName !== undefined ? { targetName } : {}),
    changes: canUpdate ? changes : [],
    addMembers: canUpdate ? addMembers : [],
    removeMembers: canUpdate ? removeMembers : [],
    enable,
    adopted,
    base,
  };
}

/** The link to store after a successful create, update or enable. */
export function exportedAfter(evaluation: ObjectEvaluation, base: TargetAttributes | undefined): JsonObject {
  const merged: TargetAttributes = { ...(base ?? {}), ...evaluation.createAttributes };
  const desired = evaluation.desired;
  for (const key of Object.keys(desired)) {
    const value = desired[key]!;
    if (value === null || (Array.isArray(value) && value.length === 0 && key !== MEMBERS_KEY))
      delete merged[key];
    else merged[key] = value;
  }
  return merged as JsonObject;
}
