/**
 * What the surfaces (CLI commands, `serve`, the admin API, the console) ask of the engine. One
 * service, one decision path: `preview` and `provision --dry-run` run the same planner as `sync`,
 * without the executor, so a preview can never disagree with a cycle.
 */
import type { JsonObject } from '../../shared/json.js';
import type { ConnectorErrorJson } from '../../connectors/spi/connector-error.js';
import type {
  CycleKind,
  CycleStatus,
  DeletionHold,
  Escrow,
  Link,
  LogAction,
  ProvisioningLogEntry,
  Quarantine,
} from '../state/engine-state.js';

/** Counts per action and per result, as `sync --json` and `preview --json` print them. */
export interface CycleSummary {
  readonly create: number;
  readonly update: number;
  readonly disable: number;
  readonly delete: number;
  readonly skip: number;
  readonly success: number;
  readonly failure: number;
}

/** Progress callbacks for a progress bar on a TTY. */
export interface CycleProgress {
  /** Called as objects are processed; `total` is known for initial cycles, undefined otherwise. */
  (done: number, total: number | undefined): void;
}

export interface SyncOptions {
  /** Clear watermark, escrows and quarantine (links kept) before the cycle. */
  readonly restart?: boolean;
  /** Like restart, and also forget every link. */
  readonly reset?: boolean;
  /** Who asked (audit of restart / reset). */
  readonly actor?: string;
  readonly onProgress?: CycleProgress;
  readonly signal?: AbortSignal;
  /**
   * How long to wait for the app's lease when another worker holds it; 0 fails at once with
   * `AppBusyError` naming the holder.
   */
  readonly leaseWaitMs?: number;
  /**
   * The id the cycle is recorded under, chosen by the caller so it can answer with it before the
   * cycle ends (the admin API's 202); a fresh UUID when absent.
   */
  readonly cycleId?: string;
}

/** One attribute's change, as previews and logs show it; redacted values read `[Redact]`. */
export interface PlannedChange {
  readonly attribute: string;
  readonly old: unknown;
  readonly new: unknown;
}

/** What the planner decided for one object. */
export interface PlannedItem {
  readonly objectType: 'User' | 'Group';
  readonly sourceId: string;
  readonly sourceName?: string;
  readonly action: LogAction;
  readonly targetId?: string;
  readonly changes: readonly PlannedChange[];
  /** Why: `RedundantExport`, `NotInScope`, `DuplicateTargetEntries`, ... */
  readonly reason?: string;
  /** The log steps (import, scope, match, action) as they would be recorded. */
  readonly steps: readonly JsonObject[];
}

/** The outcome of one cycle. */
export interface CycleReport {
  readonly cycleId: string;
  readonly app: string;
  readonly kind: CycleKind;
  readonly status: CycleStatus;
  readonly started: Date;
  readonly finished: Date;
  readonly summary: CycleSummary;
  /** Set when the accidental-deletion guard held the cycle. */
  readonly hold?: DeletionHold;
  /** Set when the app is (now) quarantined. */
  readonly quarantine?: Quarantine;
  /**
   * Set when the connection test before the cycle failed (connection-check.ts): the classified
   * error, the target's detail included. No object was read or written.
   */
  readonly connectionError?: ConnectorErrorJson;
  /** Objects that failed in this cycle (and are escrowed), for the summary's last lines. */
  readonly failures: readonly ProvisioningLogEntry[];
}

/** `preview`: what a cycle would do, the target untouched. */
export interface PreviewReport {
  readonly app: string;
  readonly kind: CycleKind;
  readonly summary: CycleSummary;
  readonly items: readonly PlannedItem[];
  /** True when the guard would hold this cycle. */
  readonly wouldHold: boolean;
}

/** `provision --user`: one user now, every step. */
export interface ProvisionReport {
  readonly app: string;
  readonly dryRun: boolean;
  readonly entries: readonly ProvisioningLogEntry[];
  readonly item: PlannedItem;
}

/** `reconcile`: the target's accounts against what the mappings give. */
export interface ReconcileReport {
  readonly app: string;
  readonly fixed: boolean;
  /** Linked accounts whose values differ from what the mapping gives. */
  readonly drift: readonly (PlannedItem & { readonly targetId: string })[];
  /** Accounts in the target that no link or match claims. */
  readonly orphans: readonly {
    readonly objectType: 'User' | 'Group';
    readonly targetId: string;
    readonly name?: string;
    readonly attributes: JsonObject;
  }[];
  /** In-scope objects with no account in the target. */
  readonly missing: readonly PlannedItem[];
  readonly summary: CycleSummary;
}

/** One managed account, for `accounts NAME` (access reviews). */
export interface ManagedAccount {
  readonly objectType: 'User' | 'Group';
  readonly sourceId: string;
  readonly sourceName?: string;
  readonly targetId: string;
  readonly targetName?: string;
  readonly state: Link['state'];
  readonly linked: Date;
  readonly updated: Date;
}

/** The state of one app, for `apps list`, the console and alerts. */
export interface AppStatus {
  readonly app: string;
  readonly lastCycle?: {
    readonly id: string;
    readonly status: CycleStatus;
    readonly finished?: Date;
    readonly summary: JsonObject;
  };
  readonly watermark?: number;
  readonly hold?: DeletionHold;
  readonly quarantine?: Quarantine;
  readonly escrows: number;
  readonly linked: number;
}

/** Something the engine tells the outside (the notification webhook, logs, the console). */
export type EngineEvent =
  | { readonly type: 'quarantined'; readonly app: string; readonly quarantine: Quarantine }
  | { readonly type: 'quarantineLifted'; readonly app: string }
  | { readonly type: 'deletionsHeld'; readonly app: string; readonly hold: DeletionHold }
  | { readonly type: 'escrowed'; readonly app: string; readonly escrow: Escrow }
  | { readonly type: 'cycleFinished'; readonly app: string; readonly report: CycleReport }
  /** A cycle (not a preview) began; the console shows it running. */
  | {
      readonly type: 'cycleStarted';
      readonly app: string;
      readonly cycleId: string;
      readonly kind: CycleKind;
      readonly started: Date;
    }
  /** Objects processed so far in a running cycle, on every step (listeners throttle). */
  | {
      readonly type: 'cycleProgress';
      readonly app: string;
      readonly cycleId: string;
      readonly done: number;
      readonly total: number | undefined;
    }
  /** A cycle stopped by an error (or by a stop) before it had a report; its row says `failed`. */
  | { readonly type: 'cycleFailed'; readonly app: string; readonly cycleId: string; readonly error: string };

/**
 * A request the engine refuses before doing anything: no such user, an app that does not
 * provision users, no held deletions to approve. Its message is the one the CLI prints.
 */
export class EngineRequestError extends Error {
  constructor(
    readonly code: 'user_not_found' | 'not_provisioned' | 'nothing_held',
    message: string,
  ) {
    super(message);
    this.name = 'EngineRequestError';
  }
}

/** Receives engine events; the webhook notifier is one. Must not throw. */
export type EngineEventSink = (event: EngineEvent) => void;

export interface EngineService {
  /** One cycle now: initial when there is no watermark (or a resync is needed), else incremental. */
  sync(app: string, options?: SyncOptions): Promise<CycleReport>;
  /** What `sync` would do, without touching the target or the state. */
  preview(
    app: string,
    options?: { readonly onProgress?: CycleProgress; readonly signal?: AbortSignal },
  ): Promise<PreviewReport>;
  /** One user (userName or id) through the whole pipeline now; `dryRun` plans only. */
  provisionUser(app: string, user: string, options?: { readonly dryRun?: boolean }): Promise<ProvisionReport>;
  /** Lists the target and reports drift, orphans and missing accounts; `fix` converges drift and missing. */
  reconcile(
    app: string,
    options?: { readonly fix?: boolean; readonly signal?: AbortSignal },
  ): Promise<ReconcileReport>;
  /** Lets the held cycle's deprovisions through on the next cycle. */
  approveDeletes(app: string, actor: string): Promise<DeletionHold>;
  /**
   * Users then groups, each in sourceId order; `after` resumes behind an account (paging), `search`
   * keeps the accounts whose names or ids contain it (`LinkPage.search`).
   */
  accounts(
    app: string,
    options?: {
      readonly after?: { readonly objectType: 'User' | 'Group'; readonly sourceId: string };
      readonly search?: string;
    },
  ): AsyncIterable<ManagedAccount>;
  status(app: string): Promise<AppStatus>;
}
