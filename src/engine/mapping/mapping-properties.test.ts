import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { JsonObject, JsonValue } from '../../shared/json.js';
import { compileObjectMapping } from './object-mapping.js';
import { diffTargetObjects, hashTargetObject } from './diff-target-objects.js';
import { compileSourceReader } from '../source/source-reader.js';
import { ENTERPRISE, userSource } from '../source/test-fixtures.js';

/** Source paths that are also valid target paths: a direct mapping of each must round-trip. */
const PATHS = [
  'userName',
  'displayName',
  'title',
  'name.givenName',
  'name.familyName',
  'emails[type eq "work"].value',
  'emails[type eq "home"].value',
  'phoneNumbers[type eq "work"].value',
  'addresses[type eq "work"].locality',
  'addresses[type eq "work"].country',
  `${ENTERPRISE}:department`,
  `${ENTERPRISE}:employeeNumber`,
] as const;

const word = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('Ölçü', 'a b', '"q"', '[x]'));
const maybe = fc.option(word, { nil: undefined });

/** A random user resource, with some attributes missing. */
const arbUser = fc
  .record({
    userName: word,
    displayName: maybe,
    title: maybe,
    givenName: maybe,
    familyName: maybe,
    workEmail: maybe,
    homeEmail: maybe,
    workPhone: maybe,
    locality: maybe,
    country: maybe,
    department: maybe,
    employeeNumber: maybe,
  })
  .map((u) => {
    const resource: JsonObject = { userName: u.userName };
    if (u.displayName !== undefined) resource.displayName = u.displayName;
    if (u.title !== undefined) resource.title = u.title;
    const name: JsonObject = {};
    if (u.givenName !== undefined) name.givenName = u.givenName;
    if (u.familyName !== undefined) name.familyName = u.familyName;
    resource.name = name;
    const emails: JsonObject[] = [];
    if (u.homeEmail !== undefined) emails.push({ type: 'home', value: u.homeEmail });
    if (u.workEmail !== undefined) emails.push({ type: 'work', value: u.workEmail });
    resource.emails = emails;
    if (u.workPhone !== undefined) resource.phoneNumbers = [{ type: 'work', value: u.workPhone }];
    const address: JsonObject = { type: 'work' };
    if (u.locality !== undefined) address.locality = u.locality;
    if (u.country !== undefined) address.country = u.country;
    resource.addresses = [address];
    const enterprise: JsonObject = {};
    if (u.department !== undefined) enterprise.department = u.department;
    if (u.employeeNumber !== undefined) enterprise.employeeNumber = u.employeeNumber;
    resource[ENTERPRISE] = enterprise;
    return resource;
  });

const directMapping = (() => {
  const result = compileObjectMapping('user', { mappings: PATHS.map((p) => ({ target: p, source: p })) });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.mapping;
})();

const readers = PATHS.map((p) => [p, compileSourceReader('user', p)] as const);

/** Reorders keys and multi-valued lists without changing what the object means. */
function shuffled(value: JsonValue, seed: number): JsonValue {
  if (Array.isArray(value)) {
    const items = value.map((v, i) => shuffled(v, seed + i));
    return seed % 2 === 0 ? items.reverse() : items;
  }
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (seed % 3 === 0) keys.reverse();
  const out: JsonObject = {};
  for (const key of keys) out[key] = shuffled(value[key]!, seed + key.length);
  return out;
}

describe('mapping properties', () => {
  it('a direct mapping of SCIM paths writes what it read, at the same paths', () => {
    fc.assert(
      fc.property(arbUser, fc.constantFrom('create' as const, 'update' as const), (resource, operation) => {
        const source = userSource(resource);
        const { target, errors } = directMapping.mapObject(source, { operation });
        expect(errors).toEqual([]);
        const back = userSource(target);
        for (const [, read] of readers) expect(read(back)).toEqual(read(source));
      }),
      { numRuns: 300 },
    );
  });

  it('entries written through one value filter are merged into one entry', () => {
    fc.assert(
      fc.property(arbUser, (resource) => {
        const { target } = directMapping.mapObject(userSource(resource), { operation: 'update' });
        const addresses = target.addresses as JsonObject[];
        expect(addresses.filter((a) => a.type === 'work')).toHaveLength(1);
      }),
    );
  });

  it('the hash ignores key order and the order of multi-valued lists, and sees every value', () => {
    fc.assert(
      fc.property(arbUser, fc.nat(), word, (resource, seed, other) => {
        const { target } = directMapping.mapObject(userSource(resource), { operation: 'create' });
        expect(hashTargetObject(shuffled(target, seed) as JsonObject)).toBe(hashTargetObject(target));
        const changed = { ...target, userName: `${String(target.userName)}${other}x` };
        expect(hashTargetObject(changed)).not.toBe(hashTargetObject(target));
      }),
    );
  });

  it('diffs are empty between equal objects and list exactly the leaves that differ', () => {
    fc.assert(
      fc.property(arbUser, arbUser, fc.nat(), (a, b, seed) => {
        const before = directMapping.mapObject(userSource(a), { operation: 'update' }).target;
        const after = directMapping.mapObject(userSource(b), { operation: 'update' }).target;
        expect(diffTargetObjects(shuffled(after, seed) as JsonObject, after)).toEqual([]);
        const changes = diffTargetObjects(before, after);
        const readBefore = userSource(before);
        const readAfter = userSource(after);
        const differing = readers.filter(
          ([, read]) => JSON.stringify(read(readBefore)) !== JSON.stringify(read(readAfter)),
        );
        expect(changes.map((c) => c.path.toLowerCase()).sort()).toEqual(
          differing.map(([p]) => p.toLowerCase()).sort(),
        );
        for (const change of changes) expect(change.old).not.toEqual(change.new);
        // No change at all exactly when the two objects hash the same.
        expect(changes.length === 0).toBe(hashTargetObject(before) === hashTargetObject(after));
      }),
      { numRuns: 300 },
    );
  });
});
