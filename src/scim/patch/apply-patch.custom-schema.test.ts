/**
 * applyPatch against a resolver built in the test: immutable attributes, integer/decimal/dateTime
 * and simple multi-valued attributes, which the core User/Group schemas do not exercise.
 */
import { describe, expect, it } from 'vitest';
import { attr, oneSchemaResolver } from '../schema/fixtures/one-schema-resolver.js';
import type { AttributeDefinition } from '../schema/schema-types.js';
import { scimErrorThrownBy } from '../../../test/support/scim-error-of.js';
import type { JsonObject } from '../../shared/json.js';
import { applyPatch } from './apply-patch.js';
import { parsePatchRequest } from './parse-patch-request.js';

const SCHEMA = 'urn:example:params:scim:schemas:core:2.0:Device';

const attributes: AttributeDefinition[] = [
  attr('name', 'string', { required: true }),
  attr('serial', 'string', { mutability: 'immutable' }),
  attr('count', 'integer'),
  attr('ratio', 'decimal'),
  attr('seen', 'dateTime'),
  attr('tags', 'string', { multiValued: true }),
  attr('ports', 'complex', {
    multiValued: true,
    subAttributes: [attr('number', 'integer', { required: true }), attr('label', 'string')],
  }),
];

const resolver = oneSchemaResolver(SCHEMA, attributes);

const device = (): JsonObject => ({
  schemas: [SCHEMA],
  id: 'd1',
  name: 'printer',
  tags: ['a', 'b'],
  ports: [{ number: 80, label: 'http' }],
});

function run(resource: JsonObject, Operations: unknown[]) {
  return applyPatch(
    resource,
    parsePatchRequest({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations }),
    { resolver },
  );
}

function scimTypeOf(resource: JsonObject, Operations: unknown[]): string | undefined {
  const error = scimErrorThrownBy(() => run(resource, Operations));
  return error === undefined ? 'ok' : error.scimType;
}

describe('applyPatch with a custom schema', () => {
  it('an immutable attribute may be added while unset, not changed afterwards (RFC 7643 §2.2)', () => {
    const { resource } = run(device(), [{ op: 'add', path: 'serial', value: 'SN1' }]);
    expect(resource['serial']).toBe('SN1');
    expect(scimTypeOf(resource, [{ op: 'replace', path: 'serial', value: 'SN2' }])).toBe('mutability');
    expect(scimTypeOf(resource, [{ op: 'remove', path: 'serial' }])).toBe('mutability');
    // Writing the value it already has is not a change.
    expect(run(resource, [{ op: 'replace', path: 'serial', value: 'SN1' }]).changedAttributes).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ['count', 3, 'ok'],
    ['count', 3.5, 'invalidValue'],
    ['count', 'three', 'invalidValue'],
    ['ratio', 0.25, 'ok'],
    ['ratio', true, 'invalidValue'],
    ['seen', '2024-02-29T12:00:00Z', 'ok'],
    ['seen', '2024-02-29', 'invalidValue'],
    ['tags', ['c'], 'ok'],
    ['tags', [1], 'invalidValue'],
    ['ports', [{ number: 443 }], 'ok'],
    ['ports', [{ number: '443' }], 'invalidValue'],
  ])('replace %s with %j: %s', (path, value, expected) => {
    expect(scimTypeOf(device(), [{ op: 'replace', path, value }])).toBe(expected);
  });

  it('simple multi-valued attributes: add skips duplicates, value filters select by "value"', () => {
    const added = run(device(), [{ op: 'add', path: 'tags', value: ['b', 'c'] }]).resource;
    expect(added['tags']).toEqual(['a', 'b', 'c']);
    const removed = run(added, [{ op: 'remove', path: 'tags[value eq "b"]' }]).resource;
    expect(removed['tags']).toEqual(['a', 'c']);
  });

  it('integer comparisons in value filters', () => {
    const input = { ...device(), ports: [{ number: 80 }, { number: 8080 }, { number: 443 }] };
    const { resource } = run(input, [{ op: 'replace', path: 'ports[number gt 1000].label', value: 'alt' }]);
    expect(resource['ports']).toEqual([{ number: 80 }, { number: 8080, label: 'alt' }, { number: 443 }]);
  });

  it('removing a required sub-attribute of a filtered value is a mutability error', () => {
    expect(scimTypeOf(device(), [{ op: 'remove', path: 'ports[number eq 80].number' }])).toBe('mutability');
  });

  it('removing the required attribute is a mutability error', () => {
    expect(scimTypeOf(device(), [{ op: 'remove', path: 'name' }])).toBe('mutability');
  });
});
