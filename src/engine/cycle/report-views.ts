/**
 * The JSON views of what the engine service reports, and their zod schemas: one shape for each,
 * which the admin API answers (its OpenAPI document is generated from the schemas) and the CLI's
 * `--json` prints. Both are stable interfaces (docs/admin-api.md, docs/engine/commands.md), so a
 * view changes here or nowhere. Dates are ISO 8601 strings; a missing old or new value is `null`.
 *
 * Where the two surfaces differ, they differ by a choice the one view offers, never by a copy: the
 * CLI's preview and reconcile items leave out the steps (`briefItemView`; the API and `provision
 * --json` keep them), and `logs --json` names the app in each line, since its lines stand alone.
 */
import { z } from 'zod';
import type { JsonValue } from '../../shared/json.js';
import type { DeletionHold, ProvisioningLogEntry, Quarantine } from '../state/engine-state.js';
import type {
  CycleSummary,
  ManagedAccount,
  PlannedItem,
  PreviewReport,
  ReconcileReport,
} from './engine-service.js';

export const jsonObjectSchema = z.record(z.string(), z.unknown());
export const isoTimeSchema = z.string().describe('ISO 8601 time');
const json = z.unknown();
const jsonObject = jsonObjectSchema;
const isoTime = isoTimeSchema;
const objectType = z.enum(['User', 'Group']);

export const summarySchema = z.object({
  create: z.number(),
  update: z.number(),
  disable: z.number(),
  delete: z.number(),
  skip: z.number(),
  success: z.number(),
  failure: z.number(),
});

export const quarantineSchema = z.object({
  since: isoTime,
  level: z.number(),
  nextAttempt: isoTime,
  reason: z.string(),
});

export const holdSchema = z.object({
  since: isoTime,
  cycleId: z.string(),
  count: z.number(),
  threshold: z.number(),
  approved: z.boolean(),
});

export const plannedItemSchema = z.object({
  objectType,
  sourceId: z.string(),
  sourceName: z.string().optional(),
  action: z.string(),
  targetId: z.string().optional(),
  changes: z.array(z.object({ attribute: z.string(), old: json, new: json })),
  reason: z.string().optional(),
  steps: z.array(jsonObject),
});

export const previewSchema = z.object({
  app: z.string(),
  kind: z.string(),
  wouldHold: z.boolean(),
  summary: summarySchema,
  items: z.array(plannedItemSchema),
});

export const logEntrySchema = z.object({
  id: z.number(),
  at: isoTime,
  cycleId: z.string(),
  changeSeq: z.number().optional(),
  objectType,
  sourceId: z.string(),
  sourceName: z.string().optional(),
  targetId: z.string().optional(),
  action: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  durationMs: z.number(),
  steps: z.array(jsonObject),
  error: jsonObject.optional(),
});

export const reconcileSchema = z.object({
  app: z.string(),
  fixed: z.boolean(),
  summary: summarySchema,
  drift: z.array(plannedItemSchema),
  orphans: z.array(
    z.object({
      objectType,
      targetId: z.string(),
      name: z.string().optional(),
      attributes: jsonObject,
    }),
  ),
  missing: z.array(plannedItemSchema),
});

export const accountSchema = z.object({
  objectType,
  sourceId: z.string(),
  sourceName: z.string().optional(),
  targetId: z.string(),
  targetName: z.string().optional(),
  state: z.enum(['active', 'disabled']),
  linked: isoTime,
  updated: isoTime,
});

export type SummaryView = z.infer<typeof summarySchema>;
export type BriefItemView = Omit<z.infer<typeof plannedItemSchema>, 'steps'>;
export type PlannedItemView = z.infer<typeof plannedItemSchema>;
export type LogEntryView = Omit<z.infer<typeof logEntrySchema>, 'id'> & { id?: number; app?: string };
export type AccountView = z.infer<typeof accountSchema>;

/** The counts in the fixed key order of the JSON shape. */
export function summaryView(summary: CycleSummary): SummaryView {
  return {
    create: summary.create,
    update: summary.update,
    disable: summary.disable,
    delete: summary.delete,
    skip: summary.skip,
    success: summary.success,
    failure: summary.failure,
  };
}

export function quarantineView(q: Quarantine): z.infer<typeof quarantineSchema> {
  return {
    since: q.since.toISOString(),
    level: q.level,
    nextAttempt: q.nextAttempt.toISOString(),
    reason: q.reason,
  };
}

export function holdView(h: DeletionHold): z.infer<typeof holdSchema> {
  return {
    since: h.since.toISOString(),
    cycleId: h.cycleId,
    count: h.count,
    threshold: h.threshold,
    approved: h.approved,
  };
}

/** A planned item without its steps, as `preview --json` and `reconcile --json` list it. */
export function briefItemView(item: PlannedItem): BriefItemView {
  return {
    objectType: item.objectType,
    sourceId: item.sourceId,
    ...(item.sourceName !== undefined ? { sourceName: item.sourceName } : {}),
    action: item.action,
    ...(item.targetId !== undefined ? { targetId: item.targetId } : {}),
    changes: item.changes.map((c) => ({
      attribute: c.attribute,
      old: (c.old ?? null) as JsonValue,
      new: (c.new ?? null) as JsonValue,
    })),
    ...(item.reason !== undefined ? { reason: item.reason } : {}),
  };
}

/** A planned item with its steps, as the API and `provision --json` show it. */
export function plannedItemView(item: PlannedItem): PlannedItemView {
  return { ...briefItemView(item), steps: [...item.steps] };
}

/** A preview; `item` is `briefItemView` or `plannedItemView`, as the surface shows items. */
export function previewView<I>(report: PreviewReport, item: (planned: PlannedItem) => I) {
  return {
    app: report.app,
    kind: report.kind,
    wouldHold: report.wouldHold,
    summary: summaryView(report.summary),
    items: report.items.map((planned) => item(planned)),
  };
}

/** A reconcile report; `item` as for `previewView`. */
export function reconcileView<I>(report: ReconcileReport, item: (planned: PlannedItem) => I) {
  return {
    app: report.app,
    fixed: report.fixed,
    summary: summaryView(report.summary),
    drift: report.drift.map((planned) => item(planned)),
    orphans: report.orphans.map((o) => ({
      objectType: o.objectType,
      targetId: o.targetId,
      ...(o.name !== undefined ? { name: o.name } : {}),
      attributes: o.attributes,
    })),
    missing: report.missing.map((planned) => item(planned)),
  };
}

/**
 * One provisioning log entry. Its id is there once the entry is stored (every entry the log
 * answers has one; `provision`'s dry-run entries have none); `app`, when given, follows `at`.
 */
export function logEntryView(entry: ProvisioningLogEntry, app?: string): LogEntryView {
  return {
    ...(entry.id !== undefined ? { id: entry.id } : {}),
    at: entry.at.toISOString(),
    ...(app !== undefined ? { app } : {}),
    cycleId: entry.cycleId,
    ...(entry.changeSeq !== undefined ? { changeSeq: entry.changeSeq } : {}),
    objectType: entry.objectType,
    sourceId: entry.sourceId,
    ...(entry.sourceName !== undefined ? { sourceName: entry.sourceName } : {}),
    ...(entry.targetId !== undefined ? { targetId: entry.targetId } : {}),
    action: entry.action,
    status: entry.status,
    ...(entry.reason !== undefined ? { reason: entry.reason } : {}),
    durationMs: entry.durationMs,
    steps: [...entry.steps],
    ...(entry.error !== undefined ? { error: entry.error } : {}),
  };
}

/** An entry read back from the log, whose id the log's schema requires (the log always has it). */
export function storedLogEntryView(entry: ProvisioningLogEntry): z.infer<typeof logEntrySchema> {
  const view = logEntryView(entry);
  return { ...view, id: view.id ?? 0 };
}

/** One managed account, as the accounts list and `accounts --json` show it. */
export function accountView(account: ManagedAccount): AccountView {
  return {
    objectType: account.objectType,
    sourceId: account.sourceId,
    ...(account.sourceName !== undefined ? { sourceName: account.sourceName } : {}),
    targetId: account.targetId,
    ...(account.targetName !== undefined ? { targetName: account.targetName } : {}),
    state: account.state,
    linked: account.linked.toISOString(),
    updated: account.updated.toISOString(),
  };
}
