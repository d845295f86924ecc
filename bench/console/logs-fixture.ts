/**
 * A fixture admin API for the console benchmark's log scroll: the built console at `/` and just
 * the routes the Provisioning logs page calls, answering a signed-in admin and N generated log
 * entries in keyset pages (the page shape of GET /admin/v1/apps/{name}/logs). It measures the
 * browser's side alone, so the numbers do not move with the engine's state store.
 */
import fastify, { type FastifyInstance } from 'fastify';
import { registerConsole } from '../../src/admin/console-static.js';

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
    steps: [{ step: 'import', found: true }],
  };
}

export async function startLogsFixture(
  consoleDir: string,
  total: number,
): Promise<{ url: string; app: FastifyInstance }> {
  const app = fastify({ logger: false });
  registerConsole(app, consoleDir);
  app.get('/admin/v1/session', async () => ({
    user: { name: 'bench', role: 'admin' },
    csrfToken: 'bench',
    idleTimeoutSeconds: 1800,
  }));
  app.get<{ Querystring: { cursor?: string; limit?: string } }>(
    '/admin/v1/apps/:name/logs',
    async (request) => {
      const from = Number(request.query.cursor ?? 0);
      const limit = Math.min(Number(request.query.limit ?? 500), 5000);
      const to = Math.min(total, from + limit);
      const entries = [];
      for (let i = from; i < to; i++) entries.push(entry(i));
      return { entries, nextCursor: to < total ? String(to) : null };
    },
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, app };
}
