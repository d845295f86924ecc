/**
 * Property tests: random operation lists against random valid users never throw anything but a
 * 400 ScimError, never modify the (deep-frozen) input, and satisfy the add/replace laws.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SchemaRegistry } from '../schema/schema-registry.js';
import { isScimError } from '../scim-error.js';
import type { JsonObject, JsonValue } from '../../shared/json.js';
import { applyPatch } from './apply-patch.js';
import { parsePatchRequest } from './parse-patch-request.js';
import type { PatchOperation } from './patch-types.js';

const users = SchemaRegistry.withCoreSchemas().resolver('User');
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const emailArb = fc.record(
  { value: fc.emailAddress(), type: fc.constantFrom('work', 'home', 'other'), primary: fc.boolean() },
  { requiredKeys: ['value'] },
);

/** A valid user: at most one primary email, optional enterprise extension. */
const userArb: fc.Arbitrary<JsonObject> = fc
  .record(
    {
      userName: fc.string({ minLength: 1, maxLength: 12 }),
      displayName: fc.string({ maxLength: 12 }),
      title: fc.string({ maxLength: 12 }),
      active: fc.boolean(),
      name: fc.record(
        { givenName: fc.string({ maxLength: 8 }), familyName: fc.string({ maxLength: 8 }) },
        { requiredKeys: [] },
      ),
      emails: fc.array(emailArb, { maxLength: 4 }),
      ext: fc.record(
        { employeeNumber: fc.string({ maxLength: 6 }), department: fc.string({ maxLength: 6 }) },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: ['userName'] },
  )
  .map(({ ext, emails, ...rest }) => {
    const user: JsonObject = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      id: 'u-1',
      ...rest,
      meta: { resourceType: 'User' },
    };
    if (emails !== undefined) {
      let seenPrimary = false;
      user['emails'] = emails.map((e) => {
        if (e.primary === true && seenPrimary) return { ...e, primary: false };
        if (e.primary === true) seenPrimary = true;
        return e;
      });
    }
    if (ext !== undefined && Object.keys(ext).length > 0) {
      user['schemas'] = ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE];
      user[ENTERPRISE] = ext;
    }
    return user;
  });

const pathArb = fc.constantFrom(
  undefined,
  '',
  'userName',
  'displayName',
  'title',
  'active',
  'name',
  'name.givenName',
  'NAME.familyName',
  'emails',
  'emails.type',
  'emails[type eq "work"]',
  'emails[type eq "work"].value',
  'emails[value co "@"].primary',
  'emails[type eq "home" or primary eq true]',
  'id',
  'meta',
  'meta.created',
  'groups',
  'shoeSize',
  'name.nick',
  `${ENTERPRISE}:employeeNumber`,
  `${ENTERPRISE}:manager.value`,
  ENTERPRISE,
  'emails[',
);

const valueArb: fc.Arbitrary<JsonValue | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom('x', 'True', 'false', '2020-01-01T00:00:00Z', true, false, 0, null),
  emailArb as fc.Arbitrary<JsonValue>,
  fc.array(emailArb, { maxLength: 3 }) as fc.Arbitrary<JsonValue>,
  fc.record({
    givenName: fc.string({ maxLength: 4 }),
    familyName: fc.string({ maxLength: 4 }),
  }) as fc.Arbitrary<JsonValue>,
  fc.constantFrom<JsonValue>(
    { active: 'False' },
    { 'name.givenName': 'A' },
    { [`${ENTERPRISE}:manager`]: { value: 'm' } },
    { id: 'u-1', title: 't' },
  ),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<JsonValue>,
);

const opArb = fc.record({
  op: fc.constantFrom('add', 'remove', 'replace', 'Add', 'Replace', 'Remove'),
  path: pathArb,
  value: valueArb,
});

type RawOp = { op: string; path: string | undefined; value: JsonValue | undefined };

/** Operations that fit the schema, so that most random requests succeed and exercise the merge rules. */
const wellTypedOpArb: fc.Arbitrary<RawOp> = fc.oneof(
  fc.record({
    op: fc.constantFrom('add', 'Replace'),
    path: fc.constantFrom('title', 'displayName', 'name.givenName', `${ENTERPRISE}:department`),
    value: fc.string({ maxLength: 6 }),
  }),
  fc.record({
    op: fc.constant('Replace'),
    path: fc.constant('active'),
    value: fc.constantFrom<JsonValue>(true, false, 'True', 'False'),
  }),
  fc.record({
    op: fc.constantFrom('add', 'replace'),
    path: fc.constant('emails'),
    value: fc.array(
      emailArb.map((e) => ({ ...e, primary: false })),
      { maxLength: 3 },
    ) as fc.Arbitrary<JsonValue>,
  }),
  fc.record({
    op: fc.constantFrom('add', 'replace'),
    path: fc.constant('emails'),
    value: emailArb.map((e) => [{ ...e, primary: true }]) as fc.Arbitrary<JsonValue>,
  }),
  fc.record({
    op: fc.constantFrom('Add', 'replace'),
    path: fc.constantFrom('emails[type eq "work"].value', 'emails[type eq "home"].value'),
    value: fc.emailAddress() as fc.Arbitrary<JsonValue>,
  }),
  fc.record({
    op: fc.constantFrom('add', 'replace'),
    path: fc.constant('emails[type eq "home"].primary'),
    value: fc.boolean() as fc.Arbitrary<JsonValue>,
  }),
  fc.record({
    op: fc.constant('remove'),
    path: fc.constantFrom(
      'title',
      'displayName',
      'name',
      'name.familyName',
      'emails',
      'emails[type eq "home"]',
      'emails[type eq "work"].type',
      `${ENTERPRISE}:employeeNumber`,
    ),
    value: fc.constant(undefined),
  }),
  fc.record({
    op: fc.constantFrom('replace', 'add'),
    path: fc.constant(undefined),
    value: fc.record({
      title: fc.string({ maxLength: 4 }),
      active: fc.constantFrom<JsonValue>('False', true),
    }) as fc.Arbitrary<JsonValue>,
  }),
);

function toBody(ops: readonly RawOp[]): unknown {
  return {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: ops.map((o) => {
      const out: Record<string, unknown> = { op: o.op };
      if (o.path !== undefined) out['path'] = o.path;
      if (o.value !== undefined) out['value'] = o.value;
      return out;
    }),
  };
}

describe('applyPatch properties', () => {
  it('random operations throw only 400 ScimErrors and never modify the input', () => {
    fc.assert(
      fc.property(
        userArb,
        fc.array(fc.oneof({ weight: 4, arbitrary: wellTypedOpArb }, { weight: 1, arbitrary: opArb }), {
          minLength: 1,
          maxLength: 5,
        }),
        (user, rawOps) => {
          const snapshot = structuredClone(user);
          const frozen = deepFreeze(user);
          try {
            const { resource } = applyPatch(frozen, parsePatchRequest(toBody(rawOps)), { resolver: users });
            // At most one primary email survives any sequence that starts from a valid user.
            const emails = resource['emails'];
            if (Array.isArray(emails)) {
              expect(emails.filter((e) => (e as JsonObject)['primary'] === true).length).toBeLessThanOrEqual(
                1,
              );
            }
          } catch (error) {
            if (!isScimError(error) || error.status !== 400) throw error;
          }
          expect(frozen).toEqual(snapshot);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('adding the same values twice equals adding them once', () => {
    fc.assert(
      fc.property(userArb, fc.array(emailArb, { minLength: 1, maxLength: 3 }), (user, emails) => {
        const add: PatchOperation = {
          op: 'add',
          path: parsePatchRequest(toBody([{ op: 'add', path: 'emails', value: [] }]))[0]?.path,
          value: emails.map((e) => ({ ...e, primary: false })),
        };
        const once = applyPatch(user, [add], { resolver: users }).resource;
        const twice = applyPatch(once, [add], { resolver: users });
        expect(twice.resource).toEqual(once);
        expect(twice.changedAttributes).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('replace then read back gives the value', () => {
    const cases = fc.oneof(
      fc.record({
        path: fc.constant('title'),
        value: fc.string() as fc.Arbitrary<JsonValue>,
        read: fc.constant((r: JsonObject) => r['title']),
      }),
      fc.record({
        path: fc.constant('active'),
        value: fc.boolean() as fc.Arbitrary<JsonValue>,
        read: fc.constant((r: JsonObject) => r['active']),
      }),
      fc.record({
        path: fc.constant('name.givenName'),
        value: fc.string() as fc.Arbitrary<JsonValue>,
        read: fc.constant((r: JsonObject) => (r['name'] as JsonObject | undefined)?.['givenName']),
      }),
      fc.record({
        path: fc.constant(`${ENTERPRISE}:department`),
        value: fc.string() as fc.Arbitrary<JsonValue>,
        read: fc.constant((r: JsonObject) => (r[ENTERPRISE] as JsonObject | undefined)?.['department']),
      }),
    );
    fc.assert(
      fc.property(userArb, cases, (user, { path, value, read }) => {
        const ops = parsePatchRequest(toBody([{ op: 'replace', path, value }]));
        expect(read(applyPatch(deepFreeze(user), ops, { resolver: users }).resource)).toEqual(value);
      }),
      { numRuns: 400 },
    );
  });

  it('any JSON body given to parsePatchRequest gives operations or a 400 ScimError', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.record({
            schemas: fc.constant(['urn:ietf:params:scim:api:messages:2.0:PatchOp']),
            Operations: fc.array(fc.anything(), { maxLength: 4 }),
          }),
        ),
        (body) => {
          try {
            parsePatchRequest(body);
          } catch (error) {
            if (!isScimError(error) || error.status !== 400) throw error;
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a malformed stored resource gives a result or a 400 ScimError, never a crash', () => {
    const storedArb = fc.dictionary(
      fc.constantFrom('userName', 'name', 'emails', 'active', 'title', ENTERPRISE, 'schemas', 'EMAILS'),
      fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<JsonValue>,
    );
    fc.assert(
      fc.property(
        storedArb,
        fc.array(fc.oneof(wellTypedOpArb, opArb), { minLength: 1, maxLength: 3 }),
        (stored, rawOps) => {
          const snapshot = structuredClone(stored);
          try {
            applyPatch(deepFreeze(stored), parsePatchRequest(toBody(rawOps)), { resolver: users });
          } catch (error) {
            if (!isScimError(error) || error.status !== 400) throw error;
          }
          expect(stored).toEqual(snapshot);
        },
      ),
      { numRuns: 800 },
    );
  });
});
