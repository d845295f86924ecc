/**
 * The managed accounts of the fixture admin API (logs-fixture.ts): N generated accounts of one app,
 * users then the last tenth as groups, in keyset pages of the shape of GET
 * /admin/v1/apps/{name}/accounts (`count` up to 1000, `nextCursor` absent on the last page), with
 * its `search`: only the accounts whose source id, name, target id or target name contains the
 * text, letter case aside, the cursor continuing within them. The cursor is the index of the
 * account after the last one answered, so a test can tell which page was read.
 */
import type { FastifyInstance } from 'fastify';

const pad = (n: number) => String(n).padStart(6, '0');

/** What a search looks at, without the rest (cheap: a search looks at every account). */
function fixtureNames(i: number, total: number) {
  const group = i >= total - Math.floor(total / 10);
  return {
    group,
    sourceId: `${group ? 'g' : 'u'}-${pad(i)}`,
    sourceName: group ? `Team ${pad(i)}` : `account${pad(i)}@example.com`,
    targetId: `${group ? 'grp' : 'acct'}-${pad(i)}`,
    targetName: group ? undefined : `account${pad(i)}`,
  };
}

export function fixtureAccount(i: number, total: number) {
  const { group, sourceId, sourceName, targetId, targetName } = fixtureNames(i, total);
  return {
    objectType: group ? 'Group' : 'User',
    sourceId,
    sourceName,
    targetId,
    ...(targetName !== undefined ? { targetName } : {}),
    state: i % 20 === 7 ? 'disabled' : 'active',
    linked: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
    updated: new Date(Date.UTC(2026, 11, 1) + i * 1000).toISOString(),
  };
}

/** One page the fixture answered. */
export interface AccountRead {
  /** The cursor it was read after (undefined: the first page). */
  readonly cursor: string | undefined;
  readonly search: string | undefined;
  /** The accounts it answered. */
  readonly accounts: number;
}

/** The server's match (LinkPage.search): a substring of the ids and names, both sides lower-cased. */
function matcher(search: string | undefined, total: number): (i: number) => boolean {
  if (search === undefined) return () => true;
  const needle = search.toLowerCase();
  return (i) => {
    const a = fixtureNames(i, total);
    return [a.sourceId, a.sourceName, a.targetId, a.targetName].some((v) =>
      v?.toLowerCase().includes(needle),
    );
  };
}

/** Serves `total` accounts; returns every page read, in order. */
export function registerFixtureAccounts(app: FastifyInstance, total: number): AccountRead[] {
  const reads: AccountRead[] = [];
  app.get<{ Querystring: { cursor?: string; count?: string; search?: string } }>(
    '/admin/v1/apps/:name/accounts',
    async (request) => {
      const { cursor, search } = request.query;
      const matches = matcher(search, total);
      const size = Math.min(Number(request.query.count ?? 100), 1000);
      const accounts = [];
      let i = Number(cursor ?? 0);
      for (; i < total && accounts.length < size; i++)
        if (matches(i)) accounts.push(fixtureAccount(i, total));
      // As the server: a next cursor only when another match follows.
      let more = false;
      for (let j = i; j < total && !more; j++) more = matches(j);
      reads.push({ cursor, search, accounts: accounts.length });
      return { accounts, ...(more ? { nextCursor: String(i) } : {}) };
    },
  );
  return reads;
}
