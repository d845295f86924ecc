/**
 * attribute-lookup at its edges: which key wins when several match, keys that look like
 * JavaScript values, values of the wrong shape on the way to a sub-attribute, and URNs a
 * resolver places in a resource type's own (non-core) schema.
 */
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../shared/json.js';
import { defineAttribute } from '../schema/attribute-builders.js';
import { SchemaRegistry } from '../schema/schema-registry.js';
import { findKeyCaseInsensitive, getAttrPathValue, getAttributeCaseInsensitive } from './attribute-lookup.js';
import { parseAttrPath } from './filter-parser.js';

describe('findKeyCaseInsensitive: which key wins', () => {
  it('the exact key wins over one that differs only in case, wherever it stands', () => {
    expect(findKeyCaseInsensitive({ a: 1, A: 2 }, 'A')).toBe('A');
    expect(findKeyCaseInsensitive({ A: 1, a: 2 }, 'a')).toBe('a');
  });

  it('a key of the same length wins over one whose lower-case form only matches', () => {
    // 'İD' lower-cases to 'i̇d' (three code units), as does the three-unit key 'i\u0307d'.
    expect(findKeyCaseInsensitive({ 'i\u0307d': 1, İD: 2 }, 'İd')).toBe('İD');
  });

  it('a key named "undefined" is not found for another name', () => {
    expect(getAttributeCaseInsensitive({ undefined: 1 }, 'missing')).toBeUndefined();
    expect(findKeyCaseInsensitive({ undefined: 1 }, 'missing')).toBeUndefined();
    expect(getAttributeCaseInsensitive({ undefined: 1 }, 'UNDEFINED')).toBe(1);
  });
});

describe('getAttrPathValue: values of the wrong shape', () => {
  it('a sub-attribute of a number, boolean or null is absent', () => {
    const resource: JsonObject = { level: 7, active: true, manager: null };
    expect(getAttrPathValue(resource, parseAttrPath('level.value'))).toBeUndefined();
    expect(getAttrPathValue(resource, parseAttrPath('active.value'))).toBeUndefined();
    expect(getAttrPathValue(resource, parseAttrPath('manager.value'))).toBeUndefined();
  });

  it('entries of a multi-valued attribute that are not objects are skipped', () => {
    const resource: JsonObject = { emails: [null, 'x', 3, [{ value: 'nested' }], { value: 'a@x' }] };
    expect(getAttrPathValue(resource, parseAttrPath('emails.value'))).toEqual(['a@x']);
  });
});

describe('attributeContainer with a resolver: a resource type of its own schema', () => {
  const DEVICE = 'urn:example:params:scim:schemas:device:2.0:Device';
  const registry = SchemaRegistry.withCoreSchemas();
  registry.registerSchema({
    id: DEVICE,
    name: 'Device',
    description: '',
    attributes: [defineAttribute('serial', 'string', '')],
  });
  registry.registerResourceType({
    id: 'Device',
    name: 'Device',
    endpoint: '/Devices',
    description: '',
    schema: DEVICE,
    schemaExtensions: [],
  });
  const resolver = registry.resolver('Device');

  it("the type's schema URN qualifies a top-level attribute, though it is no core URN", () => {
    const device: JsonObject = { serial: 'SN-1' };
    expect(getAttrPathValue(device, parseAttrPath(`${DEVICE}:serial`), resolver)).toBe('SN-1');
    // Without the resolver only core URNs qualify top-level attributes.
    expect(getAttrPathValue(device, parseAttrPath(`${DEVICE}:serial`))).toBeUndefined();
  });
});
