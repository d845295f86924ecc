/**
 * The executor: the only code that writes to a connector. It carries out one planner decision —
 * with retries for transient errors, re-matching before a create is retried (a create whose answer
 * was lost must not make a duplicate), adopting the account an `already_exists` points at — and
 * returns what happened, for the log and the link. Reads used for planning (find, list) go through
 * `TargetCalls` too, so every call shares the app's scheduler and retry policy.
 */
import type { JsonValue } from '../../shared/json.js';
import type { Connector, TargetAttributes, TargetObject, TargetRef } from '../../connectors/spi/connector.js';
import { ConnectorError, classifyError } from '../../connectors/spi/connector-error.js';
import { capabilitiesFor } from '../../connectors/spi/capabilities.js';
import type { StateObjectType } from '../state/engine-state.js';
import type { AppScheduler } from './app-scheduler.js';
import type { Clock } from './engine-clock.js';
import type { Decision, MatchAnswer } from './planner.js';
import type { RetryPolicy } from './retry-policy.js';
import { isTargetWide, retryDelay } from './retry-policy.js';

/** Counts of a cycle's connector calls, for the quarantine decision. */
export class CallStats {
  successes = 0;
  failures = 0;
  targetWideFailures = 0;
  consecutiveTargetWide = 0;
  invalidCredentials = false;
  lastTargetWide: ConnectorError | undefined;

  record(error: ConnectorError | undefined): void {
    if (error === undefined) {
      this.successes++;
      this.consecutiveTargetWide = 0;
      return;
    }
    this.failures++;
    if (isTargetWide(error)) {
      this.targetWideFailures++;
      this.consecutiveTargetWide++;
      this.lastTargetWide = error;
    } else this.consecutiveTargetWide = 0;
    if (error.code === 'invalid_credentials') this.invalidCredentials = true;
  }
}

/** A failed call after its retries. */
export class CallFailure extends Error {
  constructor(
    readonly error: ConnectorError,
    readonly attempts: number,
  ) {
    super(error.message);
  }
}

/** Connector calls with the app's scheduler, retry policy and statistics. */
export class TargetCalls {
  /** Per object type, whether it can be looked up: asked once per object, worked out once. */
  readonly #findable = new Map<StateObjectType, boolean>();

  constructor(
    readonly connector: Connector,
    private readonly scheduler: AppScheduler,
    private readonly clock: Clock,
    private readonly random: () => number,
    private readonly policy: RetryPolicy,
    readonly stats: CallStats,
    private readonly signal: AbortSignal,
  ) {}

  /** The same calls (scheduler, retries, signal) counted in other statistics. */
  withStats(stats: CallStats): TargetCalls {
    return new TargetCalls(
      this.connector,
      this.scheduler,
      this.clock,
      this.random,
      this.policy,
      stats,
      this.signal,
    );
  }

  /**
   * Runs one connector operation, retrying transient errors; rejects with CallFailure at the end.
   * The first attempt without a token to wait for is chained on the operation's promise rather
   * than awaited in an async frame: nearly every call succeeds at once, and every object of a
   * cycle makes one or two.
   */
  call<T>(
    operation: () => Promise<T>,
    beforeRetry?: () => Promise<T | undefined>,
  ): Promise<{ value: T; attempts: number }> {
    const throttled = this.scheduler.throttle();
    if (throttled !== undefined) return this.#attemptAfter(throttled, 1, operation, beforeRetry);
    let pending: Promise<T>;
    try {
      pending = Promise.resolve(operation());
    } catch (thrown) {
      return this.#retry(thrown, 1, operation, beforeRetry);
    }
    return pending.then(
      (value) => {
        this.stats.record(undefined);
        return { value, attempts: 1 };
      },
      (thrown: unknown) => this.#retry(thrown, 1, operation, beforeRetry),
    );
  }

  /** Attempt `attempt` once its token is there. */
  async #attemptAfter<T>(
    throttled: Promise<void>,
    attempt: number,
    operation: () => Promise<T>,
    beforeRetry: (() => Promise<T | undefined>) | undefined,
  ): Promise<{ value: T; attempts: number }> {
    await throttled;
    let value: T;
    try {
      value = await operation();
    } catch (thrown) {
      return this.#retry(thrown, attempt, operation, beforeRetry);
    }
    this.stats.record(undefined);
    return { value, attempts: attempt };
  }

  /** After attempt `attempt` failed with `thrown`: waits and tries again, or gives up. */
  async #retry<T>(
    thrown: unknown,
    attempt: number,
    operation: () => Promise<T>,
    beforeRetry: (() => Promise<T | undefined>) | undefined,
  ): Promise<{ value: T; attempts: number }> {
    const error = classifyError(thrown);
    const delay = this.signal.aborted ? undefined : retryDelay(this.policy, error, attempt, this.random);
    if (delay === undefined) {
      this.stats.record(error);
      throw new CallFailure(error, attempt);
    }
    await this.clock.sleep(delay, this.signal).catch(() => undefined);
    if (beforeRetry) {
      const found = await beforeRetry();
      if (found !== undefined) {
        this.stats.record(undefined);
        return { value: found, attempts: attempt + 1 };
      }
    }
    const throttled = this.scheduler.throttle() ?? Promise.resolve();
    return this.#attemptAfter(throttled, attempt + 1, operation, beforeRetry);
  }

  /** Matching: tries each matching attribute in precedence order until one finds accounts. */
  async match(
    objectType: StateObjectType,
    requests: readonly { attribute: string; value: JsonValue }[],
  ): Promise<MatchAnswer> {
    const find = this.canFind(objectType) ? this.connector.find : undefined;
    if (find === undefined) return { found: [] };
    for (const request of requests) {
      const { value: found } = await this.call(() =>
        find({ objectType, attribute: request.attribute, value: request.value }, this.signal),
      );
      if (found.length > 0) return { attribute: request.attribute, value: request.value, found };
    }
    const first = requests[0];
    return first ? { attribute: first.attribute, value: first.value, found: [] } : { found: [] };
  }

  /** Whether objects of this type can be looked up (the connector's find, and its flag for the type). */
  canFind(objectType: StateObjectType): boolean {
    let findable = this.#findable.get(objectType);
    if (findable === undefined) {
      findable =
        this.connector.find !== undefined &&
        capabilitiesFor(this.connector.capabilities, objectType).find !== false;
      this.#findable.set(objectType, findable);
    }
    return findable;
  }


  get abortSignal(): AbortSignal {
    return this.signal;
  }
}

/** What the executor did. */
export type ExecutionOutcome =
  | {
      readonly ok: true;
      readonly attempts: number;
      /** The account's ref after the operation (created, adopted, updated); absent after delete. */
      readonly targetId?: string;
      readonly targetName?: string;
      /** The target's attributes the link's export builds on (for adopted accounts). */
      readonly base?: TargetAttributes;
      /** Native members now held (those whose add failed are not). */
      readonly members?: readonly string[];
      /** Set when a create found the account already there (lost answer, already_exists). */
      readonly adopted?: TargetObject;
      /** Adding the new account's members failed: the link is kept, the object escrowed. */
      readonly memberError?: ConnectorError;
    }
  | {
      readonly ok: false;
      readonly attempts: number;
      readonly error: ConnectorError;
      readonly targetId?: string;
      /** The account's new name when an update renamed it before it failed: the link keeps it. */
      readonly targetName?: string;
    }
  /** The linked account is gone from the target: forget the link and plan the object again. */
  | { readonly ok: 'gone'; readonly attempts: number };

type CreateOutcome = Extract<ExecutionOutcome, { ok: true }>;

/**
 * Carries out a create, update, disable or delete decision. One function per kind, each awaiting
 * only its own steps: a single async frame holding every kind's locals was one of the largest
 * allocations per object of a cycle.
 */
export function executeDecision(
  calls: TargetCalls,
  objectType: StateObjectType,
  decision: Decision,
  matching: readonly { attribute: string; value: JsonValue }[],
): Promise<ExecutionOutcome> {
  switch (decision.kind) {
    case 'create':
      return executeCreate(calls, objectType, decision, matching);
    case 'update':
      return executeUpdate(calls, objectType, decision);
    case 'disable':
      return executeDisable(calls, objectType, decision);
    case 'delete':
      return executeDelete(calls, objectType, decision);
    case 'match':
    case 'skip':
      return Promise.resolve({ ok: true, attempts: 0 });
  }
}

type CreateDecision = Extract<Decision, { kind: 'create' }>;
type UpdateDecision = Extract<Decision, { kind: 'update' }>;
type DeprovisionDecision = Extract<Decision, { kind: 'disable' | 'delete' }>;

async function executeCreate(
  calls: TargetCalls,
  objectType: StateObjectType,
  decision: CreateDecision,
  matching: readonly { attribute: string; value: JsonValue }[],
): Promise<ExecutionOutcome> {
  const c = calls.connector;
  const signal = calls.abortSignal;
  try {
    let created: TargetObject;
    let attempts: number;
    let adopted: TargetObject | undefined;
    try {
      // Before a retry: look again, the account may be there.
      const result = await calls.call(
        () => c.create({ objectType, attributes: decision.attributes }, signal),
        () => rematch(calls, objectType, matching),
      );
      created = result.value;
      attempts = result.attempts;
      if (attempts > 1 && calls.canFind(objectType)) adopted = created;
    } catch (failure) {
      if (!(failure instanceof CallFailure) || failure.error.code !== 'already_exists') throw failure;
      // The target says it has the account: look again, it may be one to adopt.
      const found = await rematch(calls, objectType, matching);
      if (found === undefined) throw failure;
      created = found;
      attempts = failure.attempts;
      adopted = found;
    }
    // A user (or a group without members) has none to add: no call, and nothing to await.
    const members =
      decision.members.length === 0 || c.addMembers === undefined
        ? { added: [] as string[], error: undefined }
        : await addMembersSafely(calls, created.id, decision.members);
    // Set field by field: every create of a cycle returns one of these.
    const outcome: { -readonly [K in keyof CreateOutcome]: CreateOutcome[K] } = {
      ok: true,
      attempts,
      targetId: created.id,
    };
    if (created.name !== undefined) outcome.targetName = created.name;
    if (adopted) {
      outcome.adopted = adopted;
      outcome.base = adopted.attributes;
    }
    outcome.members = members.added;
    if (members.error) outcome.memberError = members.error;
    return outcome;
  } catch (failure) {
    return failedOutcome(decision, failure, undefined);
  }
}

async function executeUpdate(
  calls: TargetCalls,
  objectType: StateObjectType,
  decision: UpdateDecision,
): Promise<ExecutionOutcome> {
  const c = calls.connector;
  const signal = calls.abortSignal;
  // The ref an update gave the account, kept should a later step of the same update fail.
  let renamed: TargetRef | undefined;
  try {
    let ref = linkedRef(decision);
    let attempts = 1;
    if (decision.enable && c.setEnabled) {
      attempts = Math.max(
        attempts,
        (await calls.call(() => c.setEnabled!({ objectType, ref, enabled: true }, signal))).attempts,
      );
    }
    if (decision.changes.length > 0 && c.update) {
      const changes = decision.changes.map((change) => ({ ...change }));
      const updated = await calls.call(() => c.update!({ objectType, ref, changes }, signal));
      attempts = Math.max(attempts, updated.attempts);
      // Renamed by the update (a new DN): the link and every later call use the new ref.
      if (updated.value) ref = renamed = updated.value;
    }
    if (decision.removeMembers.length > 0 && c.removeMembers) {
      const members = decision.removeMembers.map((id) => ({ id }));
      await calls.call(() => c.removeMembers!({ group: ref, members }, signal));
    }
    const base = (decision.base[MEMBERS] as string[] | undefined) ?? [];
    const kept = base.filter((id) => !decision.removeMembers.includes(id));
    const added = await addMembersSafely(calls, ref.id, decision.addMembers);
    if (added.error) {
      return {
        ok: false,
        attempts,
        error: added.error,
        targetId: ref.id,
        ...(ref.name !== undefined ? { targetName: ref.name } : {}),
      };
    }
    return {
      ok: true,
      attempts,
      targetId: ref.id,
      ...(ref.name !== undefined ? { targetName: ref.name } : {}),
      base: decision.base,
      members: [...new Set([...kept, ...added.added])].sort(),
    };
  } catch (failure) {
    return failedOutcome(decision, failure, renamed);
  }
}

async function executeDisable(
  calls: TargetCalls,
  objectType: StateObjectType,
  decision: DeprovisionDecision,
): Promise<ExecutionOutcome> {
  const c = calls.connector;
  try {
    const ref = linkedRef(decision);
    const { attempts } = await calls.call(() =>
      c.setEnabled!({ objectType, ref, enabled: false }, calls.abortSignal),
    );
    return { ok: true, attempts, targetId: decision.targetId };
  } catch (failure) {
    return failedOutcome(decision, failure, undefined);
  }
}

async function executeDelete(
  calls: TargetCalls,
  objectType: StateObjectType,
  decision: DeprovisionDecision,
): Promise<ExecutionOutcome> {
  const c = calls.connector;
  try {
    const ref = linkedRef(decision);
    try {
      const { attempts } = await calls.call(() => c.delete!({ objectType, ref }, calls.abortSignal));
      return { ok: true, attempts };
    } catch (failure) {
      // Already gone is what a delete wants.
      if (failure instanceof CallFailure && failure.error.code === 'not_found')
        return { ok: true, attempts: failure.attempts };
      throw failure;
    }
  } catch (failure) {
    return failedOutcome(decision, failure, undefined);
  }
}

/** What a decision that failed (after its retries) comes to; `renamed`: the ref an update gave. */
/** The target account a decision on a linked object acts on. */
function linkedRef(decision: { readonly targetId: string; readonly targetName?: string }): TargetRef {
  return decision.targetName !== undefined
    ? { id: decision.targetId, name: decision.targetName }
    : { id: decision.targetId };
}

function failedOutcome(
  decision: CreateDecision | UpdateDecision | DeprovisionDecision,
  failure: unknown,
  renamed: TargetRef | undefined,
): ExecutionOutcome {
  if (failure instanceof CallFailure) {
    if (failure.error.code === 'not_found' && (decision.kind === 'update' || decision.kind === 'disable')) {
      return { ok: 'gone', attempts: failure.attempts };
    }
    const name = decision.kind === 'update' ? (failure.error.ref ?? renamed)?.name : undefined;
    return {
      ok: false,
      attempts: failure.attempts,
      error: failure.error,
      ...('targetId' in decision ? { targetId: decision.targetId } : {}),
      ...(name !== undefined ? { targetName: name } : {}),
    };
  }
  const error = failure instanceof ConnectorError ? failure : classifyError(failure);
  return { ok: false, attempts: 1, error };
}

const MEMBERS = 'members';

/** The one account matching finds now (before a create is retried, after already_exists), if any. */
async function rematch(
  calls: TargetCalls,
  objectType: StateObjectType,
  matching: readonly { attribute: string; value: JsonValue }[],
): Promise<TargetObject | undefined> {
  if (!calls.canFind(objectType) || matching.length === 0) return undefined;
  const answer = await calls.match(objectType, matching);
  return answer.found.length === 1 ? answer.found[0] : undefined;
}

async function addMembersSafely(
  calls: TargetCalls,
  groupId: string,
  members: readonly string[],
): Promise<{ added: string[]; error?: ConnectorError }> {
  const add = calls.connector.addMembers;
  if (members.length === 0 || add === undefined) return { added: [] };
  try {
    // Large groups go in slices, so one request stays a reasonable size.
    const added: string[] = [];
    for (let i = 0; i < members.length; i += 500) {
      const slice = members.slice(i, i + 500);
      await calls.call(() =>
        add({ group: { id: groupId }, members: slice.map((id) => ({ id })) }, calls.abortSignal),
      );
      added.push(...slice);
    }
    return { added };
  } catch (failure) {
    if (failure instanceof CallFailure) return { added: [], error: failure.error };
    throw failure;
  }
}
