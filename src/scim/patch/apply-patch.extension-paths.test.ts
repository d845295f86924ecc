/**
 * Paths and path-less keys naming a whole extension schema (RFC 7644 §3.5.2 with RFC 7643 §3.3),
 * unknown attributes around them, and how failures inside an operation are reported.
 */
import { describe, expect, it } from 'vitest';
import { SchemaRegistry } from '../schema/schema-registry.js';
import type { AttributeResolver } from '../schema/schema-types.js';
import { isScimError, type ScimError } from '../scim-error.js';
import type { JsonObject } from '../../shared/json.js';
import { applyPatch } from './apply-patch.js';
import { parsePatchRequest } from './parse-patch-request.js';
import type { PatchOperation } from './patch-types.js';

const users = SchemaRegistry.withCoreSchemas().resolver('User');
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const user = (): JsonObject => ({
  schemas: [CORE, ENTERPRISE],
  id: 'u1',
  userName: 'bjensen',
  emails: [{ value: 'b@example.com', type: 'work' }],
  [ENTERPRISE]: { employeeNumber: '701984', department: 'Tours' },
});

function patch(resource: JsonObject, Operations: unknown[], resolver: AttributeResolver = users) {
  const ops = parsePatchRequest({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations });
  return applyPatch(resource, ops, { resolver });
}

function failure(run: () => unknown): ScimError {
  try {
    run();
  } catch (error) {
    if (isScimError(error)) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
}

describe('applyPatch: whole extension schemas', () => {
  it('removes every attribute of an extension named by its URN, and the URN from schemas', () => {
    const { resource, changedAttributes } = patch(user(), [{ op: 'remove', path: ENTERPRISE }]);
    expect(resource).not.toHaveProperty(ENTERPRISE);
    expect(resource['schemas']).toEqual([CORE]);
    expect(changedAttributes).toEqual([`${ENTERPRISE}:employeeNumber`, `${ENTERPRISE}:department`]);
  });

  it('removing an extension the resource does not have changes nothing', () => {
    const input = { schemas: [CORE], id: 'u1', userName: 'bjensen' };
    const { resource, changedAttributes } = patch(input, [{ op: 'remove', path: ENTERPRISE }]);
    expect(resource).toEqual(input);
    expect(changedAttributes).toEqual([]);
  });

  it('takes a path-less value keyed by an extension URN as that extension’s attributes', () => {
    const input = { schemas: [CORE], id: 'u1', userName: 'bjensen' };
    const { resource, changedAttributes } = patch(input, [
      { op: 'add', value: { [ENTERPRISE]: { employeeNumber: '7', manager: { value: 'boss' } } } },
    ]);
    expect(resource[ENTERPRISE]).toEqual({ employeeNumber: '7', manager: { value: 'boss' } });
    expect(resource['schemas']).toEqual([CORE, ENTERPRISE]);
    expect(changedAttributes).toEqual([`${ENTERPRISE}:employeeNumber`, `${ENTERPRISE}:manager`]);
  });

  it('refuses the core schema URN used as if it were an extension', () => {
    const error = failure(() => patch(user(), [{ op: 'add', path: CORE, value: { displayName: 'x' } }]));
    expect(error.scimType).toBe('invalidPath');
    expect(error.detail).toBe(`Operations[0]: "${CORE}": not an extension schema`);
  });

  it('refuses a URN-qualified key inside an extension object', () => {
    const error = failure(() =>
      patch(user(), [{ op: 'add', path: ENTERPRISE, value: { [`${ENTERPRISE}:department`]: 'x' } }]),
    );
    expect(error.scimType).toBe('invalidPath');
    expect(error.detail).toContain(`"${ENTERPRISE}.${ENTERPRISE}:department": unknown attribute`);
  });

  it('refuses a non-object value for a whole extension, and unknown schemas', () => {
    const notObject = failure(() => patch(user(), [{ op: 'add', path: ENTERPRISE, value: 'x' }]));
    expect(notObject.scimType).toBe('invalidPath');
    expect(notObject.detail).toBe(`Operations[0]: "${ENTERPRISE}": unknown attribute`);
    const pathLess = failure(() => patch(user(), [{ op: 'add', value: { 'urn:example:nothing:1.0:X': 'x' } }]));
    expect(pathLess.detail).toBe('Operations[0]: "urn:example:nothing:1.0:X": unknown attribute');
  });
});

describe('applyPatch: unknown attributes are invalidPath, whatever the operation', () => {
  it.each([
    ['remove', 'nosuch'],
    ['remove', 'urn:example:nothing:1.0:thing.sub'],
    ['remove', 'urn:example:nothing:1.0:thing[value eq "x"]'],
    ['add', 'urn:example:nothing:1.0:thing.sub'],
    ['add', 'urn:example:nothing:1.0:thing[value eq "x"]'],
  ])('%s %s', (op, path) => {
    const value = op === 'remove' ? undefined : { a: 'b' };
    const error = failure(() => patch(user(), [{ op, path, ...(value === undefined ? {} : { value }) }]));
    expect(error.scimType).toBe('invalidPath');
    expect(error.detail).toContain('unknown attribute');
  });
});

describe('applyPatch: failures inside an operation', () => {
  it('refuses a remove without a path, even when handed over unparsed', () => {
    const error = failure(() => applyPatch(user(), [{ op: 'remove' } as PatchOperation], { resolver: users }));
    expect(error.scimType).toBe('noTarget');
    expect(error.detail).toBe('Operations[0]: "remove" requires a "path"');
  });

  it('reports a misspelt sub-attribute in a value filter as invalidPath naming the path', () => {
    const error = failure(() => patch(user(), [{ op: 'remove', path: 'emails[tpye eq "work"]' }]));
    expect(error.scimType).toBe('invalidPath');
    expect(error.detail).toMatch(/^Operations\[0\]: "emails\[tpye eq "work"\]": .*tpye/);
  });

  it('answers a defect below with a 500 naming the operation, never a raw exception', () => {
    const broken: AttributeResolver = {
      resolve: () => {
        throw new TypeError('resolver broke');
      },
    };
    const error = failure(() => patch(user(), [{ op: 'remove', path: 'title' }], broken));
    expect(error.status).toBe(500);
    expect(error.detail).toBe('Operations[0]: resolver broke');
    const odd: AttributeResolver = {
      resolve: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- a defect may throw anything
        throw 'not an Error';
      },
    };
    expect(failure(() => patch(user(), [{ op: 'remove', path: 'title' }], odd)).detail).toBe(
      'Operations[0]: failed',
    );
  });
});
