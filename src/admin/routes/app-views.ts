/**
 * The JSON of the application routes that only the API answers (an app's status, list row and
 * detail), and its zod schemas (which the OpenAPI document is generated from). The views of the
 * engine's reports, which the CLI prints too, are the engine's (`engine/cycle/report-views.ts`).
 * Dates are ISO 8601 strings; credentials are only ever `{ "set": true }`.
 */
import { z } from 'zod';
import type { StoredApp } from '../../engine/apps/app-definition.js';
import { appDocument } from '../../engine/apps/export-app.js';
import type { AppLiveStatus } from '../../engine/runtime/app-control.js';
import {
  holdSchema,
  holdView,
  isoTimeSchema,
  jsonObjectSchema,
  quarantineSchema,
  quarantineView,
} from '../../engine/cycle/report-views.js';
import type { JsonObject } from '../../shared/json.js';

const jsonObject = jsonObjectSchema;
const isoTime = isoTimeSchema;

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
  problem: z.string().optional().describe('why the status could not be read (the app does not load)'),
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
    ...(status.quarantine !== undefined ? { quarantine: quarantineView(status.quarantine) } : {}),
    ...(status.hold !== undefined ? { hold: holdView(status.hold) } : {}),
    ...(live.pause !== undefined
      ? { pause: { since: live.pause.since.toISOString(), actor: live.pause.actor } }
      : {}),
    escrows: status.escrows,
    linked: status.linked,
  };
}

export function summaryJson(app: StoredApp, live: AppLiveStatus): z.infer<typeof appSummarySchema> {
  const status = statusJson(live);
  return {
    ...brokenSummary(app),
    state: live.state,
    ...(status.lastCycle !== undefined ? { lastCycle: status.lastCycle } : {}),
    linked: status.linked,
    escrows: status.escrows,
    quarantined: status.quarantine !== undefined,
    held: status.hold !== undefined && !status.hold.approved,
    paused: live.pause !== undefined,
  };
}

/** The list row of an app without its live state: what a row shows when its status cannot be read. */
export function brokenSummary(app: StoredApp): z.infer<typeof appSummarySchema> {
  return {
    name: app.definition.name,
    ...(app.definition.description !== undefined ? { description: app.definition.description } : {}),
    enabled: app.definition.enabled,
    version: app.version,
    connector: app.definition.connector.kind ?? 'module',
    state: 'idle',
    linked: 0,
    escrows: 0,
    quarantined: false,
    held: false,
    paused: false,
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
