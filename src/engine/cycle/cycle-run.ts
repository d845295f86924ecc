/**
 * One run of the engine over a set of objects: the state a cycle keeps while it works (links it has
 * seen, references waiting, counters, log buffer, deferred deprovisions) and the processing of one
 * batch of objects: evaluate and decide (planner), match, execute (executor), persist. Initial,
 * incremental, on-demand and preview runs all go through `processBatch`; they differ only in which
 * objects they feed it (`cycle-phases.ts`) and whether the executor runs.
 */
import type { JsonObject } from '../../shared/json.js';
import { isJsonObject } from '../../shared/json.js';
import type { DirectoryStore, StoredResource } from '../../directory/directory-store.js';
import type { ConnectorError } from '../../connectors/spi/connector-error.js';
import type { StoredApp } from '../apps/app-definition.js';
import type { CompiledApp } from '../apps/compile-app.js';
import type {
  CycleKind,
  EngineStateStore,
  Escrow,
  Link,
  LinkInput,
  PendingReference,
  PreparedLogEntry,
  ProvisioningLogEntry,
  StateObjectType,
} from '../state/engine-state.js';
import type { AppScheduler } from './app-scheduler.js';
import type { Clock } from './engine-clock.js';
import type { CycleSummary, EngineEvent, PlannedItem } from './engine-service.js';
import type { AssignmentIndex } from './entitlement.js';
import type { ExecutionOutcome, TargetCalls } from './executor.js';
import { CallFailure, executeDecision } from './executor.js';
import { groupsListing } from './groups-listing.js';
import type { ExecutionResult, MatchStep } from './log-steps.js';
import {
  actionStepJson,
  errorJson,
  logActionOf,
  matchStepJson,
  plannedChanges,
  resultStepJson,
  scrubRedacted,
} from './log-steps.js';
import type { Decision, Mutable, ObjectEvaluation, PlanScope } from './planner.js';
import { decideAction, evaluateObject, exportedAfter, MEMBERS_KEY, SkipReasons } from './planner.js';
import type { RetryPolicy } from './retry-policy.js';
import { escrowDelay } from './retry-policy.js';
import { ABORT_AFTER_CONSECUTIVE } from './safety-nets.js';
import type { ResolvedReference } from './target-attributes.js';
import { storedStepsJson } from '../state/log-steps-storage.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** One object fed to a batch: its resource (undefined when deleted) and the change that caused it. */
export interface WorkItem {
  readonly id: string;
  readonly resource: StoredResource | undefined;
  readonly changeSeq?: number;
}

/** A disable or delete waiting for the accidental-deletion guard. */
export interface DeferredDeprovision {
  readonly objectType: StateObjectType;
  readonly evaluation: ObjectEvaluation;
  readonly decision: Decision & { kind: 'disable' | 'delete' };
  readonly link: Link;
  readonly changeSeq?: number;
  readonly started: number;
}

/** What a run needs from the engine. */
export interface RunDeps {
  readonly directory: DirectoryStore;
  readonly state: EngineStateStore;
  readonly clock: Clock;
  readonly retry: RetryPolicy;
  readonly emit: (event: EngineEvent) => void;
}

export interface RunOptions {
  readonly cycleId: string;
  readonly kind: CycleKind;
  /** Plan only: no connector writes, no state writes (preview, provision --dry-run). */
  readonly dryRun: boolean;
  /** Whether entries for never-provisioned, out-of-scope objects are logged (not in initial cycles). */
  readonly logUnentitled: boolean;
  /** Keep PlannedItems (preview, provision). */
  readonly keepItems: boolean;
  /** Keep the log entries too (provision, which returns them); a preview returns only items. */
  readonly keepEntries?: boolean;
  readonly onProgress?: (done: number, total: number | undefined) => void;
  /**
   * The run's own controller, one of the signals its connector calls and retry waits get: aborted
   * when the run stops itself (the target looks down), so calls waiting out a backoff stop too.
   */
  readonly stop?: AbortController;
}

const LOG_BATCH = 500;
/**
 * Links kept between batches; past it the cache starts again empty (they reload by batch). Each
 * cached link holds its exported attributes (about 1 KB): 5,000 keep a full pass's memory about
 * 15 MB lower than 20,000 did, and every batch loads the links it needs in one query anyway.
 */
const LINK_CACHE_LIMIT = 5_000;

/** The state of one run. */
export class CycleRun {
  readonly summary = { create: 0, update: 0, disable: 0, delete: 0, skip: 0, success: 0, failure: 0 };
  readonly items: PlannedItem[] = [];
  readonly failures: ProvisioningLogEntry[] = [];
  readonly deferred: DeferredDeprovision[] = [];
  /** Objects whose processing could not finish (held, aborted): the watermark must not pass them. */
  blocked = false;
  #aborted = false;
  readonly entries: ProvisioningLogEntry[] = [];
  readonly #logBuffer: (ProvisioningLogEntry | PreparedLogEntry)[] = [];
  /**
   * Links seen or written in this run (null: known to have none), by type and source id. This and
   * the run's other per-object maps are keyed by the id the resource came with, per type, rather
   * than by a `Type:id` string: a key string was built (and hashed) several times per object, and
   * the keys of every processed object stayed in memory to the end of a full pass.
   */
  readonly #links: Record<StateObjectType, Map<string, Link | null>> = { User: new Map(), Group: new Map() };
  /**
   * The active accounts known in this run, by type and source id: what references resolve to. Kept
   * beside the link cache, which is cleared between batches, so the members of a group batch
   * resolve without reading their links (and their exported attributes) back from the database.
   * Every change of a cached link goes through #cacheLink, which keeps the two in step.
   */
  readonly #resolved: Record<StateObjectType, Map<string, ResolvedReference>> = {
    User: new Map(),
    Group: new Map(),
  };
  /** Objects processed in this run, by type and source id. */
  readonly #processed: Record<StateObjectType, Set<string>> = { User: new Set(), Group: new Set() };
  /** Keys to look at again (pending references, memberships). */
  readonly followUps = new Set<string>();
  /** Object types whose every object is still to come in this run (initial cycles). */
  readonly comingLater = new Set<StateObjectType>();
  /** References waiting, recorded in this run: referenced key -> holder keys. */
  readonly #pendingHere = new Map<string, Set<string>>();
  /** Whether stored pending references may exist (anything linked before the run). */
  checkStoredPending = true;
  /**
   * Whether links may exist that this run did not write (the app had links when the run began).
   * When not, an object this run has not processed has no link, and nothing needs asking.
   */
  storedLinks = true;
  escrowed = new Set<string>();
  done = 0;
  total: number | undefined;

  constructor(
    readonly deps: RunDeps,
    readonly app: StoredApp,
    readonly compiled: CompiledApp,
    readonly scopes: Partial<Record<StateObjectType, PlanScope>>,
    readonly calls: TargetCalls,
    readonly scheduler: AppScheduler,
    readonly assignments: AssignmentIndex,
    readonly options: RunOptions,
  ) {}

  /** Set when the target looks down: stop feeding work (and the app is quarantined). */
  get aborted(): boolean {
    return this.#aborted;
  }

  set aborted(value: boolean) {
    this.#aborted = value;
    if (value) this.options.stop?.abort(new Error('the target looks down: the cycle stopped sending work'));
  }

  /** Whether no more work may start: the target looks down, or the caller stopped the run. */
  get halted(): boolean {
    return this.#aborted || this.calls.abortSignal.aborted;
  }

  get appId(): string {
    return this.app.id;
  }

  /** Forgets a link this run cached (it was deleted outside the run's own writes). */
  forgetLink(type: StateObjectType, id: string): void {
    this.#cacheLink(type, id, null);
  }

  /** Caches a link (null: known to have none) and what references to the object resolve to. */
  #cacheLink(type: StateObjectType, id: string, link: Link | null): void {
    this.#links[type].set(id, link);
    if (link !== null && link.state === 'active')
      this.#resolved[type].set(id, { targetId: link.targetId, targetName: link.targetName });
    else this.#resolved[type].delete(id);
  }

  linkKnown(type: StateObjectType, id: string): Link | null | undefined {
    return this.#links[type].get(id);
  }

  /**
   * Loads the links of `ids` not yet known in this run. For `references` (objects referred to,
   * not planned) an account already known active is enough: only the lookup needs them.
   */
  async loadLinks(type: StateObjectType, ids: readonly string[], references = false): Promise<void> {
    const missing: string[] = [];
    const resolved = this.#resolved[type];
    const links = this.#links[type];
    for (const id of new Set(ids)) {
      if (references && resolved.has(id)) continue;
      if (links.has(id)) continue;
      // Every link of an app without links at the start was written by this run, for an object
      // it processed: the others have none.
      if (!this.storedLinks && !this.#processed[type].has(id)) this.#cacheLink(type, id, null);
      else missing.push(id);
    }
    if (missing.length === 0) return;
    const found = await this.deps.state.getLinks(this.appId, type, missing);
    for (const id of missing) this.#cacheLink(type, id, found.get(id) ?? null);
  }

  #lookup = (ref: { resourceType: 'User' | 'Group'; id: string }): ResolvedReference | undefined =>
    this.#resolved[ref.resourceType].get(ref.id);

  /** The active account a reference resolves to in this run (after prefetchReferences), if any. */
  resolveReference(ref: { resourceType: 'User' | 'Group'; id: string }): ResolvedReference | undefined {
    return this.#lookup(ref);
  }

  /** Plans and (unless dry) executes one batch of objects of one type. */
  async processBatch(type: StateObjectType, work: readonly WorkItem[]): Promise<void> {
    const scope = this.scopes[type];
    if (!scope || work.length === 0) return;
    await this.loadLinks(
      type,
      work.map((w) => w.id),
    );
    await this.prefetchReferences(type, work);
    const again: WorkItem[] = [];
    await this.scheduler.all(work, async (item) => {
      if (this.halted) {
        this.blocked = true;
        return;
      }
      const gone = await this.#processOne(scope, item);
      if (gone) again.push(item);
      const stats = this.calls.stats;
      // The target looks down: stop sending work (the cycle ends blocked, and quarantined).
      if (stats.successes === 0 && stats.consecutiveTargetWide >= ABORT_AFTER_CONSECUTIVE)
        this.aborted = true;
    });
    // Accounts that vanished from the target are planned once more, as new (match, then create).
    if (again.length > 0 && !this.halted) {
      await this.scheduler.all(again, async (item) => {
        if (this.halted) {
          this.blocked = true;
          return;
        }
        await this.#processOne(scope, item);
      });
    }
    await this.flush();
    // Everything cached is in the database now; a full pass must not keep every link in memory.
    if (this.#links.User.size + this.#links.Group.size > LINK_CACHE_LIMIT) {
      this.#links.User.clear();
      this.#links.Group.clear();
    }
  }

  /** Loads the links of the managers and members the batch refers to, so references resolve without a query each. */
  async prefetchReferences(type: StateObjectType, work: readonly WorkItem[]): Promise<void> {
    const users: string[] = [];
    const groups: string[] = [];
    for (const item of work) {
      const attributes = item.resource?.attributes;
      if (!attributes) continue;
      if (type === 'User') {
        const manager = attributes[ENTERPRISE];
        const value =
          isJsonObject(manager) && isJsonObject(manager.manager) ? manager.manager.value : undefined;
        if (typeof value === 'string') users.push(value);
      } else if (Array.isArray(attributes.members)) {
        for (const member of attributes.members) {
          if (!isJsonObject(member) || typeof member.value !== 'string') continue;
          (typeof member.type === 'string' && member.type.toLowerCase() === 'group' ? groups : users).push(
            member.value,
          );
        }
      }
    }
    await this.loadLinks('User', users, true);
    await this.loadLinks('Group', groups, true);
  }

  /** Returns true when the linked account was gone and the object should be planned again. */
  async #processOne(scope: PlanScope, item: WorkItem): Promise<boolean> {
    const type = scope.objectType;
    const started = performance.now();
    const link = this.#links[type].get(item.id) ?? undefined;
    const stored = item.resource;
    const resource = stored ? withId(stored) : undefined;
    const entitlement = resource
      ? type === 'User'
        ? this.assignments.user(resource, stored!.id)
        : this.assignments.group(item.id)
      : { assigned: false, via: 'deleted', roles: [] };
    // The objects handed on per object carry absent fields as undefined (every reader checks
    // `!== undefined`) rather than spreading conditional objects, which cost more than the rest.
    const evaluated = evaluateObject(scope, {
      sourceId: item.id,
      resource,
      entitlement,
      lookup: this.#lookup,
      forCreate: link === undefined,
    });
    // Awaited only for an async mapping: a synchronous one hands the evaluation back as it is.
    const evaluation = evaluated instanceof Promise ? await evaluated : evaluated;
    let decision = decideAction(scope, evaluation, link);
    let match: MatchStep | undefined = link ? { via: 'link', targetId: link.targetId } : undefined;
    if (decision.kind === 'match') {
      try {
        const answer = await this.calls.match(type, decision.requests);
        const holder =
          answer.found.length === 1 ? await this.#claimedBy(type, item.id, answer.found[0]!.id) : undefined;
        decision =
          holder === undefined
            ? decideAction(scope, evaluation, undefined, answer)
            : {
                kind: 'skip',
                reason: SkipReasons.AccountLinkedElsewhere,
                failure: true,
                message: `account ${answer.found[0]!.id} is linked to ${type} ${holder}`,
              };
        match = {
          via: 'attribute',
          attribute: answer.attribute ?? '',
          value: answer.value ?? null,
          redacted: matchingRedacted(evaluation, answer.attribute),
          found: answer.found.length,
          targetId: decision.kind === 'update' ? decision.targetId : undefined,
        };
      } catch (failure) {
        const error = failure instanceof CallFailure ? scrubRedacted(failure.error, evaluation) : undefined;
        if (error) await this.#escrow(type, item.id, error);
        await this.#record(
          scope,
          item,
          evaluation,
          { kind: 'skip', reason: SkipReasons.MatchFailed, failure: true },
          match,
          {
            status: 'failure',
            attempts: failure instanceof CallFailure ? failure.attempts : 1,
            ...(error ? { error } : {}),
            reason: SkipReasons.MatchFailed,
            ...this.#retryAt(type, item.id),
          },
          started,
        );
        return false;
      }
    }
    if (decision.kind === 'disable' || decision.kind === 'delete') {
      // Deprovisions wait for the accidental-deletion guard at the end of the run.
      this.deferred.push({
        objectType: type,
        evaluation,
        decision,
        link: link!,
        ...(item.changeSeq !== undefined ? { changeSeq: item.changeSeq } : {}),
        started,
      });
      this.#markProcessed(type, item.id);
      return false;
    }
    if (this.options.dryRun || decision.kind === 'skip') {
      if (decision.kind === 'skip' && decision.refreshHash && link && !this.options.dryRun) {
        this.#writeLink({
          ...link,
          exportedHash: evaluation.hash,
          exported: exportedAfter(evaluation, link.exported),
        });
      }
      const status = decision.kind === 'skip' ? (decision.failure ? 'failure' : 'skipped') : 'success';
      const flushed = this.#record(
        scope,
        item,
        evaluation,
        decision,
        match,
        {
          status,
          attempts: 0,
          reason: decision.kind === 'skip' ? decision.reason : undefined,
          message: decision.kind === 'skip' && decision.message ? decision.message : undefined,
        },
        started,
      );
      if (flushed) await flushed;
      if (decision.kind === 'skip' && !decision.failure && !this.options.dryRun) {
        const cleared = this.#clearEscrow(type, item.id);
        if (cleared) await cleared;
      }
      return false;
    }
    const outcome = await executeDecision(this.calls, type, decision, matchingWithValues(evaluation));
    if (outcome.ok === 'gone') {
      this.#cacheLink(type, item.id, null);
      await this.#deleteLink(type, item.id);
      return true;
    }
    await this.#afterExecution(scope, item, evaluation, decision, link, match, outcome, started);
    return false;
  }

  async #afterExecution(
    scope: PlanScope,
    item: WorkItem,
    evaluation: ObjectEvaluation,
    decision: Decision,
    link: Link | undefined,
    match: MatchStep | undefined,
    outcome: Exclude<ExecutionOutcome, { ok: 'gone' }>,
    started: number,
  ): Promise<void> {
    const type = scope.objectType;
    if (outcome.ok === true && outcome.targetId !== undefined) {
      const base = outcome.base ?? link?.exported;
      const exported = exportedAfter(evaluation, base as JsonObject | undefined);
      if (evaluation.members !== undefined) exported[MEMBERS_KEY] = [...(outcome.members ?? [])];
      const membersComplete =
        evaluation.members === undefined || sameIds(outcome.members ?? [], evaluation.members);
      const wasActive = link?.state === 'active';
      this.#writeLink({
        appId: this.appId,
        objectType: type,
        sourceId: item.id,
        targetId: outcome.targetId,
        targetName: outcome.targetName ?? link?.targetName,
        exportedHash: membersComplete && outcome.memberError === undefined ? evaluation.hash : '',
        exported,
        state: 'active',
      });
      await this.#followRenamed(link, outcome.targetName, item.id);
      // Both wait only for the state store, and only when references are stored or pending.
      if (this.checkStoredPending || evaluation.unresolved.length > 0 || this.#pendingHolders.size > 0)
        await this.#setPending(type, item.id, evaluation);
      if (!wasActive) {
        if (this.checkStoredPending) await this.#activated(type, item.id, item.resource);
        else this.#activatedHere(type, item.id, item.resource);
      }
      if (outcome.adopted && decision.kind === 'create') {
        match = {
          via: 'attribute',
          attribute: evaluation.matching[0]?.attribute ?? '',
          value: null,
          redacted: true,
          found: 1,
          targetId: outcome.targetId,
        };
      }
    }
    if (outcome.ok === true) {
      const memberError = outcome.memberError;
      if (memberError) {
        await this.#failed(scope, item, evaluation, decision, match, outcome.attempts, memberError, started);
        return;
      }
      const cleared = this.#clearEscrow(type, item.id);
      if (cleared) await cleared;
      const flushed = this.#record(
        scope,
        item,
        evaluation,
        decision,
        match,
        {
          status: 'success',
          attempts: outcome.attempts,
          targetId: outcome.targetId,
        },
        started,
      );
      if (flushed) await flushed;
      return;
    }
    // Renamed before the failure: later calls and member references name the account as it is now.
    if (link && outcome.targetName !== undefined && outcome.targetName !== link.targetName) {
      this.#writeLink({ ...link, targetName: outcome.targetName });
      await this.#followRenamed(link, outcome.targetName, item.id);
    }
    await this.#failed(scope, item, evaluation, decision, match, outcome.attempts, outcome.error, started);
  }

  #retryAt(type: StateObjectType, id: string): { nextRetry?: Date } {
    const at = this.#escrowNext.get(key(type, id));
    return at ? { nextRetry: at } : {};
  }

  readonly #escrowNext = new Map<string, Date>();

  /**
   * Which other directory object holds the link to a matched account, if one still exists. A link
   * whose source object is gone from the directory is released, so the account passes to the
   * object that matches it now (a user deleted and created again under the same name).
   */
  async #claimedBy(type: StateObjectType, id: string, targetId: string): Promise<string | undefined> {
    const link = await this.deps.state.findLinkByTarget(this.appId, type, targetId);
    if (!link || link.sourceId === id) return undefined;
    const cached = this.#links[type].get(link.sourceId);
    if (cached === null) return undefined;
    if (await this.deps.directory.get(type, link.sourceId, { includeGroups: false, includeMembers: false }))
      return link.sourceId;
    if (!this.options.dryRun) {
      await this.#deleteLink(type, link.sourceId);
      await this.deps.state.deletePendingReferences(this.appId, type, link.sourceId);
    }
    this.#cacheLink(type, link.sourceId, null);
    return undefined;
  }

  /** Carries out the deferred deprovisions (the guard let them through). */
  async executeDeferred(): Promise<void> {
    const list = this.deferred.splice(0);
    await this.scheduler.all(list, async (entry) => {
      if (this.halted) {
        this.blocked = true;
        return;
      }
      const scope = this.scopes[entry.objectType]!;
      const item: WorkItem = {
        id: entry.evaluation.sourceId,
        resource: undefined,
        ...(entry.changeSeq !== undefined ? { changeSeq: entry.changeSeq } : {}),
      };
      const match: MatchStep = { via: 'link', targetId: entry.link.targetId };
      if (this.options.dryRun) {
        await this.#record(
          scope,
          item,
          entry.evaluation,
          entry.decision,
          match,
          { status: 'success', attempts: 0 },
          entry.started,
        );
        return;
      }
      // The link may have passed to another object since (see #claimedBy): its account stays.
      const current = this.#links[entry.objectType].get(item.id);
      if (current === null || (current !== undefined && current.targetId !== entry.link.targetId)) {
        await this.#record(
          scope,
          item,
          entry.evaluation,
          { kind: 'skip', reason: SkipReasons.AlreadyDeprovisioned, failure: false },
          match,
          {
            status: 'skipped',
            attempts: 0,
            reason: 'LinkReleased',
          },
          entry.started,
        );
        return;
      }
      const outcome = await executeDecision(this.calls, entry.objectType, entry.decision, []);
      if (outcome.ok === true || outcome.ok === 'gone') {
        if (entry.decision.kind === 'delete' || outcome.ok === 'gone') {
          this.#cacheLink(entry.objectType, item.id, null);
          await this.#deleteLink(entry.objectType, item.id);
          await this.deps.state.deletePendingReferences(this.appId, entry.objectType, item.id);
        } else {
          this.#writeLink({ ...entry.link, state: 'disabled' });
        }
        await this.#clearEscrow(entry.objectType, item.id);
        await this.#deactivated(entry.objectType, item.id);
        await this.#record(
          scope,
          item,
          entry.evaluation,
          entry.decision,
          match,
          { status: 'success', attempts: outcome.attempts },
          entry.started,
        );
        return;
      }
      await this.#failed(
        scope,
        item,
        entry.evaluation,
        entry.decision,
        match,
        outcome.attempts,
        outcome.error,
        entry.started,
      );
    });
    await this.flush();
  }

  /** Logs the deferred deprovisions as held by the guard, without doing them. */
  async holdDeferred(): Promise<void> {
    const list = this.deferred.splice(0);
    for (const entry of list) {
      const scope = this.scopes[entry.objectType]!;
      const item: WorkItem = {
        id: entry.evaluation.sourceId,
        resource: undefined,
        ...(entry.changeSeq !== undefined ? { changeSeq: entry.changeSeq } : {}),
      };
      await this.#record(
        scope,
        item,
        entry.evaluation,
        entry.decision,
        { via: 'link', targetId: entry.link.targetId },
        {
          status: 'skipped',
          attempts: 0,
          reason: 'DeletionsHeld',
        },
        entry.started,
        false,
      );
    }
    await this.flush();
  }

  /**
   * Records a link: at once in this run's cache (references resolve to it), in the database with
   * the batch's other links when the batch is flushed. A crash before the flush loses only the
   * link, and the next cycle finds the account again by matching.
   */
  #writeLink(link: LinkInput): void {
    if (this.options.dryRun) return;
    const now = this.deps.clock.now();
    const previous = this.#links[link.objectType].get(link.sourceId);
    // Field by field, not `{ ...link, created, updated }`: one of these per object written, and
    // the spread was the most expensive line of the cycle's bookkeeping.
    const cached: Mutable<Link> = {
      appId: link.appId,
      objectType: link.objectType,
      sourceId: link.sourceId,
      targetId: link.targetId,
      targetName: link.targetName,
      exportedHash: link.exportedHash,
      exported: link.exported,
      state: link.state,
      created: previous?.created ?? now,
      updated: now,
    };
    this.#cacheLink(link.objectType, link.sourceId, cached);
    this.#linkBuffer[link.objectType].set(link.sourceId, link);
  }

  async #deleteLink(type: StateObjectType, id: string): Promise<void> {
    this.#linkBuffer[type].delete(id);
    this.#cacheLink(type, id, null);
    if (!this.options.dryRun) await this.deps.state.deleteLink(this.appId, type, id);
  }

  /** Links written since the last flush, by type and source id. */
  readonly #linkBuffer: Record<StateObjectType, Map<string, LinkInput>> = {
    User: new Map(),
    Group: new Map(),
  };
  readonly #pendingHolders = new Set<string>();

  async #setPending(type: StateObjectType, id: string, evaluation: ObjectEvaluation): Promise<void> {
    if (this.options.dryRun) return;
    // Only objects that may have references stored from before need their old ones cleared.
    if (this.checkStoredPending || this.#pendingHolders.has(key(type, id))) {
      await this.deps.state.deletePendingReferences(this.appId, type, id);
    }
    if (evaluation.unresolved.length > 0) this.#pendingHolders.add(key(type, id));
    for (const ref of evaluation.unresolved) {
      const pending: PendingReference = { appId: this.appId, objectType: type, sourceId: id, ...ref };
      await this.deps.state.putPendingReference(pending);
      const referenced = key(ref.referencedType, ref.referencedId);
      let holders = this.#pendingHere.get(referenced);
      if (!holders) this.#pendingHere.set(referenced, (holders = new Set()));
      holders.add(key(type, id));
      // Planned concurrently: the referenced object may have got its account since this one was
      // evaluated, and its activation did not see this holder yet.
      if (this.#lookup({ resourceType: ref.referencedType, id: ref.referencedId }))
        this.#follow(key(type, id));
    }
  }

  /** An object got an active account: whoever waited for it is looked at again. */
  async #activated(type: StateObjectType, id: string, resource: StoredResource | undefined): Promise<void> {
    if (this.#pendingHere.size > 0)
      for (const holder of this.#pendingHere.get(key(type, id)) ?? []) this.#follow(holder);
    if (this.checkStoredPending) {
      for (const waiting of await this.deps.state.waitingOn(this.appId, type, id))
        this.#follow(key(waiting.objectType, waiting.sourceId));
    }
    if (type === 'User') this.#followGroupsOf(resource);
  }

  /** #activated without stored pending references to ask the state store about. */
  #activatedHere(type: StateObjectType, id: string, resource: StoredResource | undefined): void {
    if (this.#pendingHere.size > 0)
      for (const holder of this.#pendingHere.get(key(type, id)) ?? []) this.#follow(holder);
    if (type === 'User') this.#followGroupsOf(resource);
  }

  /** An object's account was disabled or deleted: groups holding it (a nested group too) drop it. */
  async #deactivated(type: StateObjectType, id: string): Promise<void> {
    if (!this.scopes.Group) return;
    if (type === 'Group') {
      for (const group of await groupsListing(this.deps.directory, id)) this.#follow(key('Group', group));
      return;
    }
    const resource = await this.deps.directory.get('User', id, { includeGroups: true });
    this.#followGroupsOf(resource);
  }

  /**
   * The account got a new name (an LDAP entry renamed or moved): groups that list members by name
   * hold the old one in what they last exported, so they are planned again. They resolve the
   * member to its new name and write it, and what they export from then on names the member as
   * it is now, so removing it later removes that name and not the old one.
   */
  async #followRenamed(link: Link | undefined, newName: string | undefined, id: string): Promise<void> {
    if (link?.targetName === undefined || newName === undefined || newName === link.targetName) return;
    const membership = this.scopes.Group?.capabilities.membership;
    if (membership?.kind !== 'attribute' || membership.reference !== 'name') return;
    for (const group of await groupsListing(this.deps.directory, id)) this.#follow(key('Group', group));
  }

  #markProcessed(type: StateObjectType, id: string): void {
    this.#processed[type].add(id);
  }

  #followGroupsOf(resource: StoredResource | undefined): void {
    if (!this.scopes.Group || !resource) return;
    // Groups still to come in this run, none of them planned yet (an initial cycle's users): each
    // would be passed over by #follow, and the pass plans them all anyway.
    if (this.comingLater.has('Group') && this.#processed.Group.size === 0) return;
    const groups = resource.attributes.groups;
    if (!Array.isArray(groups)) return;
    for (const group of groups) {
      if (!isJsonObject(group) || typeof group.value !== 'string') continue;
      if (typeof group.type === 'string' && group.type.toLowerCase() === 'indirect') continue;
      this.#follow(key('Group', group.value));
    }
  }

  #follow(k: string): void {
    const { type, id } = parseKey(k);
    if (this.comingLater.has(type) && !this.#processed[type].has(id)) return;
    this.followUps.add(k);
  }

  async #escrow(type: StateObjectType, id: string, error: ConnectorError): Promise<void> {
    if (this.options.dryRun) return;
    const now = this.deps.clock.now();
    const previous = this.escrowed.has(key(type, id))
      ? await this.deps.state.getEscrow(this.appId, type, id)
      : undefined;
    const attempts = (previous?.attempts ?? 0) + 1;
    const escrow: Escrow = {
      appId: this.appId,
      objectType: type,
      sourceId: id,
      attempts,
      firstFailure: previous?.firstFailure ?? now,
      nextAttempt: new Date(now.getTime() + escrowDelay(this.deps.retry, attempts, error)),
      lastError: errorJson(error),
    };
    await this.deps.state.putEscrow(escrow);
    this.#escrowNext.set(key(type, id), escrow.nextAttempt);
    if (!this.escrowed.has(key(type, id))) {
      this.escrowed.add(key(type, id));
      this.deps.emit({ type: 'escrowed', app: this.app.definition.name, escrow });
    }
  }

  /** Undefined when the object was not escrowed (nearly always): nothing to wait for. */
  #clearEscrow(type: StateObjectType, id: string): Promise<unknown> | undefined {
    if (this.options.dryRun || this.escrowed.size === 0 || !this.escrowed.has(key(type, id)))
      return undefined;
    this.escrowed.delete(key(type, id));
    return this.deps.state.deleteEscrow(this.appId, type, id);
  }

  /** A failed write: the object goes to escrow and the failure is logged with its next retry. */
  async #failed(
    scope: PlanScope,
    item: WorkItem,
    evaluation: ObjectEvaluation,
    decision: Decision,
    match: MatchStep | undefined,
    attempts: number,
    failure: ConnectorError,
    started: number,
  ): Promise<void> {
    const type = scope.objectType;
    const error = scrubRedacted(failure, evaluation);
    await this.#escrow(type, item.id, error);
    await this.#record(
      scope,
      item,
      evaluation,
      decision,
      match,
      { status: 'failure', attempts, error, ...this.#retryAt(type, item.id) },
      started,
    );
  }

  /**
   * Counts and logs one object. Returns the flush of the log buffer when it filled, else
   * undefined: the hot paths await only then, not once per object.
   */
  #record(
    scope: PlanScope,
    item: WorkItem,
    evaluation: ObjectEvaluation,
    decision: Decision,
    match: MatchStep | undefined,
    result: ExecutionResult,
    started: number,
    count = true,
  ): Promise<void> | undefined {
    const type = scope.objectType;
    this.#markProcessed(type, item.id);
    this.done++;
    this.options.onProgress?.(this.done, this.total);
    const action = logActionOf(decision);
    if (count) {
      const bucket = action === 'enable' ? 'update' : action === 'none' ? 'skip' : action;
      this.summary[bucket]++;
      if (result.status === 'success') this.summary.success++;
      if (result.status === 'failure') this.summary.failure++;
    }
    const unentitled =
      decision.kind === 'skip' &&
      (decision.reason === SkipReasons.NotEffectivelyEntitled ||
        decision.reason === SkipReasons.OutOfScope ||
        decision.reason === SkipReasons.EntryDeleted);
    const changes = plannedChanges(evaluation, decision);
    const steps = [
      evaluation.importStep,
      evaluation.scopeStep,
      matchStepJson(match),
      actionStepJson(decision, changes),
      resultStepJson(result),
    ];
    const targetId =
      result.targetId ??
      ('targetId' in decision
        ? decision.targetId
        : match && 'targetId' in match
          ? match.targetId
          : undefined);
    // Built field by field in the order they are shown, without spreading conditional objects:
    // this runs for every object of every cycle.
    if (this.options.keepItems) {
      const planned: Mutable<PlannedItem> = { objectType: type, sourceId: item.id } as Mutable<PlannedItem>;
      if (evaluation.sourceName !== undefined) planned.sourceName = evaluation.sourceName;
      planned.action = action;
      if (targetId !== undefined) planned.targetId = targetId;
      planned.changes = changes;
      if (result.reason !== undefined) planned.reason = result.reason;
      planned.steps = steps;
      this.items.push(planned);
    }
    if (unentitled && !this.options.logUnentitled) return undefined;
    // Kept as it is: failures (the cycle's report) and the entries provision on demand returns.
    // Every other entry goes to the database only, with its steps as JSON text at once (see
    // PreparedLogEntry); a dry run that keeps none needs no entry at all.
    const kept = result.status === 'failure' || this.options.keepEntries === true;
    if (this.options.dryRun && !kept) return undefined;
    const entry = { appId: this.appId, cycleId: this.options.cycleId } as Mutable<ProvisioningLogEntry> &
      Mutable<PreparedLogEntry>;
    if (item.changeSeq !== undefined) entry.changeSeq = item.changeSeq;
    entry.at = this.deps.clock.now();
    entry.durationMs = Math.max(0, Math.round(performance.now() - started));
    entry.objectType = type;
    entry.sourceId = item.id;
    if (evaluation.sourceName !== undefined) entry.sourceName = evaluation.sourceName;
    if (targetId !== undefined) entry.targetId = targetId;
    entry.action = action;
    entry.status = result.status;
    const reason = result.reason ?? result.error?.code;
    if (reason !== undefined) entry.reason = reason;
    if (kept) entry.steps = steps;
    else entry.stepsJson = storedStepsJson(steps, item.id, evaluation.sourceName);
    if (result.error) entry.error = errorJson(result.error, result.nextRetry);
    if (result.status === 'failure') this.failures.push(entry);
    if (this.options.keepEntries) this.entries.push(entry);
    if (this.options.dryRun) return undefined;
    this.#logBuffer.push(entry);
    return this.#logBuffer.length >= LOG_BATCH ? this.flush() : undefined;
  }

  /**
   * Writes the buffered links and log entries, a few statements for the whole batch, in one
   * transaction: one commit (and one WAL flush on SQLite) per batch instead of one per table.
   */
  async flush(): Promise<void> {
    const links = [...this.#linkBuffer.User.values(), ...this.#linkBuffer.Group.values()];
    this.#linkBuffer.User.clear();
    this.#linkBuffer.Group.clear();
    const batch = this.#logBuffer.splice(0);
    if (links.length === 0 && batch.length === 0) return;
    if (links.length === 0) return this.deps.state.appendLog(batch);
    if (batch.length === 0) return this.deps.state.putLinks(links);
    await this.deps.state.transaction(async (state) => {
      await state.putLinks(links);
      await state.appendLog(batch);
    });
  }

  summaryJson(): CycleSummary {
    return { ...this.summary };
  }
}

/** `User:<id>`: the key of one object in a run. */
export function key(type: StateObjectType, id: string): string {
  return `${type}:${id}`;
}

export function parseKey(k: string): { type: StateObjectType; id: string } {
  const at = k.indexOf(':');
  return { type: k.slice(0, at) as StateObjectType, id: k.slice(at + 1) };
}

/**
 * The resource as mappings read it, with its id. The work item's resource is the run's own copy,
 * read from the directory for this run: its attributes get the id in place, at the end as a
 * spread put it, rather than copying every attribute of every object.
 */
function withId(resource: StoredResource): JsonObject {
  const attributes = resource.attributes as Mutable<JsonObject>;
  if (attributes.id !== resource.id) attributes.id = resource.id;
  return attributes;
}

/** Whether the matching attribute the target answered for came through Redact(). */
function matchingRedacted(evaluation: ObjectEvaluation, attribute: string | undefined): boolean {
  for (const m of evaluation.matching) if (m.attribute === attribute) return m.redacted;
  return false;
}

/** The matching attributes that have a value: the evaluation's own list when all have one. */
function matchingWithValues(evaluation: ObjectEvaluation): ObjectEvaluation['matching'] {
  const matching = evaluation.matching;
  for (const m of matching) if (m.value === null) return matching.filter((n) => n.value !== null);
  return matching;
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((id) => set.has(id));
}
