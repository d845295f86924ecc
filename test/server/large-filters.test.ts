/**
 * Filters of the largest size the parser accepts, over HTTP: each answers 200 with the right
 * resources, never a 5xx (SQLite refuses expressions nested 1000 deep; a chain of 1000 terms
 * once nested that deep).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILTER_LIMITS } from '../../src/scim/filter/filter-parser.js';
import { BACKENDS, startTestServer, USER_SCHEMA } from './server-harness.js';
import type { TestServer } from './server-harness.js';
import { longestFilter } from '../directory/large-filter-suite.js';

const SEARCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const USERS = 40;

describe.each(BACKENDS)('filters at the parser maximum over HTTP (%s)', (backend) => {
  let s: TestServer;
  let ids: string[];
  beforeAll(async () => {
    s = await startTestServer(backend);
    ids = [];
    for (let i = 0; i < USERS; i++) {
      const created = await s.request('POST', '/Users', { schemas: [USER_SCHEMA], userName: `big${i}` });
      expect(created.status).toBe(201);
      ids.push(created.body.id);
    }
  });
  afterAll(async () => {
    await s.close();
  });

  async function search(filter: string) {
    expect(filter.length).toBeLessThanOrEqual(FILTER_LIMITS.maxLength);
    return s.request('POST', '/Users/.search', { schemas: [SEARCH_SCHEMA], filter, count: 1000 });
  }

  it('answers an or-chain of userName eq of 64 KiB with the users it names', async () => {
    const filter = longestFilter(
      (i) => `userName eq "${i % 2 === 0 ? `BIG${(i / 2) % 20}` : `x${i}`}"`,
      ' or ',
    );
    const response = await search(filter);
    expect(response.status).toBe(200);
    expect(response.body.totalResults).toBe(20);
    const names = response.body.Resources.map((r: { userName: string }) => r.userName).sort();
    expect(names).toEqual(Array.from({ length: 20 }, (_, i) => `big${i}`).sort());
  });

  it('answers the filter with the most terms, and-chains and value filters', async () => {
    const shortest = await search(longestFilter(() => 'id pr', ' or '));
    expect(shortest.status).toBe(200);
    expect(shortest.body.totalResults).toBe(USERS);
    const and = await search(longestFilter((i) => `userName ne "big${i + 10}"`, ' and '));
    expect(and.status).toBe(200);
    expect(and.body.totalResults).toBe(10);
    const valuePath = await search(
      longestFilter((i) => `emails[value eq "nobody${i}@example.com"] or id eq "${ids[i % USERS]}"`, ' or '),
    );
    expect(valuePath.status).toBe(200);
    expect(valuePath.body.totalResults).toBe(USERS);
  });
});
