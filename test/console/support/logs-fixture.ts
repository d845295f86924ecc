/**
 * A fixture admin API for the console's long lists (the benchmark, and the tests that far pages are
 * given up and read again): the built console at `/` and just
 * the routes the Provisioning logs and Accounts pages call, answering a signed-in admin, N generated
 * log entries in keyset pages (the page shape of GET /admin/v1/apps/{name}/logs) and N managed
 * accounts (accounts-fixture.ts), each generated when its page is read. It measures the
 * browser's side alone, so the numbers do not move with the engine's state store. Each entry
 * carries steps of about the size a real cycle logs (~1 KB); `steps=false` leaves them out, as the
 * API does, unless `LOG_STEPS=always` (the list as it was, steps in every row, for comparison).
 */
import fastify, { type FastifyInstance } from 'fastify';
import { registerConsole } from '../../../src/admin/console-static.js';
import { registerFixtureAccounts, type AccountRead } from './accounts-fixture.js';

const STATUSES = ['success', 'success', 'success', 'skipped', 'failure'];
const ACTIONS = ['create', 'update', 'update', 'disable', 'skip'];

function entry(i: number) {
  return {
    id: i + 1,
    cycleId: `cycle-${Math.floor(i / 10_000)}`,
    at: new Date(Date.UTC(2026, 11, 1) + i * 1000).toISOString(),
    durationMs: 3 + (i % 17),
    objectType: i % 10 === 9 ? 'Group' : 'User',
    sourceId: `u${String(i).padStart(6, '0')}`,
    sourceName: `user${i}@example.com`,
    action: ACTIONS[i % ACTIONS.length]!,
    status: STATUSES[i % STATUSES.length]!,
    ...(i % 5 === 4 ? { reason: 'TargetRejected' } : {}),
    steps: [
      { step: 'import', found: true, attributes: { userName: `user${i}@example.com`, active: true } },
      { step: 'scope', inScope: true, filters: [{ attribute: 'active', operator: 'IsTrue' }] },
      { step: 'match', matched: true, on: 'userName', targetId: `t-${i}` },
      {
        step: 'action',
        action: ACTIONS[i % ACTIONS.length]!,
        changes: [
          { attribute: 'displayName', old: `User ${i - 1}`, new: `User ${i}` },
          { attribute: 'emails[type eq "work"].value', old: null, new: `user${i}@example.com` },
          { attribute: 'title', old: 'Engineer', new: 'Senior engineer' },
        ],
      },
      {
        step: 'result',
        status: STATUSES[i % STATUSES.length]!,
        durationMs: 3 + (i % 17),
        detail: 'x'.repeat(400),
      },
    ],
  };
}

export interface LogsFixture {
  readonly url: string;
  readonly app: FastifyInstance;
  /** The cursor of every log page read, in order (undefined: the first page). */
  readonly pageReads: (string | undefined)[];
  /** Every accounts page read, in order. */
  readonly accountReads: AccountRead[];
}

const STEPS_ALWAYS = process.env.LOG_STEPS === 'always';

export async function startLogsFixture(consoleDir: string, total: number): Promise<LogsFixture> {
  const app = fastify({ logger: false });
  const pageReads: (string | undefined)[] = [];
  registerConsole(app, consoleDir);
  const accountReads = registerFixtureAccounts(app, total);
  app.get('/admin/v1/session', async () => ({
    user: { name: 'bench', role: 'admin' },
    csrfToken: 'bench',
    idleTimeoutSeconds: 1800,
  }));
  app.get<{ Querystring: { cursor?: string; limit?: string; steps?: string } }>(
    '/admin/v1/apps/:name/logs',
    async (request) => {
      pageReads.push(request.query.cursor);
      const from = Number(request.query.cursor ?? 0);
      const limit = Math.min(Number(request.query.limit ?? 500), 5000);
      const to = Math.min(total, from + limit);
      const entries = [];
      const brief = request.query.steps === 'false' && !STEPS_ALWAYS;
      for (let i = from; i < to; i++) {
        const { steps: _steps, ...rest } = entry(i);
        entries.push(brief ? rest : entry(i));
      }
      return { entries, nextCursor: to < total ? String(to) : null };
    },
  );
  app.get<{ Params: { id: string } }>('/admin/v1/apps/:name/logs/:id', async (request, reply) => {
    const id = Number(request.params.id);
    if (!(id >= 1 && id <= total)) return reply.code(404).send({ status: 404, detail: 'no such entry' });
    return entry(id - 1);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, app, pageReads, accountReads };
}
