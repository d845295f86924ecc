/**
 * Baseline A: bare fastify routes answering every benchmark request with a canned, pre-serialised
 * SCIM response. No storage, no validation, no auth: the most this machine can do over HTTP with
 * fastify, against which the real servers are measured.
 */
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { runServerChild } from './server-protocol.js';
import { seedUserBodies } from './seed-users.js';
import type { SeededUser, UserBody } from './seed-users.js';

const SCIM_JSON = 'application/scim+json';
const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

function asStoredUser(body: UserBody, id: string): object {
  const at = new Date('2026-01-01T00:00:00Z').toISOString();
  return {
    ...body,
    id,
    meta: {
      resourceType: 'User',
      created: at,
      lastModified: at,
      version: 'W/"1"',
      location: `/scim/v2/Users/${id}`,
    },
  };
}

function listResponse(resources: readonly object[]): string {
  return JSON.stringify({
    schemas: [LIST_SCHEMA],
    totalResults: resources.length,
    startIndex: 1,
    itemsPerPage: resources.length,
    Resources: resources,
  });
}

runServerChild(async () => {
  const bodies = seedUserBodies(100);
  const stored = bodies.map((body) => asStoredUser(body, randomUUID()));
  const oneUser = JSON.stringify(stored[0]);
  const oneUserList = listResponse(stored.slice(0, 1));
  const hundredUsersList = listResponse(stored);

  const app = Fastify({ logger: false });
  // Parse SCIM bodies like any JSON body, so POST and PATCH still pay for JSON parsing.
  app.addContentTypeParser(SCIM_JSON, { parseAs: 'string' }, app.getDefaultJsonParser('ignore', 'ignore'));

  app.post('/scim/v2/Users', async (_request, reply) => reply.code(201).type(SCIM_JSON).send(oneUser));
  app.get('/scim/v2/Users', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    return reply.type(SCIM_JSON).send(query.filter === undefined ? hundredUsersList : oneUserList);
  });
  app.patch('/scim/v2/Users/:id', async (_request, reply) => reply.type(SCIM_JSON).send(oneUser));

  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('fastify did not report a TCP port');

  // The driver needs ids and userNames to build requests; any will do for canned answers.
  const users: SeededUser[] = seedUserBodies(1000).map((body, n) => ({
    id: `canned-${n}`,
    userName: body.userName,
  }));
  return {
    ready: { port: address.port, token: '', users, notes: ['canned responses, no storage, no auth'] },
    stop: () => app.close(),
  };
});
