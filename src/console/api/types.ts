/**
 * The JSON the console reads from the admin API (docs/admin-api.md). Dates arrive as ISO strings.
 * Fields the console only displays are typed loosely (`Json`): the page shows what is there.
 */
export type AdminRole = 'viewer' | 'operator' | 'admin';
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface SessionUser {
  readonly name: string;
  readonly role: AdminRole;
}

export interface SessionAnswer {
  readonly user: SessionUser;
  readonly csrfToken: string;
  readonly idleTimeoutSeconds: number;
}

export interface CycleSummary {
  readonly create?: number;
  readonly update?: number;
  readonly disable?: number;
  readonly delete?: number;
  readonly skip?: number;
  readonly success?: number;
  readonly failure?: number;
}

export interface HoldInfo {
  readonly since: string;
  readonly cycleId: string;
  readonly count: number;
  readonly threshold: number;
  readonly approved: boolean;
}

export interface QuarantineInfo {
  readonly since: string;
  readonly level: number;
  readonly nextAttempt: string;
  readonly reason: string;
}

export interface CycleInfo {
  readonly id: string;
  readonly kind?: string;
  readonly status: string;
  readonly started?: string;
  readonly finished?: string;
  readonly durationMs?: number;
  readonly summary?: CycleSummary;
}

/** A running cycle's progress: `total` is known for initial cycles only. */
export interface RunningCycle {
  readonly cycleId: string;
  readonly done: number;
  readonly total?: number;
  readonly phase?: string;
}

export interface AppStatus {
  readonly app?: string;
  /** running, idle, paused, quarantined or held. */
  readonly state?: string;
  readonly enabled?: boolean;
  readonly paused?: boolean;
  readonly pause?: { readonly since: string; readonly actor: string } | null;
  readonly quarantined?: boolean;
  readonly held?: boolean;
  readonly nextCycle?: string;
  readonly running?: RunningCycle | null;
  readonly lastCycle?: CycleInfo | null;
  /** The last cycles, newest first (GET /apps/{name}/status). */
  readonly recentCycles?: readonly CycleInfo[];
  readonly hold?: HoldInfo | null;
  readonly quarantine?: QuarantineInfo | null;
  readonly escrows?: number;
  readonly linked?: number;
}

export interface AppListItem extends AppStatus {
  readonly name: string;
  readonly description?: string;
  /** The connector kind. */
  readonly connector?: string;
}

export interface LogEntry {
  readonly id: number | string;
  readonly cycleId: string;
  readonly at: string;
  readonly durationMs?: number;
  readonly objectType: string;
  readonly sourceId: string;
  readonly sourceName?: string;
  readonly targetId?: string;
  readonly action: string;
  readonly status: string;
  readonly reason?: string;
  readonly steps: readonly JsonObject[];
  readonly error?: JsonObject;
}

/** A log entry as the log list shows it (`?steps=false`): its steps are read when it opens. */
export type LogEntryBrief = Omit<LogEntry, 'steps'>;

export interface PlannedChange {
  readonly attribute: string;
  readonly old: Json;
  readonly new: Json;
}

export interface PlannedItem {
  readonly objectType: string;
  readonly sourceId: string;
  readonly sourceName?: string;
  readonly action: string;
  readonly targetId?: string;
  readonly changes: readonly PlannedChange[];
  readonly reason?: string;
  readonly steps: readonly JsonObject[];
}
