/**
 * `/apps/{name}/logs` and `/apps/{name}/accounts`: the provisioning log (as `provisio logs`) and
 * the managed accounts (as `provisio accounts`, or only those a `search` text finds), a page at a
 * time after a keyset cursor, never by OFFSET, so page 1,000 costs what page 1 does.
 * `Accept: application/x-ndjson` streams every matching log entry, one JSON object a line, newest
 * first, in pages read as the client reads.
 */
import { Readable } from 'node:stream';
import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import {
  accountSchema,
  accountView,
  logEntrySchema,
  storedLogEntryView,
} from '../../engine/cycle/report-views.js';
import type { LogQuery } from '../../engine/state/engine-state.js';
import type { AdminApi } from '../admin-route.js';
import type { AdminServices } from '../admin-services.js';
import { problemResponses } from '../problem-schema.js';
import { notFound } from './route-problems.js';
import { appParams } from './route-support.js';

export const LOG_STATUSES = ['success', 'failure', 'skipped', 'warning'] as const;
export const LOG_ACTIONS = ['create', 'update', 'disable', 'enable', 'delete', 'skip', 'none'] as const;

/** Entries per page read when streaming. */
const STREAM_PAGE = 1000;

const time = z.iso.datetime({ offset: true }).transform((v) => new Date(v));

const logQuery = z.object({
  status: z.enum(LOG_STATUSES).optional(),
  action: z.enum(LOG_ACTIONS).optional(),
  user: z.string().min(1).max(1000).optional().describe('a source id, userName or displayName'),
  cycle: z.string().min(1).max(200).optional(),
  since: time.optional().describe('entries at or after this time (ISO 8601)'),
  until: time.optional().describe('entries before this time (ISO 8601)'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/, 'a cursor from an earlier page (nextCursor)')
    .optional(),
  steps: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true')
    .describe('false lists the entries without their steps (fetch one entry for them)'),
});

/** A log entry without its steps, as a list that need not carry them shows it. */
const logEntryBriefSchema = logEntrySchema.omit({ steps: true });

const logEntryParams = appParams.extend({
  id: z.string().regex(/^[1-9][0-9]{0,15}$/, 'a log entry id (a positive integer)'),
});

/** An accounts cursor: the last account's type and source id, base64url so it is one opaque token. */
function accountCursor(objectType: 'User' | 'Group', sourceId: string): string {
  return Buffer.from(`${objectType}:${sourceId}`, 'utf8').toString('base64url');
}

const accountCursorSchema = z
  .string()
  .max(2000)
  .transform((value, ctx) => {
    const text = Buffer.from(value, 'base64url').toString('utf8');
    const match = /^(User|Group):(.+)$/s.exec(text);
    if (match === null) {
      ctx.addIssue({ code: 'custom', message: 'a cursor from an earlier page (nextCursor)' });
      return z.NEVER;
    }
    return { objectType: match[1] as 'User' | 'Group', sourceId: match[2]! };
  });

function wantsNdjson(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').toLowerCase().includes('application/x-ndjson');
}

export function registerLogRoutes(api: AdminApi, services: AdminServices): void {
  const { apps, engineState, engine } = services;

  api.get(
    '/apps/:name/logs',
    {
      config: { adminRole: 'viewer' },
      schema: {
        summary: 'The provisioning log, newest first, a page after `cursor`; NDJSON streams every match',
        params: appParams,
        querystring: logQuery,
        response: {
          200: z.object({
            entries: z.array(z.union([logEntrySchema, logEntryBriefSchema])),
            nextCursor: z.string().optional().describe('absent on the last page'),
          }),
          ...problemResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const app = await apps.get(request.params.name);
      const q = request.query;
      const base: LogQuery = {
        appId: app.id,
        ...(q.status !== undefined ? { status: q.status } : {}),
        ...(q.action !== undefined ? { action: q.action } : {}),
        ...(q.user !== undefined ? { object: q.user } : {}),
        ...(q.cycle !== undefined ? { cycleId: q.cycle } : {}),
        ...(q.since !== undefined ? { since: q.since } : {}),
        ...(q.until !== undefined ? { until: q.until } : {}),
        ...(q.cursor !== undefined ? { before: Number(q.cursor) } : {}),
      };
      if (wantsNdjson(request)) {
        async function* lines(): AsyncGenerator<string> {
          let before = base.before;
          for (;;) {
            const page = await engineState.queryLog({
              ...base,
              ...(before !== undefined ? { before } : {}),
              limit: STREAM_PAGE,
            });
            for (const entry of page) yield `${JSON.stringify(storedLogEntryView(entry))}\n`;
            if (page.length < STREAM_PAGE) return;
            before = page[page.length - 1]!.id;
          }
        }
        return reply.type('application/x-ndjson').send(Readable.from(lines()) as never);
      }
      // One more than the page: whether there is a next page, without counting.
      const rows = await engineState.queryLog({ ...base, limit: q.limit + 1 });
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      const entries = page.map(storedLogEntryView);
      return {
        entries: q.steps ? entries : entries.map(({ steps: _steps, ...brief }) => brief),
        ...(rows.length > q.limit && last?.id !== undefined ? { nextCursor: String(last.id) } : {}),
      };
    },
  );

  api.get(
    '/apps/:name/logs/:id',
    {
      config: { adminRole: 'viewer' },
      schema: {
        summary: 'One provisioning log entry with its steps',
        params: logEntryParams,
        response: { 200: logEntrySchema, ...problemResponses(400, 404) },
      },
    },
    async (request) => {
      const app = await apps.get(request.params.name);
      const id = Number(request.params.id);
      // The newest entry of this app at or before the id: the entry itself when it is this app's.
      const [entry] = await engineState.queryLog({ appId: app.id, before: id + 1, limit: 1 });
      if (entry?.id !== id) throw notFound(`no log entry ${id} in app '${app.definition.name}'`);
      return storedLogEntryView(entry);
    },
  );

  api.get(
    '/apps/:name/accounts',
    {
      config: { adminRole: 'viewer' },
      schema: {
        summary: 'The accounts Provisio manages in the app (users, then groups), a page after `cursor`',
        params: appParams,
        querystring: z.object({
          count: z.coerce.number().int().min(1).max(1000).default(100).describe('accounts per page'),
          cursor: accountCursorSchema.optional().describe("the previous page's nextCursor"),
          search: z
            .string()
            .min(1)
            .max(200)
            .optional()
            .describe(
              'only the accounts whose source id, name, target id or target name contains this text, letter case aside; the cursor continues within them',
            ),
        }),
        response: {
          200: z.object({
            accounts: z.array(accountSchema),
            nextCursor: z.string().optional().describe('absent on the last page'),
          }),
          ...problemResponses(400, 404),
        },
      },
    },
    async (request) => {
      const app = await apps.get(request.params.name);
      const { count, cursor, search } = request.query;
      const accounts: z.infer<typeof accountSchema>[] = [];
      let more = false;
      const options = { ...(cursor ? { after: cursor } : {}), ...(search !== undefined ? { search } : {}) };
      for await (const account of engine.accounts(app.definition.name, options)) {
        if (accounts.length === count) {
          more = true;
          break;
        }
        accounts.push(accountView(account));
      }
      const last = accounts[accounts.length - 1];
      return {
        accounts,
        ...(more && last !== undefined ? { nextCursor: accountCursor(last.objectType, last.sourceId) } : {}),
      };
    },
  );
}
