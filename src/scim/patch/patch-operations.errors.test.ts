/**
 * Every refusal of patch-operations.ts, with the status, scimType and detail a client sees
 * (RFC 7644 §3.12): the detail names the operation, the path and why.
 */
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../shared/json.js';
import { attr, oneSchemaResolver } from '../schema/fixtures/one-schema-resolver.js';
import type { AttributeDefinition } from '../schema/schema-types.js';
import { isScimError } from '../scim-error.js';
import { applyPatch } from './apply-patch.js';
import { parsePatchRequest } from './parse-patch-request.js';

const SCHEMA = 'urn:example:params:scim:schemas:core:2.0:Printer';

const attributes: AttributeDefinition[] = [
  attr('name', 'string', { required: true }),
  attr('serial', 'string', { mutability: 'immutable' }),
  attr('audit', 'string', { mutability: 'readOnly' }),
  attr('tags', 'string', { multiValued: true }),
  attr('seals', 'string', { multiValued: true, mutability: 'immutable' }),
  attr('ports', 'complex', {
    multiValued: true,
    subAttributes: [
      attr('value', 'string'),
      attr('number', 'integer', { required: true }),
      attr('code', 'string', { mutability: 'immutable' }),
      attr('state', 'string', { mutability: 'readOnly' }),
      attr('label', 'string'),
      attr('primary', 'boolean'),
    ],
  }),
  attr('owner', 'complex', {
    subAttributes: [
      attr('id', 'string', { mutability: 'immutable' }),
      attr('must', 'string', { required: true }),
      attr('note', 'string'),
    ],
  }),
];

const resolver = oneSchemaResolver(SCHEMA, attributes);

const printer = (): JsonObject => ({
  schemas: [SCHEMA],
  id: 'p1',
  name: 'laser',
  serial: 'S-1',
  audit: 'ok',
  seals: ['s1', 's2'],
  ports: [
    { value: 'a', number: 80, code: 'C80', label: 'http', primary: true },
    { value: 'b', number: 443, code: 'C443', label: 'https' },
    'stray',
  ],
  owner: { id: 'o1', must: 'yes', note: 'n' },
});

function refusal(Operations: unknown[], resource: JsonObject = printer()) {
  try {
    applyPatch(
      resource,
      parsePatchRequest({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations }),
      {
        resolver,
      },
    );
    return 'accepted';
  } catch (error) {
    if (!isScimError(error)) throw error;
    return { status: error.status, scimType: error.scimType, detail: error.detail };
  }
}

/** What each refused operation answers: every refusal is a 400 (RFC 7644 §3.12). */
const CASES: [string, unknown, string, string][] = [
  [
    'readOnly attribute',
    { op: 'replace', path: 'audit', value: 'x' },
    'mutability',
    'Operations[0]: "audit": "audit" is read-only',
  ],
  [
    'readOnly sub-attribute',
    { op: 'replace', path: 'ports[value eq "a"].state', value: 'x' },
    'mutability',
    'Operations[0]: "ports[value eq "a"].state": "ports.state" is read-only',
  ],
  [
    'immutable attribute with a value',
    { op: 'replace', path: 'serial', value: 'S-2' },
    'mutability',
    'Operations[0]: "serial": "serial" is immutable and already has a value',
  ],
  [
    'remove of a required attribute',
    { op: 'remove', path: 'name' },
    'mutability',
    'Operations[0]: "name": "name" is required and cannot be removed',
  ],
  [
    'remove of an immutable attribute',
    { op: 'remove', path: 'serial' },
    'mutability',
    'Operations[0]: "serial": "serial" is immutable',
  ],
  [
    'remove of listed values of an immutable attribute',
    { op: 'remove', path: 'seals', value: ['s1'] },
    'mutability',
    'Operations[0]: "seals": "seals" is immutable',
  ],
  [
    'add to an immutable multi-valued attribute',
    { op: 'add', path: 'seals', value: ['s3'] },
    'mutability',
    'Operations[0]: "seals": "seals" is immutable and already has values',
  ],
  [
    'add with null',
    { op: 'add', path: 'tags', value: null },
    'invalidValue',
    'Operations[0]: "tags": add needs a value, got null',
  ],
  [
    'change of an immutable sub-attribute',
    { op: 'replace', path: 'owner', value: { id: 'o2' } },
    'mutability',
    'Operations[0]: "owner": "owner.id" is immutable',
  ],
  [
    'remove of a required sub-attribute',
    { op: 'remove', path: 'owner.must' },
    'mutability',
    'Operations[0]: "owner.must": "owner.must" cannot be removed',
  ],
  [
    'remove of an immutable sub-attribute',
    { op: 'remove', path: 'owner.id' },
    'mutability',
    'Operations[0]: "owner.id": "owner.id" cannot be removed',
  ],
  [
    'add of a null sub-attribute',
    { op: 'add', path: 'owner.note', value: null },
    'invalidValue',
    'Operations[0]: "owner.note": add needs a value, got null',
  ],
  [
    'remove through a filter on an immutable attribute',
    { op: 'remove', path: 'seals[value eq "s1"]' },
    'mutability',
    'Operations[0]: "seals[value eq "s1"]": "seals" is immutable',
  ],
  [
    'add of null through a filter',
    { op: 'add', path: 'ports[value eq "a"].label', value: null },
    'invalidValue',
    'Operations[0]: "ports[value eq "a"].label": add needs a value, got null',
  ],
  [
    'replace with null through a filter',
    { op: 'replace', path: 'ports[value eq "a"]', value: null },
    'invalidValue',
    'Operations[0]: "ports[value eq "a"]": replace needs a value, got null',
  ],
  [
    'replace with two primaries',
    {
      op: 'replace',
      path: 'ports',
      value: [
        { number: 1, primary: true },
        { number: 2, primary: true },
      ],
    },
    'invalidValue',
    'Operations[0]: "ports": more than one value has "primary": true',
  ],
  [
    'add of two primaries',
    {
      op: 'add',
      path: 'ports',
      value: [
        { number: 1, primary: true },
        { number: 2, primary: true },
      ],
    },
    'invalidValue',
    'Operations[0]: ports: more than one value has "primary": true',
  ],
  [
    'replace through a filter matching nothing',
    { op: 'replace', path: 'ports[value eq "zz"]', value: { number: 1 } },
    'noTarget',
    'Operations[0]: "ports[value eq "zz"]": no value matches the filter',
  ],
  [
    'a sub-attribute of a value that is not complex',
    { op: 'replace', path: 'ports[value pr or number pr].label', value: 'x' },
    'invalidPath',
    'Operations[0]: "ports[value pr or number pr].label": the matched value is not complex',
  ],
  [
    'remove of a required sub-attribute through a filter',
    { op: 'remove', path: 'ports[value eq "a"].number' },
    'mutability',
    'Operations[0]: "ports[value eq "a"].number": "ports.number" cannot be removed',
  ],
  [
    'replace changing an immutable sub-attribute of a value',
    { op: 'replace', path: 'ports[value eq "a"]', value: { value: 'a', number: 80, code: 'other' } },
    'mutability',
    'Operations[0]: "ports[value eq "a"]": "ports.code" is immutable',
  ],
];

describe('patch operations: refusals', () => {
  for (const [label, operation, scimType, detail] of CASES) {
    it(`${label}: ${scimType}`, () => {
      const input = printer();
      const before = structuredClone(input);
      expect(refusal([operation], input)).toEqual({ status: 400, scimType, detail });
      // A refused operation changes nothing.
      expect(input).toEqual(before);
    });
  }

  it('the detail names the failing operation by its index', () => {
    const result = refusal([
      { op: 'replace', path: 'name', value: 'ink' },
      { op: 'replace', path: 'audit', value: 'x' },
    ]);
    expect(result).toEqual({
      status: 400,
      scimType: 'mutability',
      detail: 'Operations[1]: "audit": "audit" is read-only',
    });
  });
});
