/**
 * The two request mixes of the soak. The hostile mix is what a fuzzer or a broken client sends:
 * bodies far over the limit (with and without Content-Length), deeply nested JSON on every route
 * that reads a body, filters near and over the length limit, attribute lists of a thousand long
 * entries, and a new filter text, attribute list and PATCH path on every request, so that every
 * cache keyed by request text is churned with large distinct keys. The normal mix is what an
 * identity provider sends (Entra ID's GET by userName, POST, PATCH; a list page; a GET by id).
 */
import type { SoakUser } from './soak-protocol.js';

/** One request to send. */
export interface SoakRequest {
  readonly method: 'GET' | 'POST' | 'PATCH';
  readonly path: string;
  readonly body?: Buffer;
  /** Send the body with chunked transfer encoding (no Content-Length). */
  readonly chunked?: boolean;
}

/** A kind of request: its label in the report and how to make the next one. */
export interface RequestKind {
  readonly label: string;
  next(): SoakRequest;
}

const USERS = '/scim/v2/Users';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const SEARCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const BULK_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

const MiB = 1024 * 1024;

function pick<T>(items: readonly T[]): T {
  const item = items[Math.floor(Math.random() * items.length)];
  if (item === undefined) throw new Error('nothing to pick from');
  return item;
}

function randomWord(length: number): string {
  let out = '';
  while (out.length < length) out += Math.random().toString(36).slice(2);
  return out.slice(0, length);
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

/** `prefix` + `depth` opening brackets + `inner` + the closing ones + `suffix`. */
function nested(
  prefix: string,
  open: string,
  inner: string,
  close: string,
  depth: number,
  suffix: string,
): Buffer {
  return Buffer.from(prefix + open.repeat(depth) + inner + close.repeat(depth) + suffix);
}

const FILTER_ATTRIBUTES = [
  'displayName',
  'title',
  'nickName',
  'name.givenName',
  'name.familyName',
  'externalId',
];
const FILTER_OPERATORS = ['eq', 'ne', 'co', 'sw', 'ew'];

/**
 * A filter of about `length` characters with a random shape (clause count, attributes, operators,
 * and / or), so that its text, its SQL and its printed form are new on every request. It matches
 * the seeded users (its first clause does), so a page of it is a full page the store may remember.
 */
export function randomFilter(length: number): string {
  let filter = 'userName sw "user" or (';
  let first = true;
  while (filter.length < length - 40) {
    const clause = `${pick(FILTER_ATTRIBUTES)} ${pick(FILTER_OPERATORS)} "${randomWord(4 + Math.floor(Math.random() * 24))}"`;
    filter += first ? clause : ` ${Math.random() < 0.5 ? 'and' : 'or'} ${clause}`;
    first = false;
  }
  return `${filter})`;
}

/** The hostile mix, aimed at the seeded `users` (PATCH needs an existing id). */
export function hostileKinds(users: readonly SoakUser[]): RequestKind[] {
  const userPath = (): string => `${USERS}/${pick(users).id}`;
  // The big bodies are built once: building 10 MB per request would make the driver the limit.
  const tenMiB = Buffer.from(
    `{"schemas":["${USER_SCHEMA}"],"userName":"big","displayName":"${'a'.repeat(10 * MiB)}"}`,
  );
  const tenMiBBulk = Buffer.from(
    `{"schemas":["${BULK_SCHEMA}"],"Operations":[{"method":"POST","bulkId":"b","path":"/Users","data":{"userName":"${'b'.repeat(10 * MiB)}"}}]}`,
  );
  // Just under the 1 MiB body limit and the 4 MiB bulk limit, so they reach the JSON parser.
  const deepUser = nested(`{"schemas":["${USER_SCHEMA}"],"userName":"deep","x":`, '[', '', ']', 500_000, '}');
  const deepObjects = nested(`{"schemas":["${SEARCH_SCHEMA}"],"x":`, '{"a":', '1', '}', 170_000, '}');
  const deepPatch = nested(
    `{"schemas":["${PATCH_SCHEMA}"],"Operations":[{"op":"add","path":"displayName","value":`,
    '[',
    '',
    ']',
    500_000,
    '}]}',
  );
  const deepBulk = nested(
    `{"schemas":["${BULK_SCHEMA}"],"Operations":[{"method":"POST","bulkId":"d","path":"/Users","data":`,
    '[',
    '',
    ']',
    2_000_000,
    '}]}',
  );
  return [
    { label: '10 MiB POST /Users', next: () => ({ method: 'POST', path: USERS, body: tenMiB }) },
    {
      label: '10 MiB POST /Users, chunked',
      next: () => ({ method: 'POST', path: USERS, body: tenMiB, chunked: true }),
    },
    { label: '10 MiB POST /Bulk', next: () => ({ method: 'POST', path: '/scim/v2/Bulk', body: tenMiBBulk }) },
    {
      label: 'POST /Users nested 500,000 deep',
      next: () => ({ method: 'POST', path: USERS, body: deepUser }),
    },
    {
      label: 'POST .search objects nested 170,000 deep',
      next: () => ({ method: 'POST', path: `${USERS}/.search`, body: deepObjects }),
    },
    {
      label: 'PATCH value nested 500,000 deep',
      next: () => ({ method: 'PATCH', path: userPath(), body: deepPatch }),
    },
    {
      label: 'POST /Bulk nested 2,000,000 deep',
      next: () => ({ method: 'POST', path: '/scim/v2/Bulk', body: deepBulk }),
    },
    {
      label: 'POST .search, new 20-60 KiB filter',
      next: () => ({
        method: 'POST',
        path: `${USERS}/.search`,
        body: json({
          schemas: [SEARCH_SCHEMA],
          filter: randomFilter(20_000 + Math.random() * 40_000),
          count: 1,
        }),
      }),
    },
    {
      label: 'POST .search, 200 KiB filter',
      next: () => ({
        method: 'POST',
        path: `${USERS}/.search`,
        body: json({ schemas: [SEARCH_SCHEMA], filter: randomFilter(200_000), count: 1 }),
      }),
    },
    {
      label: 'POST .search, 1000 new 900-byte attributes',
      next: () => {
        const tag = randomWord(12);
        const attributes = Array.from({ length: 1000 }, (_, i) => `urn:soak:${tag}:${i}:${'x'.repeat(880)}`);
        return {
          method: 'POST',
          path: `${USERS}/.search`,
          body: json({ schemas: [SEARCH_SCHEMA], attributes, count: 1 }),
        };
      },
    },
    {
      label: 'GET /Users, new 12 KiB attributes',
      next: () => {
        const tag = randomWord(12);
        const list = Array.from({ length: 12 }, (_, i) => `urn:soak:${tag}:${i}:${'y'.repeat(1000)}`).join(
          ',',
        );
        return { method: 'GET', path: `${USERS}?count=1&attributes=${encodeURIComponent(list)}` };
      },
    },
    {
      label: 'GET /Users, new short filter',
      next: () => ({
        method: 'GET',
        path: `${USERS}?count=1&filter=${encodeURIComponent(randomFilter(300))}`,
      }),
    },
    {
      label: 'PATCH, 200 new 500-char paths',
      next: () => {
        const Operations = Array.from({ length: 200 }, () => ({
          op: 'remove',
          path: `emails[value eq "${randomWord(470)}"].type`,
        }));
        return { method: 'PATCH', path: userPath(), body: json({ schemas: [PATCH_SCHEMA], Operations }) };
      },
    },
  ];
}

/** The normal mix: what identity providers send, aimed at the seeded users. */
export function normalKinds(users: readonly SoakUser[]): RequestKind[] {
  let created = 0;
  const prefix = `soak-${Date.now().toString(36)}-`;
  return [
    {
      label: 'GET /Users?filter=userName eq',
      next: () => ({
        method: 'GET',
        path: `${USERS}?filter=${encodeURIComponent(`userName eq "${pick(users).userName}"`)}`,
      }),
    },
    { label: 'GET /Users?count=50', next: () => ({ method: 'GET', path: `${USERS}?count=50` }) },
    { label: 'GET /Users/{id}', next: () => ({ method: 'GET', path: `${USERS}/${pick(users).id}` }) },
    {
      label: 'PATCH replace displayName, active',
      next: () => ({
        method: 'PATCH',
        path: `${USERS}/${pick(users).id}`,
        body: json({
          schemas: [PATCH_SCHEMA],
          Operations: [
            { op: 'Replace', path: 'displayName', value: `Soak ${randomWord(8)}` },
            { op: 'Replace', path: 'active', value: 'True' },
          ],
        }),
      }),
    },
    {
      label: 'POST /Users',
      next: () => {
        const userName = `${prefix}${created++}@example.com`;
        return {
          method: 'POST',
          path: USERS,
          body: json({
            schemas: [USER_SCHEMA],
            userName,
            name: { givenName: 'Soak', familyName: `User${created}` },
            emails: [{ value: userName, type: 'work', primary: true }],
            active: true,
          }),
        };
      },
    },
  ];
}
