/**
 * The engine's own state, in the same database as the directory (SQLite or PostgreSQL, numbered
 * migrations), behind one interface with one contract suite for both dialects. Everything is keyed
 * by the app's id (`StoredApp.id`), so renaming nothing and deleting an app removes its state.
 *
 * Every method either completes or leaves no trace; `transaction` groups several so that, for
 * example, a link and the log entries of the operation that made it commit together.
 */
import type { JsonObject, JsonValue } from '../../shared/json.js';
import type { AppDefinition, StoredApp } from '../apps/app-definition.js';

export type StateObjectType = 'User' | 'Group';

// ---------------------------------------------------------------- apps and audit

/** What `putApp` stores: the definition and its credentials sealed by secret-box.ts. */
export interface PutAppInput {
  readonly definition: AppDefinition;
  /** The sealed credentials (ciphertext with nonce and key id); never the clear values. */
  readonly sealedCredentials: string | null;
  /** Set fullSyncRequired (mappings or scope changed, or a new app). */
  readonly fullSyncRequired: boolean;
}

export interface StoredAppWithSecrets extends StoredApp {
  readonly sealedCredentials: string | null;
}

/** One configuration change: apply, delete, assign, unassign, approve-deletes, restart, reset. */
export interface AuditEntry {
  readonly id: number;
  readonly at: Date;
  /** Who did it: the OS user for the CLI, the token name for the admin API. */
  readonly actor: string;
  readonly action: string;
  /** The app's name, when the change concerns one. */
  readonly app?: string;
  /** Before and after, secrets already replaced by `<secret>`. */
  readonly before?: JsonValue;
  readonly after?: JsonValue;
}

/**
 * Which audit entries a listing returns, newest first. `since` and `until` are inclusive;
 * `beforeId` continues a listing after its last entry (a keyset cursor: entries written meanwhile
 * do not shift the pages).
 */
export interface AuditQuery {
  readonly app?: string;
  readonly actor?: string;
  readonly since?: Date;
  readonly until?: Date;
  readonly beforeId?: number;
  readonly limit?: number;
}

// ---------------------------------------------------------------- links

/** The link between a directory object and its account in the target. */
export interface Link {
  readonly appId: string;
  readonly objectType: StateObjectType;
  /** The directory id of the source object. */
  readonly sourceId: string;
  /** The target's anchor (TargetRef.id). */
  readonly targetId: string;
  /** The target's hierarchical name (an LDAP DN), when it has one. */
  readonly targetName?: string;
  /** hashTargetObject of what was last exported; equal hash means nothing to send. */
  readonly exportedHash: string;
  /**
   * What was last exported, as flattened target attributes (path -> value), so an update can carry
   * old -> new without reading the target. Redacted values are kept (they are needed to diff) but
   * never logged. For groups, `members` holds the target ids exported as members.
   */
  readonly exported: JsonObject;
  /** `active`, or `disabled` when the engine disabled the account (deprovisioned softly). */
  readonly state: 'active' | 'disabled';
  readonly created: Date;
  readonly updated: Date;
}

export type LinkInput = Omit<Link, 'created' | 'updated'>;

/** A page of links in sourceId order. */
export interface LinkPage {
  /** The last sourceId of the previous page. */
  readonly after?: string;
  readonly limit: number;
  /**
   * Only the links whose source id, account name (account-name.ts), target id or target name
   * contains this text, letter case aside (SQL `lower()` of both: on SQLite, of A-Z only). The
   * keyset is unchanged: `after` continues within the links that match.
   */
  readonly search?: string;
}

// ---------------------------------------------------------------- escrows, quarantine, holds

/** An object whose export keeps failing: retried in later cycles without blocking others. */
export interface Escrow {
  readonly appId: string;
  readonly objectType: StateObjectType;
  readonly sourceId: string;
  readonly attempts: number;
  readonly firstFailure: Date;
  readonly nextAttempt: Date;
  /** The classified error: `{ code, message, retryable }`. */
  readonly lastError: JsonObject;
}

export interface Quarantine {
  readonly appId: string;
  readonly since: Date;
  /** 1, 2, 3...: the interval grows with it. */
  readonly level: number;
  readonly nextAttempt: Date;
  readonly reason: string;
}

/** Deletions held by the accidental-deletion guard until `apps approve-deletes`. */
export interface DeletionHold {
  readonly appId: string;
  readonly since: Date;
  readonly cycleId: string;
  /** How many disables + deletes the held cycle would have done, and the threshold it exceeded. */
  readonly count: number;
  readonly threshold: number;
  /** Set by approve-deletes: the next cycle may perform up to `count` (plus a margin) deprovisions. */
  readonly approved: boolean;
}

/** A reference (manager, group member) waiting for the referenced object to get a target id. */
export interface PendingReference {
  readonly appId: string;
  /** The object holding the reference. */
  readonly objectType: StateObjectType;
  readonly sourceId: string;
  /** The referenced directory object. */
  readonly referencedType: StateObjectType;
  readonly referencedId: string;
}

// ---------------------------------------------------------------- cycles, leases, logs

export type CycleKind = 'initial' | 'incremental' | 'onDemand' | 'reconcile';
export type CycleStatus =
  'running' | 'completed' | 'completedWithFailures' | 'held' | 'quarantined' | 'failed';

export interface CycleRecord {
  readonly id: string;
  readonly appId: string;
  readonly kind: CycleKind;
  readonly status: CycleStatus;
  readonly started: Date;
  readonly finished?: Date;
  /** Counts per action and result (`{ create, update, disable, delete, skip, success, failure }`). */
  readonly summary: JsonObject;
  /** The change-feed seq the cycle started from and reached. */
  readonly fromSeq?: number;
  readonly toSeq?: number;
  /** How far it got, as its runner last recorded (absent before the first record). */
  readonly progress?: CycleProgressCounts;
}

/** Objects a cycle has done, out of `total` when it knows how many it will see. */
export interface CycleProgressCounts {
  readonly done: number;
  readonly total?: number;
}

/** Where a listing of cycles continues: the last cycle of the previous page. */
export interface CycleKey {
  readonly started: Date;
  readonly id: string;
}

/**
 * The process that holds a lease: its host (the host name and, where the system tells it, the
 * process-id namespace, so two containers that share a name and a database are told apart) and
 * its pid. Recorded so that a holder on the same host whose process is gone can be replaced at
 * once instead of after the lease's timeout.
 */
export interface LeaseProcess {
  readonly host: string;
  readonly pid: number;
  /**
   * When the process started, as an opaque text compared for equality only (on Linux the boot id
   * and the start time in clock ticks since boot, /proc/<pid>/stat field 22). A pid reused by
   * another process since shows a different start; absent where the system does not tell it.
   */
  readonly started?: string;
}

/** How a worker asks for a lease beyond its holder name. */
export interface LeaseClaim {
  /** The process asking, recorded with the lease. */
  readonly process?: LeaseProcess;
  /** A holder the caller has proved dead: its lease is taken over even before it expires. */
  readonly replacing?: string;
}

/** The outcome of trying to take an app's lease. */
export type LeaseResult =
  | { readonly acquired: true; readonly expires: Date }
  | {
      readonly acquired: false;
      readonly holder: string;
      readonly expires: Date;
      /** Where the holder runs, when it recorded it. */
      readonly process?: LeaseProcess;
    };

export type LogAction = 'create' | 'update' | 'disable' | 'enable' | 'delete' | 'skip' | 'none';
export type LogStatus = 'success' | 'failure' | 'skipped' | 'warning';

/** One provisioning-log entry: one object's trip through one cycle, step by step. */
export interface ProvisioningLogEntry {
  readonly id?: number;
  readonly appId: string;
  readonly cycleId: string;
  /** The change-feed seq that caused it, for incremental cycles. */
  readonly changeSeq?: number;
  readonly at: Date;
  readonly durationMs: number;
  readonly objectType: StateObjectType;
  readonly sourceId: string;
  /** userName or displayName, for reading and for `logs --user`. */
  readonly sourceName?: string;
  readonly targetId?: string;
  readonly action: LogAction;
  readonly status: LogStatus;
  /** Entra's reason codes where they exist (`RedundantExport`, `DuplicateTargetEntries`, ...). */
  readonly reason?: string;
  /**
   * The steps: `[{ step: 'import' | 'scope' | 'match' | 'action' | 'result', ... }]`, each with what
   * it decided and why. Never holds secrets or Redact()ed values.
   */
  readonly steps: readonly JsonObject[];
  /** The classified error for failures: `{ code, message, retryable, retryAt? }`. */
  readonly error?: JsonObject;
}

/**
 * A log entry to append whose steps are already JSON text, as the log stores them:
 * `storedStepsJson(steps, sourceId, sourceName)` (log-steps-storage.ts), or plain
 * `JSON.stringify(steps)`, which reads back the same. A cycle serialises the steps of each object it records at once: the steps and
 * the evaluation they point into are then garbage straight away, instead of outliving a young
 * collection or two until the batch is written and being promoted to the old generation.
 */
export interface PreparedLogEntry extends Omit<ProvisioningLogEntry, 'id' | 'steps'> {
  readonly stepsJson: string;
}

export interface LogQuery {
  readonly appId: string;
  readonly status?: LogStatus;
  readonly action?: LogAction;
  /** Matches sourceId or sourceName. */
  readonly object?: string;
  readonly cycleId?: string;
  readonly since?: Date;
  /** Entries before this time (exclusive). */
  readonly until?: Date;
  /** Newest first; default 100. */
  readonly limit?: number;
  /** Entries with id < before (paging backwards). */
  readonly before?: number;
}

/** An app an operator paused: no worker runs a cycle of it until it is resumed. */
export interface AppPause {
  readonly appId: string;
  readonly since: Date;
  /** Who paused it (the audit log's actor text). */
  readonly actor: string;
}

// ---------------------------------------------------------------- the store

export interface EngineStateStore {
  /**
   * Runs `work` in one transaction; nested, under a savepoint (a failure undoes only the inner
   * work). `work` must use only the store it is given: on SQLite the root stores wait for the
   * connection the transaction holds. Keep it short and never wait for a target inside it.
   */
  transaction<T>(work: (state: EngineStateStore) => Promise<T>): Promise<T>;

  // apps
  putApp(input: PutAppInput): Promise<StoredAppWithSecrets>;
  getApp(name: string): Promise<StoredAppWithSecrets | undefined>;
  getAppById(id: string): Promise<StoredAppWithSecrets | undefined>;
  listApps(): Promise<readonly StoredAppWithSecrets[]>;
  /** Deletes the app and all its engine state (links, logs, ...); false when there was none. */
  deleteApp(name: string): Promise<boolean>;
  setFullSyncRequired(appId: string, required: boolean): Promise<void>;

  // audit
  appendAudit(entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry>;
  /** Newest first; `since` inclusive; default limit 100. Entries outlive their app. */
  listAudit(query: AuditQuery): Promise<readonly AuditEntry[]>;

  // links
  getLink(appId: string, objectType: StateObjectType, sourceId: string): Promise<Link | undefined>;
  getLinks(
    appId: string,
    objectType: StateObjectType,
    sourceIds: readonly string[],
  ): Promise<ReadonlyMap<string, Link>>;
  findLinkByTarget(appId: string, objectType: StateObjectType, targetId: string): Promise<Link | undefined>;
  putLink(link: LinkInput): Promise<Link>;
  /**
   * Writes many links at once (a cycle's batch): all or none, a few hundred rows per statement.
   * A link given twice for one source object keeps the last.
   */
  putLinks(links: readonly LinkInput[]): Promise<void>;
  deleteLink(appId: string, objectType: StateObjectType, sourceId: string): Promise<boolean>;
  /** Links in sourceId order, a page at a time (`after` is the last sourceId of the previous page). */
  listLinks(appId: string, objectType: StateObjectType, page: LinkPage): Promise<readonly Link[]>;
  countLinks(appId: string, objectType?: StateObjectType): Promise<number>;
  /** Deletes every link of the app; returns how many. */
  deleteLinks(appId: string): Promise<number>;
  /** Deletes the links of these source objects, all or none; returns how many existed. */
  deleteLinksBySource(
    appId: string,
    objectType: StateObjectType,
    sourceIds: readonly string[],
  ): Promise<number>;

  // watermark
  getWatermark(appId: string): Promise<number | undefined>;
  setWatermark(appId: string, seq: number): Promise<void>;
  clearWatermark(appId: string): Promise<void>;

  // escrows
  putEscrow(escrow: Escrow): Promise<void>;
  getEscrow(appId: string, objectType: StateObjectType, sourceId: string): Promise<Escrow | undefined>;
  deleteEscrow(appId: string, objectType: StateObjectType, sourceId: string): Promise<boolean>;
  /** Escrows whose nextAttempt <= now, oldest first. */
  dueEscrows(appId: string, now: Date, limit: number): Promise<readonly Escrow[]>;
  listEscrows(appId: string): Promise<readonly Escrow[]>;
  clearEscrows(appId: string): Promise<number>;

  // quarantine
  getQuarantine(appId: string): Promise<Quarantine | undefined>;
  setQuarantine(quarantine: Quarantine): Promise<void>;
  clearQuarantine(appId: string): Promise<boolean>;

  // accidental-deletion holds
  getDeletionHold(appId: string): Promise<DeletionHold | undefined>;
  setDeletionHold(hold: DeletionHold): Promise<void>;
  clearDeletionHold(appId: string): Promise<boolean>;

  // pauses (set and cleared by operators; the runner reads them)
  /** Pauses the app; pausing a paused app keeps the first pause. */
  setPause(pause: AppPause): Promise<AppPause>;
  getPause(appId: string): Promise<AppPause | undefined>;
  listPauses(): Promise<readonly AppPause[]>;
  /** False when the app was not paused. */
  clearPause(appId: string): Promise<boolean>;

  // pending references
  putPendingReference(reference: PendingReference): Promise<void>;
  /** The objects waiting for `referencedId` (to be re-exported now that it has a target id). */
  waitingOn(
    appId: string,
    referencedType: StateObjectType,
    referencedId: string,
  ): Promise<readonly PendingReference[]>;
  deletePendingReferences(appId: string, objectType: StateObjectType, sourceId: string): Promise<void>;
  clearPendingReferences(appId: string): Promise<number>;

  // cycles
  startCycle(record: Omit<CycleRecord, 'status' | 'finished'>): Promise<CycleRecord>;
  finishCycle(id: string, status: CycleStatus, summary: JsonObject, toSeq?: number): Promise<void>;
  /**
   * Records how far a running cycle got, for other processes' status; false (and no change) when
   * the cycle is unknown or no longer running, so a late write cannot touch a finished cycle.
   */
  recordCycleProgress(id: string, progress: CycleProgressCounts): Promise<boolean>;
  /** Newest first; `before` continues after that cycle (keyset paging). */
  listCycles(appId: string, limit: number, before?: CycleKey): Promise<readonly CycleRecord[]>;

  // leases (one worker per app)
  /**
   * Takes or renews the app's lease for `holder` until now + ttlMs; fails while another holds it,
   * unless that other is `claim.replacing`. `claim.process` is stored with the lease.
   */
  acquireLease(
    appId: string,
    holder: string,
    ttlMs: number,
    now?: Date,
    claim?: LeaseClaim,
  ): Promise<LeaseResult>;
  releaseLease(appId: string, holder: string): Promise<void>;

  // provisioning log
  /** Appends all entries or none (checked first); durationMs is stored in whole milliseconds. */
  appendLog(entries: readonly (ProvisioningLogEntry | PreparedLogEntry)[]): Promise<void>;
  queryLog(query: LogQuery): Promise<readonly ProvisioningLogEntry[]>;
  /** Drops entries older than `olderThan`; returns how many. */
  pruneLog(olderThan: Date): Promise<number>;
}
