/**
 * Paths and path-less keys naming a whole extension schema (RFC 7644 §3.5.2 with RFC 7643 §3.3),
 * unknown attributes around them, and how failures inside an operation are reported.
 */
import { describe, expect, it } from 'vitest';
import { SchemaRegistry } from '../schema/schema-registry.js';
import type { AttributeResolver } from '../schema/schema-types.js';
import { errorOf } from '../../../test/support/scim-error-of.js';
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
    const error = errorOf(() => patch(user(), [{ op: 'add', path: CORE, value: { displayName: 'x' } }]));
    expect(error.scimType).toBe('invalidPath');
    expect(error.detail).toBe(`Operations[0]: "${CORE}": not an extension schema`);
  });

  it('refuses a URN-qualified key inside an extension object', () => {
    const error = errorOf(() =>
      patch(user(), [{ op: 'add', path: ENTERPRISE, value: { [`${ENTERPRISE}:department`]: 'x' } }]),
    );
    expect(error.scimType).toBe('invalidPath');
    expect(error.detail).toContain(`"${ENTERPRISE}.${ENTERPRISE}:department": unknown attribute`);
  });

  it('refuses a non-object value for a whole extension, and unknown schemas', () => {
    const notObject = errorOf(() => patch(user(), [{ op: 'add', path: ENTERPRISE, value: 'x' }]));
    expect(notObject.scimType).toBe('invalidPath');
    expect(notObject.detail).toBe(`Operations[0]: "${ENTERPRISE}": unknown attribute`);
    const pathLess = errorOf(() =>
      patch(user(), [{ op: 'add', value: { 'urn:example:nothing:1.0:X': 'x' } }]),
    );
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
    const error = errorOf(() => patch(user(), [{ op, path, ...(value === undefined ? {} : { value }) }]));
    expect(error.scimType).toBe('invalidPath');
    expect(error.detail).toContain('unknown attribute');
  });
});

describe('applyPatch: failures inside an operation', () => {
  it('refuses a remove without a path, even when handed over unparsed', () => {
    const error = errorOf(() =>
      applyPatch(user(), [{ op: 'remove' } as PatchOperation], { resolver: users }),
    );
    expect(error.scimType).toBe('noTarget');
    expect(error.detail).toBe('Operations[0]: "remove" requires a "path"');
  });

  it('reports a misspelt sub-attribute in a value filter as invalidPath naming the path', () => {
    const error = errorOf(() => patch(user(), [{ op: 'remove', path: 'emails[tpye eq "work"]' }]));
    expect(error.scimType).toBe('invalidPath');
    expect(error.detail).toMatch(/^Operations\[0\]: "emails\[tpye eq "work"\]": .*tpye/);
  });

  it('answers a defect below with a 500 naming the operation, never a raw exception', () => {
    const broken: AttributeResolver = {
      resolve: () => {
        throw new TypeError('resolver broke');
      },
    };
    const error = errorOf(() => patch(user(), [{ op: 'remove', path: 'title' }], broken));
    expect(error.status).toBe(500);
    expect(error.detail).toBe('Operations[0]: resolver broke');
    const odd: AttributeResolver = {
      resolve: () => {
        throw 'not an Error';
      },
    };
    expect(errorOf(() => patch(user(), [{ op: 'remove', path: 'title' }], odd)).detail).toBe(
      'Operations[0]: failed',
    );
  });
});

describe('applyPatch: the extension object and schemas', () => {
  it('moves an extension stored under a differently-cased URN to the canonical key', () => {
    const input: JsonObject = {
      schemas: [CORE, ENTERPRISE.toLowerCase()],
      id: 'u1',
      [ENTERPRISE.toLowerCase()]: { department: 'Tours' },
    };
    const { resource } = patch(input, [{ op: 'add', path: `${ENTERPRISE}:costCenter`, value: '4130' }]);
    expect(resource[ENTERPRISE]).toEqual({ department: 'Tours', costCenter: '4130' });
    expect(resource).not.toHaveProperty(ENTERPRISE.toLowerCase());
    // The URN is already listed, in another case: it is not listed twice.
    expect(resource['schemas']).toEqual([CORE, ENTERPRISE.toLowerCase()]);
    expect(input[ENTERPRISE.toLowerCase()]).toEqual({ department: 'Tours' });
  });

  it('replaces a stored extension value that is not an object', () => {
    const input: JsonObject = { schemas: [CORE], id: 'u1', [ENTERPRISE.toLowerCase()]: 'garbage' };
    const { resource } = patch(input, [{ op: 'add', path: `${ENTERPRISE}:department`, value: 'Tours' }]);
    expect(resource[ENTERPRISE]).toEqual({ department: 'Tours' });
    expect(resource).not.toHaveProperty(ENTERPRISE.toLowerCase());
    expect(resource['schemas']).toEqual([CORE, ENTERPRISE]);
  });

  it('removing an attribute of an extension the resource lacks leaves the resource as it was', () => {
    const input: JsonObject = { schemas: [CORE], id: 'u1', userName: 'bjensen' };
    for (const path of [`${ENTERPRISE}:department`, `${ENTERPRISE}:manager.value`]) {
      const { resource, changedAttributes } = patch(input, [{ op: 'remove', path }]);
      expect(resource).toEqual(input);
      expect(changedAttributes).toEqual([]);
    }
  });

  it('reads a missing extension as absent, and a non-object one too', () => {
    expect(
      patch({ schemas: [CORE], id: 'u1' }, [{ op: 'remove', path: `${ENTERPRISE}:department` }])
        .changedAttributes,
    ).toEqual([]);
    const odd: JsonObject = { schemas: [CORE], id: 'u1', [ENTERPRISE]: 'garbage' };
    expect(patch(odd, [{ op: 'remove', path: ENTERPRISE }]).resource).toEqual(odd);
  });

  it('lists the URN of a new extension object once, whatever schemas already holds', () => {
    const add = (schemas: JsonObject['schemas']) =>
      patch({ schemas, id: 'u1' }, [{ op: 'add', path: `${ENTERPRISE}:department`, value: 'Tours' }])
        .resource;
    expect(add([CORE, ENTERPRISE])['schemas']).toEqual([CORE, ENTERPRISE]);
    expect(add([CORE, ENTERPRISE.toUpperCase()])['schemas']).toEqual([CORE, ENTERPRISE.toUpperCase()]);
    expect(add([CORE, 7])['schemas']).toEqual([CORE, 7, ENTERPRISE]);
    expect(add([])['schemas']).toEqual([ENTERPRISE]);
    const input = [CORE];
    expect(add(input)['schemas']).toEqual([CORE, ENTERPRISE]);
    expect(input).toEqual([CORE]);
  });

  it('leaves schemas alone when it is not an array', () => {
    const input: JsonObject = { id: 'u1', schemas: 'odd' };
    const added = patch(input, [{ op: 'add', path: `${ENTERPRISE}:department`, value: 'Tours' }]).resource;
    expect(added['schemas']).toBe('odd');
    expect(added[ENTERPRISE]).toEqual({ department: 'Tours' });
    const removed = patch({ id: 'u1', schemas: 'odd', [ENTERPRISE]: { department: 'Tours' } }, [
      { op: 'remove', path: `${ENTERPRISE}:department` },
    ]).resource;
    expect(removed).toEqual({ id: 'u1', schemas: 'odd' });
  });

  it('drops an emptied extension and its URN in any case, keeping schemas that do not list it', () => {
    const listed = patch(
      { schemas: [CORE, ENTERPRISE.toUpperCase()], id: 'u1', [ENTERPRISE]: { department: 'Tours' } },
      [{ op: 'remove', path: `${ENTERPRISE}:department` }],
    ).resource;
    expect(listed).toEqual({ schemas: [CORE], id: 'u1' });
    const input: JsonObject = { schemas: [CORE, 7], id: 'u1', [ENTERPRISE]: { department: 'Tours' } };
    const unlisted = patch(input, [{ op: 'remove', path: `${ENTERPRISE}:department` }]).resource;
    expect(unlisted).toEqual({ schemas: [CORE, 7], id: 'u1' });
    expect(unlisted['schemas']).toBe(input['schemas']);
  });

  it('keeps an extension that still holds attributes', () => {
    const { resource } = patch(user(), [{ op: 'remove', path: `${ENTERPRISE}:department` }]);
    expect(resource[ENTERPRISE]).toEqual({ employeeNumber: '701984' });
    expect(resource['schemas']).toEqual([CORE, ENTERPRISE]);
  });

  it('reports each changed attribute once, in first-change order', () => {
    const { changedAttributes } = patch(user(), [
      { op: 'replace', path: 'userName', value: 'b2' },
      { op: 'add', path: 'title', value: 'Guide' },
      { op: 'replace', path: 'userName', value: 'b3' },
    ]);
    expect(changedAttributes).toEqual(['userName', 'title']);
  });
});

describe('applyPatch: keys of path-less values and extension objects', () => {
  it('ignores a schemas key in a path-less value, in any case: the resource keeps its own', () => {
    for (const key of ['schemas', 'Schemas', 'SCHEMAS']) {
      const { resource, changedAttributes } = patch(user(), [
        { op: 'replace', value: { [key]: ['urn:example:other'], userName: 'b2' } },
      ]);
      expect(resource['schemas']).toEqual([CORE, ENTERPRISE]);
      expect(resource['userName']).toBe('b2');
      expect(changedAttributes).toEqual(['userName']);
    }
  });

  it('names an unknown plain key with an object value as an unknown attribute', () => {
    expect(errorOf(() => patch(user(), [{ op: 'add', value: { shoeSize: { eu: 42 } } }])).detail).toBe(
      'Operations[0]: "shoeSize": unknown attribute',
    );
  });

  it('names an unknown attribute inside an extension object by its URN-qualified name', () => {
    expect(errorOf(() => patch(user(), [{ op: 'add', path: ENTERPRISE, value: { nope: 1 } }])).detail).toBe(
      `Operations[0]: "${ENTERPRISE}:nope": unknown attribute`,
    );
    expect(errorOf(() => patch(user(), [{ op: 'add', value: { [ENTERPRISE]: { nope: 1 } } }])).detail).toBe(
      `Operations[0]: "${ENTERPRISE}:nope": unknown attribute`,
    );
  });

  it('names an unknown stored attribute met while removing a whole extension', () => {
    const input: JsonObject = { ...user(), [ENTERPRISE]: { department: 'Tours', nope: 1 } };
    expect(errorOf(() => patch(input, [{ op: 'remove', path: ENTERPRISE }])).detail).toBe(
      `Operations[0]: "${ENTERPRISE}:nope": unknown attribute`,
    );
  });
});
