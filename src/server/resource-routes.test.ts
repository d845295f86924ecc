import { describe, expect, it } from 'vitest';
import { parseAttributeList } from '../scim/query/attribute-list.js';
import { SchemaRegistry } from '../scim/schema/schema-registry.js';
import { projectionFor } from './resource-routes.js';

const GROUP = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
  id: 'g1',
  displayName: 'Admins',
  members: [{ value: 'u1' }],
};

describe('projectionFor', () => {
  it('is undefined when the request names no attributes', () => {
    expect(projectionFor(SchemaRegistry.withCoreSchemas(), 'Group', {})).toBeUndefined();
  });

  it('compiles each distinct attribute list once and applies it correctly', () => {
    const registry = SchemaRegistry.withCoreSchemas();
    const excludeMembers = () => ({ excludedAttributes: parseAttributeList('members') });
    const first = projectionFor(registry, 'Group', excludeMembers());
    expect(projectionFor(registry, 'Group', excludeMembers())).toBe(first);
    expect(first?.apply(GROUP)).toEqual({ schemas: GROUP.schemas, id: 'g1', displayName: 'Admins' });

    const onlyMembers = projectionFor(registry, 'Group', { attributes: parseAttributeList('members') });
    expect(onlyMembers).not.toBe(first);
    expect(onlyMembers?.apply(GROUP)).toEqual({ schemas: GROUP.schemas, id: 'g1', members: GROUP.members });
    // The same text as `attributes` is a different request from the same text as `excludedAttributes`.
    expect(projectionFor(registry, 'Group', { excludedAttributes: parseAttributeList('members') })).toBe(
      first,
    );
    // Another resource type never shares a compiled projection.
    expect(projectionFor(registry, 'User', excludeMembers())).not.toBe(first);
  });

  it('recompiles after the resource type changes (an extension attached)', () => {
    const registry = SchemaRegistry.withCoreSchemas();
    const urn = 'urn:example:params:scim:schemas:extension:acme:2.0:Group';
    const request = () => ({ attributes: parseAttributeList(`${urn}:costCenter`) });
    const before = projectionFor(registry, 'Group', request());
    registry.registerSchema({
      id: urn,
      name: 'Acme',
      attributes: [
        {
          name: 'costCenter',
          type: 'string',
          multiValued: false,
          required: false,
          caseExact: false,
          mutability: 'readWrite',
          returned: 'default',
          uniqueness: 'none',
        },
      ],
    } as never);
    registry.attachExtension('Group', urn);
    const after = projectionFor(registry, 'Group', request());
    expect(after).not.toBe(before);
    const resource = { ...GROUP, [urn]: { costCenter: 'CC-1' } };
    expect(after?.apply(resource)[urn]).toEqual({ costCenter: 'CC-1' });
  });
});
