/**
 * The four request shapes the servers are compared on, written once so every server receives the
 * same requests: what identity providers send most (Entra ID's provisioning sequence is GET by
 * userName filter, POST, PATCH replace) plus a plain list page.
 */
import type { Request } from 'autocannon';
import type { SeededUser } from './seed-users.js';
import { userBody } from './seed-users.js';

export const SCENARIOS = ['post', 'filter', 'patch', 'list'] as const;
export type ScenarioId = (typeof SCENARIOS)[number];

/** Column titles for the report. */
export const SCENARIO_TITLES: Readonly<Record<ScenarioId, string>> = {
  post: 'POST /Users',
  filter: 'GET /Users?filter=userName eq',
  patch: 'PATCH replace',
  list: 'GET /Users?count=100',
};

const USERS_PATH = '/scim/v2/Users';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** The target a scenario is aimed at. */
export interface ScenarioTarget {
  readonly token: string;
  readonly users: readonly SeededUser[];
}

/** One concrete request: what autocannon sends and what a sanity check expects back. */
export interface ScenarioRequest {
  readonly method: 'GET' | 'POST' | 'PATCH';
  readonly path: string;
  readonly body?: string;
}

/** Issues the unique userNames of POST bodies; shared by all runs so no two bodies collide. */
export class UserNameSequence {
  private next = 0;
  constructor(private readonly prefix: string) {}

  /** The next body to POST. */
  nextBody(): string {
    return JSON.stringify(userBody(this.prefix, this.next++));
  }
}

function pick<T>(items: readonly T[]): T {
  const item = items[Math.floor(Math.random() * items.length)];
  if (item === undefined) throw new Error('cannot pick from an empty list of seeded users');
  return item;
}

/** Builds the next request of a scenario; random users are drawn fresh for every request. */
export function nextRequest(
  scenario: ScenarioId,
  target: ScenarioTarget,
  names: UserNameSequence,
): ScenarioRequest {
  switch (scenario) {
    case 'post':
      return { method: 'POST', path: USERS_PATH, body: names.nextBody() };
    case 'filter': {
      const filter = `userName eq "${pick(target.users).userName}"`;
      return { method: 'GET', path: `${USERS_PATH}?filter=${encodeURIComponent(filter)}` };
    }
    case 'patch': {
      const user = pick(target.users);
      const body = {
        schemas: [PATCH_SCHEMA],
        Operations: [
          { op: 'replace', path: 'displayName', value: `Renamed ${Math.random().toString(36).slice(2, 10)}` },
          { op: 'replace', path: 'active', value: Math.random() < 0.5 },
        ],
      };
      return {
        method: 'PATCH',
        path: `${USERS_PATH}/${encodeURIComponent(user.id)}`,
        body: JSON.stringify(body),
      };
    }
    case 'list':
      return { method: 'GET', path: `${USERS_PATH}?count=100` };
  }
}

/** The status a correct server answers a scenario's request with. */
export function expectedStatus(scenario: ScenarioId): number {
  return scenario === 'post' ? 201 : 200;
}

/** Request headers every server receives (a bearer token and the SCIM media type, RFC 7644 §3.1). */
export function requestHeaders(target: ScenarioTarget): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/scim+json',
    accept: 'application/scim+json',
  };
  if (target.token !== '') headers.authorization = `Bearer ${target.token}`;
  return headers;
}

/** The autocannon request pipeline for a scenario: one request, rebuilt before every send. */
export function autocannonRequests(
  scenario: ScenarioId,
  target: ScenarioTarget,
  names: UserNameSequence,
): Request[] {
  return [
    {
      setupRequest: (request: Request): Request => {
        const next = nextRequest(scenario, target, names);
        return { ...request, method: next.method, path: next.path, body: next.body };
      },
    },
  ];
}
