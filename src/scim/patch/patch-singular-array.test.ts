/**
 * Tolerances T11 / T12 (patch-tolerances.ts): a singular complex attribute sent as a one-element
 * array, and the unqualified name of an extension attribute, in PATCH, POST and PUT.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonObject, JsonValue } from '../../shared/json.js';
import { validateResource } from '../resource/validate-resource.js';
import { SchemaRegistry } from '../schema/schema-registry.js';
import { SchemaUrn } from '../schema/schema-types.js';
import { errorOf as scimErrorOf } from '../../../test/support/scim-error-of.js';
import { applyPatch } from './apply-patch.js';
import { parsePatchRequest } from './parse-patch-request.js';

const registry = SchemaRegistry.withCoreSchemas();
const resolver = registry.resolver('User');
const ENT = SchemaUrn.enterpriseUser;
const base: JsonObject = { userName: 'u' };

const patch = (resource: JsonObject, ...operations: unknown[]) =>
  applyPatch(resource, parsePatchRequest({ schemas: [SchemaUrn.patchOp], Operations: operations }), {
    resolver,
  }).resource;

function errorOf(run: () => unknown): { scimType?: string; detail: string } {
  const error = scimErrorOf(run);
  return { scimType: error.scimType, detail: error.detail };
}

const managerValue: fc.Arbitrary<JsonObject> = fc.record({
  value: fc.string({ minLength: 1, maxLength: 8 }),
});
const singularPaths = [
  {
    path: 'manager',
    holder: (r: JsonObject) => (r[ENT] as JsonObject | undefined)?.manager,
    value: managerValue,
  },
  {
    path: `${ENT}:manager`,
    holder: (r: JsonObject) => (r[ENT] as JsonObject | undefined)?.manager,
    value: managerValue,
  },
  {
    path: 'name',
    holder: (r: JsonObject) => r.name,
    value: fc.record({ givenName: fc.string({ minLength: 1, maxLength: 8 }) }) as fc.Arbitrary<JsonObject>,
  },
];

describe('T11 in PATCH: a singular complex value as an array', () => {
  it('takes a one-element array as its element, with a path and without, for add and replace', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...singularPaths),
        fc.constantFrom('add', 'Add', 'replace'),
        fc.boolean(),
        fc.gen(),
        (target, op, withPath, gen) => {
          const value = gen(() => target.value) as JsonObject;
          const single = withPath
            ? patch(base, { op, path: target.path, value })
            : patch(base, { op, value: { [target.path]: value } });
          const wrapped = withPath
            ? patch(base, { op, path: target.path, value: [value] })
            : patch(base, { op, value: { [target.path]: [value] } });
          expect(wrapped).toEqual(single);
          expect(target.holder(wrapped)).toEqual(value);
        },
      ),
    );
  });

  it('refuses any other length with invalidValue naming the attribute, leaving the input as it was', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...singularPaths),
        fc.oneof(fc.constant(0), fc.integer({ min: 2, max: 6 })),
        fc.gen(),
        (target, length, gen) => {
          const values = Array.from({ length }, () => gen(() => target.value) as JsonValue);
          const before = structuredClone(base);
          const error = errorOf(() => patch(base, { op: 'add', path: target.path, value: values }));
          expect(error.scimType).toBe('invalidValue');
          expect(error.detail).toContain(target.path.endsWith('manager') ? 'manager' : 'name');
          expect(error.detail).toContain(String(length));
          expect(base).toEqual(before);
        },
      ),
    );
  });

  it('leaves multi-valued attributes alone: an array there is a list of values', () => {
    const out = patch(base, { op: 'add', path: 'emails', value: [{ value: 'a@x' }, { value: 'b@x' }] });
    expect(out.emails).toHaveLength(2);
  });
});

describe('T11 / T12 in POST and PUT', () => {
  const validate = (body: JsonObject, mode: 'create' | 'replace' = 'create') =>
    validateResource(registry, 'User', { schemas: [SchemaUrn.user], userName: 'u', ...body }, mode, {});

  it('takes a one-element array for a singular complex attribute', () => {
    expect(validate({ name: [{ givenName: 'Ada' }] }).name).toEqual({ givenName: 'Ada' });
    expect(validate({ [ENT]: { manager: [{ value: 'm' }] } }, 'replace')[ENT]).toEqual({
      manager: { value: 'm' },
    });
    expect(validate({ [`${ENT}:manager`]: [{ value: 'm' }] })[ENT]).toEqual({ manager: { value: 'm' } });
  });

  it('refuses two elements naming the attribute', () => {
    const error = errorOf(() => validate({ name: [{ givenName: 'a' }, { givenName: 'b' }] }));
    expect(error).toEqual({ scimType: 'invalidValue', detail: expect.stringContaining('name') });
  });

  it('nests an unqualified extension attribute under its URN', () => {
    expect(validate({ manager: { value: 'm' }, employeeNumber: '7' })[ENT]).toEqual({
      manager: { value: 'm' },
      employeeNumber: '7',
    });
  });
});
