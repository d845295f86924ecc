/** unknownAttributeProblem and the resolution of unqualified extension names. */
import { describe, expect, it } from 'vitest';
import { defineAttribute } from './attribute-builders.js';
import { unknownAttributeProblem } from './attribute-names.js';
import { SchemaRegistry } from './schema-registry.js';
import { SchemaUrn } from './schema-types.js';

const A = 'urn:example:params:scim:schemas:extension:a:2.0:User';
const B = 'urn:example:params:scim:schemas:extension:b:2.0:User';

function registryWithTwoExtensions(): SchemaRegistry {
  const registry = SchemaRegistry.withCoreSchemas();
  for (const id of [A, B]) {
    registry.registerSchema({
      id,
      name: id,
      description: '',
      attributes: [
        defineAttribute('badge', 'string', ''),
        defineAttribute(`only${id.length}${id[35]}`, 'string', ''),
      ],
    });
    registry.attachExtension('User', id);
  }
  return registry;
}

describe('unqualified names of extension attributes (RFC 7644 §3.10)', () => {
  it('resolve to the one extension that defines them', () => {
    const users = SchemaRegistry.withCoreSchemas().compiled('User');
    expect(users.resolver.resolve(undefined, 'manager')?.schema).toBe(SchemaUrn.enterpriseUser);
    expect(users.resolver.resolve(undefined, 'MANAGER', 'value')?.subAttribute?.name).toBe('value');
  });

  it('do not resolve when several extensions define them, and the problem says so', () => {
    const users = registryWithTwoExtensions().compiled('User');
    expect(users.resolver.resolve(undefined, 'badge')).toBeUndefined();
    expect(users.resolver.resolve(A, 'badge')?.schema).toBe(A);
    expect(unknownAttributeProblem(users, { name: 'badge' })).toMatch(/several schemas.*qualify/);
    expect(users.resolver.resolve(undefined, 'manager')?.schema).toBe(SchemaUrn.enterpriseUser);
  });
});

describe('unknownAttributeProblem', () => {
  const users = SchemaRegistry.withCoreSchemas().compiled('User');

  it.each([
    [{ name: 'userName' }],
    [{ name: 'USERNAME' }],
    [{ name: 'schemas' }],
    [{ name: 'meta', subAttr: 'lastModified' }],
    [{ uri: SchemaUrn.enterpriseUser, name: 'manager', subAttr: 'value' }],
    [{ uri: SchemaUrn.user, name: 'name', subAttr: 'givenName' }],
  ])('%j is defined', (ref) => {
    expect(unknownAttributeProblem(users, ref)).toBeUndefined();
  });

  it.each([
    [{ name: 'usrName' }, 'did you mean "userName"'],
    [{ name: 'emials' }, 'did you mean "emails"'],
    [{ name: 'name', subAttr: 'givenNme' }, 'did you mean "givenName"'],
    [{ name: 'userName', subAttr: 'x' }, 'has no sub-attributes'],
    [{ uri: SchemaUrn.enterpriseUser, name: 'manger' }, 'did you mean "manager"'],
    [{ uri: 'urn:example:nothing', name: 'x' }, 'is not a schema of resource type User'],
    [{ name: 'constructor' }, 'no attribute "constructor"'],
    [{ name: 'toString' }, 'no attribute "toString"'],
    [{ name: 'name', subAttr: 'hasOwnProperty' }, 'no sub-attribute "hasOwnProperty"'],
  ])('%j: %s', (ref, text) => {
    expect(unknownAttributeProblem(users, ref)).toContain(text);
  });

  it('offers no suggestion when nothing is close', () => {
    expect(unknownAttributeProblem(users, { name: 'zzzzzzzz' })).not.toContain('did you mean');
  });
});
