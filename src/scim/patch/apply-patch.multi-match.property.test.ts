/**
 * Value filters that select SEVERAL values of a multi-valued attribute (RFC 7644 §3.5.2.2 remove,
 * §3.5.2.3 replace): every matching value is removed or replaced, and no other value changes.
 * The matches are decided here by a plain reference predicate, not by the filter compiler.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonObject, JsonValue } from '../../shared/json.js';
import { SchemaRegistry } from '../schema/schema-registry.js';
import { applyPatch } from './apply-patch.js';
import { parsePatchRequest } from './parse-patch-request.js';

const registry = SchemaRegistry.withCoreSchemas();
const users = registry.resolver('User');
const groups = registry.resolver('Group');

interface Email {
  value: string;
  type: string;
  display?: string;
}

/** A value filter on emails, as text and as the reference predicate it means. */
interface EmailFilter {
  readonly text: string;
  readonly matches: (email: Email) => boolean;
}

const TYPES = ['work', 'Work', 'home', 'other'] as const;
const DOMAINS = ['a.example', 'B.example', 'c.example'] as const;

/** `type eq`, `value ew` and a conjunction: type and value are caseExact false (RFC 7643 §4.1.2). */
const emailFilterArb: fc.Arbitrary<EmailFilter> = fc.oneof(
  fc.constantFrom('work', 'WORK', 'home').map((t) => ({
    text: `type eq "${t}"`,
    matches: (e: Email) => e.type.toLowerCase() === t.toLowerCase(),
  })),
  fc.constantFrom('a.example', '@B.EXAMPLE').map((suffix) => ({
    text: `value ew "${suffix}"`,
    matches: (e: Email) => e.value.toLowerCase().endsWith(suffix.toLowerCase()),
  })),
  fc.constantFrom('work', 'home').map((t) => ({
    text: `type eq "${t}" and not (value sw "u0")`,
    matches: (e: Email) => e.type.toLowerCase() === t && !e.value.startsWith('u0'),
  })),
);

/** Emails with distinct values (u<i>@domain), some with a display. */
const emailsArb: fc.Arbitrary<Email[]> = fc
  .array(
    fc.record(
      {
        type: fc.constantFrom(...TYPES),
        domain: fc.constantFrom(...DOMAINS),
        display: fc.constantFrom('Primary mail', 'Old', 'x'),
      },
      { requiredKeys: ['type', 'domain'] },
    ),
    { minLength: 2, maxLength: 9 },
  )
  .map((list) =>
    list.map(({ type, domain, display }, i) => ({
      value: `u${i}@${domain}`,
      type,
      ...(display === undefined ? {} : { display }),
    })),
  );

/** A user and a filter that matches at least two of its emails. */
const caseArb = fc
  .tuple(emailsArb, emailFilterArb)
  .filter(([emails, filter]) => emails.filter(filter.matches).length >= 2);

function userWith(emails: Email[]): JsonObject {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    id: 'u-1',
    userName: 'bjensen',
    emails: emails as unknown as JsonValue,
    meta: { resourceType: 'User' },
  };
}

function patch(resource: JsonObject, operations: unknown[], resolver = users): JsonObject {
  const ops = parsePatchRequest({
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: operations,
  });
  return applyPatch(resource, ops, { resolver }).resource;
}

describe('PATCH through a value filter that matches several values', () => {
  it('remove drops every matching value and keeps every other one, in order (property)', () => {
    fc.assert(
      fc.property(caseArb, ([emails, filter]) => {
        const after = patch(userWith(emails), [{ op: 'remove', path: `emails[${filter.text}]` }]);
        const kept = emails.filter((e) => !filter.matches(e));
        // RFC 7643 §2.5: an attribute left with no values is unassigned.
        expect(after.emails).toEqual(kept.length === 0 ? undefined : kept);
      }),
      { numRuns: 300 },
    );
  });

  it('remove of a sub-attribute takes it from every matching value only (property)', () => {
    fc.assert(
      fc.property(caseArb, ([emails, filter]) => {
        const after = patch(userWith(emails), [{ op: 'remove', path: `emails[${filter.text}].display` }]);
        const expected = emails.map((e) => {
          if (!filter.matches(e)) return e;
          const { display: _display, ...rest } = e;
          return rest;
        });
        expect(after.emails).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('replace of a sub-attribute sets it on every matching value only (property)', () => {
    fc.assert(
      fc.property(caseArb, ([emails, filter]) => {
        const after = patch(userWith(emails), [
          { op: 'replace', path: `emails[${filter.text}].display`, value: 'Replaced' },
        ]);
        const expected = emails.map((e) => (filter.matches(e) ? { ...e, display: 'Replaced' } : e));
        expect(after.emails).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('replace of whole values swaps every matching value only (property)', () => {
    fc.assert(
      fc.property(caseArb, ([emails, filter]) => {
        const replacement = { value: 'new@d.example', type: 'other' };
        const after = patch(userWith(emails), [
          { op: 'replace', path: `emails[${filter.text}]`, value: replacement },
        ]);
        const expected = emails.map((e) => (filter.matches(e) ? replacement : e));
        expect(after.emails).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('remove of group members by type removes all of that type and no other member', () => {
    const members = [
      { value: 'a1', type: 'User' },
      { value: 'g1', type: 'Group' },
      { value: 'a2', type: 'User' },
      { value: 'g2', type: 'Group' },
      { value: 'a3', type: 'User' },
    ];
    const group: JsonObject = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      id: 'g-0',
      displayName: 'All',
      members,
    };
    const after = patch(group, [{ op: 'remove', path: 'members[type eq "user"]' }], groups);
    expect(after.members).toEqual([
      { value: 'g1', type: 'Group' },
      { value: 'g2', type: 'Group' },
    ]);
  });
});
