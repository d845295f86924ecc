/**
 * The managed accounts of the fixture admin API (logs-fixture.ts): N generated accounts of one app,
 * users then the last tenth as groups, in keyset pages of the shape of GET
 * /admin/v1/apps/{name}/accounts (`count` up to 1000, `nextCursor` absent on the last page). The
 * cursor is the index of the next account, so a test can tell which page was read.
 */
import type { FastifyInstance } from 'fastify';

const pad = (n: number) => String(n).padStart(6, '0');

export function fixtureAccount(i: number, total: number) {
  const group = i >= total - Math.floor(total / 10);
  return {
    objectType: group ? 'Group' : 'User',
    sourceId: `${group ? 'g' : 'u'}-${pad(i)}`,
    sourceName: group ? `Team ${pad(i)}` : `account${pad(i)}@example.com`,
    targetId: `${group ? 'grp' : 'acct'}-${pad(i)}`,
    ...(group ? {} : { targetName: `account${pad(i)}` }),
    state: i % 20 === 7 ? 'disabled' : 'active',
    linked: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
    updated: new Date(Date.UTC(2026, 11, 1) + i * 1000).toISOString(),
  };
}

/** Serves `total` accounts; returns the cursor of every page read, in order (undefined: the first). */
export function registerFixtureAccounts(app: FastifyInstance, total: number): (string | undefined)[] {
  const reads: (string | undefined)[] = [];
  app.get<{ Querystring: { cursor?: string; count?: string } }>(
    '/admin/v1/apps/:name/accounts',
    async (request) => {
      reads.push(request.query.cursor);
      const from = Number(request.query.cursor ?? 0);
      const to = Math.min(total, from + Math.min(Number(request.query.count ?? 100), 1000));
      const accounts = [];
      for (let i = from; i < to; i++) accounts.push(fixtureAccount(i, total));
      return { accounts, ...(to < total ? { nextCursor: String(to) } : {}) };
    },
  );
  return reads;
}
