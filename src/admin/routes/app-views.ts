/**
 * The JSON the application routes answer, and its zod schemas (which the OpenAPI document is
 * generated from). Dates are ISO 8601 strings; credentials are only ever `{ "set": true }`.
 */
import { z } from 'zod';
import type { StoredApp } from '../../engine/apps/app-definition.js';
import { appDocument } from '../../engine/apps/export-app.js';
import type { AppLiveStatus } from '../../engine/runtime/app-control.js';
import type { CycleSummary, PlannedItem, ReconcileReport } from '../../engine/cycle/engine-service.js';
import type { DeletionHold, ProvisioningLogEntry, Quarantine } from '../../engine/state/engine-state.js';
import type { JsonObject } from '../../shared/json.js';

const json = z.unknown();
const jsonObject = z.record(z.string(), z.unknown());
const isoTime = z.string().describe('ISO 8601 time');

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

export const lastCycleSchema = z.object({
  id: z.string(),
  status: z.string(),
  finished: isoTime.optional(),
  summary: jsonObject,
});

export const appStateSchema = z.enum(['running', 'idle', 'paused', 'quarantined', 'held']);

export const appStatusSchema = z.object({
  app: z.string(),
  state: appStateSchema,
  running: z
    .object({
      cycleId: z.string(),
      kind: z.string(),
      started: isoTime,
      done: z.number().optional(),
      total: z.number().optional(),
    })
    .optional(),
  lastCycle: lastCycleSchema.optional(),
  nextCycle: isoTime.optional(),
  watermark: z.number().optional(),
  quarantine: quarantineSchema.optional(),
  hold: holdSchema.optional(),
  pause: z.object({ since: isoTime, actor: z.string() }).optional(),
  escrows: z.number(),
  linked: z.number(),
});

export const appSummarySchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  enabled: z.boolean(),
  version: z.number(),
  connector: z.string().describe('the connector kind, or `module`'),
  state: appStateSchema,
  lastCycle: lastCycleSchema.optional(),
  linked: z.number(),
  escrows: z.number(),
  quarantined: z.boolean(),
  held: z.boolean(),
  paused: z.boolean(),
});

export const appDetailSchema = z.object({
  name: z.string(),
  id: z.string(),
  version: z.number(),
  enabled: z.boolean(),
  fullSyncRequired: z.boolean(),
  created: isoTime,
  updated: isoTime,
  definition: jsonObject.describe(
    'the app as `provisio apps export` writes it, with each credential as `{ "set": true }`',
  ),
});

export const plannedItemSchema = z.object({
  objectType: z.enum(['User', 'Group']),
  sourceId: z.string(),
  sourceName: z.string().optional(),
  action: z.string(),
  targetId: z.string().optional(),
  changes: z.array(z.object({ attribute: z.string(), old: json, new: json })),
  reason: z.string().optional(),
  steps: z.array(jsonObject),
});

export const logEntrySchema = z.object({
  id: z.number(),
  at: isoTime,
  cycleId: z.string(),
  changeSeq: z.number().optional(),
  objectType: z.enum(['User', 'Group']),
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
      objectType: z.enum(['User', 'Group']),
      targetId: z.string(),
      name: z.string().optional(),
      attributes: jsonObject,
    }),
  ),
  missing: z.array(plannedItemSchema),
});

export function quarantineJson(q: Quarantine) {
  return {
    since: q.since.toISOString(),
    level: q.level,
    nextAttempt: q.nextAttempt.toISOString(),
    reason: q.reason,
  };
}

export function holdJson(h: DeletionHold) {
  return {
    since: h.since.toISOString(),
    cycleId: h.cycleId,
    count: h.count,
    threshold: h.threshold,
    approved: h.approved,
  };
}

export function statusJson(live: AppLiveStatus): z.infer<typeof appStatusSchema> {
  const { status } = live;
  const last = status.lastCycle;
  return {
    app: status.app,
    state: live.state,
    ...(live.running !== undefined
      ? {
          running: {
            cycleId: live.running.cycleId,
            kind: live.running.kind,
            started: live.running.started.toISOString(),
            ...(live.running.done !== undefined ? { done: live.running.done } : {}),
            ...(live.running.total !== undefined ? { total: live.running.total } : {}),
          },
        }
      : {}),
    ...(last !== undefined
      ? {
          lastCycle: {
            id: last.id,
            status: last.status,
            ...(last.finished !== undefined ? { finished: last.finished.toISOString() } : {}),
            summary: last.summary,
          },
        }
      : {}),
    ...(live.nextCycle !== undefined ? { nextCycle: live.nextCycle.toISOString() } : {}),
    ...(status.watermark !== undefined ? { watermark: status.watermark } : {}),
    ...(status.quarantine !== undefined ? { quarantine: quarantineJson(status.quarantine) } : {}),
    ...(status.hold !== undefined ? { hold: holdJson(status.hold) } : {}),
    ...(live.pause !== undefined
      ? { pause: { since: live.pause.since.toISOString(), actor: live.pause.actor } }
      : {}),
    escrows: status.escrows,
    linked: status.linked,
  };
}

export function summaryJson(app: StoredApp, live: AppLiveStatus): z.infer<typeof appSummarySchema> {
  const status = statusJson(live);
  const { definition } = app;
  return {
    name: definition.name,
    ...(definition.description !== undefined ? { description: definition.description } : {}),
    enabled: definition.enabled,
    version: app.version,
    connector: definition.connector.kind ?? 'module',
    state: live.state,
    ...(status.lastCycle !== undefined ? { lastCycle: status.lastCycle } : {}),
    linked: status.linked,
    escrows: status.escrows,
    quarantined: status.quarantine !== undefined,
    held: status.hold !== undefined && !status.hold.approved,
    paused: live.pause !== undefined,
  };
}

/** The stored app with its definition in file form, each credential shown only as set. */
export function appDetailJson(app: StoredApp): z.infer<typeof appDetailSchema> {
  const document = appDocument(app.definition);
  const connector = (document.connector ?? {}) as JsonObject;
  const credentials: JsonObject = {};
  for (const key of Object.keys(app.definition.connector.credentials)) credentials[key] = { set: true };
  return {
    name: app.definition.name,
    id: app.id,
    version: app.version,
    enabled: app.definition.enabled,
    fullSyncRequired: app.fullSyncRequired,
    created: app.created.toISOString(),
    updated: app.updated.toISOString(),
    definition: { ...document, connector: { ...connector, credentials } },
  };
}

export function plannedItemJson(item: PlannedItem): z.infer<typeof plannedItemSchema> {
  return {
    objectType: item.objectType,
    sourceId: item.sourceId,
    ...(item.sourceName !== undefined ? { sourceName: item.sourceName } : {}),
    action: item.action,
    ...(item.targetId !== undefined ? { targetId: item.targetId } : {}),
    changes: item.changes.map((c) => ({ attribute: c.attribute, old: c.old, new: c.new })),
    ...(item.reason !== undefined ? { reason: item.reason } : {}),
    steps: [...item.steps],
  };
}

export function logEntryJson(entry: ProvisioningLogEntry): z.infer<typeof logEntrySchema> {
  return {
    id: entry.id ?? 0,
    at: entry.at.toISOString(),
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

export function cycleSummaryJson(summary: CycleSummary): z.infer<typeof summarySchema> {
  return { ...summary };
}

export function reconcileJson(report: ReconcileReport): z.infer<typeof reconcileSchema> {
  return {
    app: report.app,
    fixed: report.fixed,
    summary: cycleSummaryJson(report.summary),
    drift: report.drift.map(plannedItemJson),
    orphans: report.orphans.map((o) => ({
      objectType: o.objectType,
      targetId: o.targetId,
      ...(o.name !== undefined ? { name: o.name } : {}),
      attributes: o.attributes,
    })),
    missing: report.missing.map(plannedItemJson),
  };
}
