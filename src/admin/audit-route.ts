/**
 * `GET /admin/v1/audit`: the configuration changes, newest first, from the engine state's audit
 * log (the same listing and JSON shape as `provisio audit --json`): who applied, deleted,
 * assigned, approved, and every token and console user change. Pages with a keyset cursor, so
 * entries written meanwhile neither repeat nor go missing.
 */
import { z } from 'zod';
import { auditEntryJson } from '../engine/state/audit-entry-json.js';
import type { EngineStateStore } from '../engine/state/engine-state.js';
import type { AdminApi } from './admin-route.js';
import { problemResponses } from './problem-schema.js';
import { keysetPageQuery } from './routes/route-support.js';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

const auditQuery = z
  .object({
    actor: z.string().min(1).max(200).optional().describe('Only changes by this actor, e.g. console:alice'),
    app: z.string().min(1).max(200).optional().describe('Only changes to this app'),
    since: z.iso.datetime({ offset: true }).optional().describe('Only changes at or after this time'),
    until: z.iso.datetime({ offset: true }).optional().describe('Only changes at or before this time'),
    ...keysetPageQuery({
      defaultLimit: DEFAULT_LIMIT,
      maxLimit: MAX_LIMIT,
      cursor: z.string().regex(/^[1-9]\d{0,14}$/, 'a cursor is the nextCursor of a previous page'),
    }),
  })
  .strict();

const auditEntry = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  app: z.string().optional(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});

const auditPage = z.object({
  entries: z.array(auditEntry),
  nextCursor: z.string().optional().describe('Present when more entries may follow'),
});

export function registerAuditRoute(api: AdminApi, engineState: EngineStateStore): void {
  api.get(
    '/audit',
    {
      config: { adminRole: 'viewer' },
      schema: {
        summary: 'Configuration changes, newest first',
        tags: ['audit'],
        querystring: auditQuery,
        response: { 200: auditPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const query = request.query;
      const limit = query.limit ?? DEFAULT_LIMIT;
      const entries = await engineState.listAudit({
        ...(query.app !== undefined ? { app: query.app } : {}),
        ...(query.actor !== undefined ? { actor: query.actor } : {}),
        ...(query.since !== undefined ? { since: new Date(query.since) } : {}),
        ...(query.until !== undefined ? { until: new Date(query.until) } : {}),
        ...(query.cursor !== undefined ? { beforeId: Number(query.cursor) } : {}),
        limit,
      });
      const last = entries.at(-1);
      return {
        entries: entries.map((entry) => auditEntryJson(entry) as z.infer<typeof auditEntry>),
        ...(entries.length === limit && last !== undefined ? { nextCursor: String(last.id) } : {}),
      };
    },
  );
}
