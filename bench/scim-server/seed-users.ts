/**
 * The data every server under test holds: the same seeded users for each, so the comparison is
 * about the servers and not about what they store.
 */

/** A SCIM User body as a client would POST it (RFC 7643 §4.1), without server-assigned id or meta. */
export interface UserBody {
  readonly schemas: readonly string[];
  readonly userName: string;
  readonly externalId: string;
  readonly name: { readonly givenName: string; readonly familyName: string };
  readonly displayName: string;
  readonly emails: readonly { readonly value: string; readonly type: string; readonly primary: boolean }[];
  readonly active: boolean;
}

/** What the load driver needs to know about each seeded user: its id for PATCH, its userName for filters. */
export interface SeededUser {
  readonly id: string;
  readonly userName: string;
}

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** The user body for sequence number `n`; `prefix` keeps bodies from different runs apart. */
export function userBody(prefix: string, n: number): UserBody {
  const userName = `${prefix}${n}@example.com`;
  return {
    schemas: [USER_SCHEMA],
    userName,
    externalId: `${prefix}ext-${n}`,
    name: { givenName: 'Given', familyName: `Family${n}` },
    displayName: `Given Family${n}`,
    emails: [{ value: userName, type: 'work', primary: true }],
    active: true,
  };
}

/** The deterministic seed set: `count` users named `user<n>@example.com`. */
export function seedUserBodies(count: number): UserBody[] {
  return Array.from({ length: count }, (_, n) => userBody('user', n));
}
