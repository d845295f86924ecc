import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../shared/json.js';
import { SchemaRegistry } from '../schema/schema-registry.js';
import {
  attributeContainer,
  findKeyCaseInsensitive,
  getAttrPathValue,
  getAttributeCaseInsensitive,
  isCoreSchemaUri,
} from './attribute-lookup.js';
import { parseAttrPath } from './filter-parser.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const resolver = SchemaRegistry.withCoreSchemas().resolver('User');

const resource: JsonObject = {
  UserName: 'bjensen',
  name: { FamilyName: 'Jensen' },
  emails: [{ value: 'a@x', type: 'work' }, { type: 'home' }, { value: ['b@x', 'c@x'] }],
  [ENTERPRISE.toLowerCase()]: { employeeNumber: '701984', manager: { value: 'm1' } },
};

describe('getAttributeCaseInsensitive', () => {
  it('finds keys regardless of case, preferring an exact match', () => {
    expect(getAttributeCaseInsensitive(resource, 'username')).toBe('bjensen');
    expect(getAttributeCaseInsensitive(resource, 'USERNAME')).toBe('bjensen');
    expect(getAttributeCaseInsensitive({ a: 1, A: 2 }, 'A')).toBe(2);
    expect(findKeyCaseInsensitive(resource, 'EMAILS')).toBe('emails');
    expect(getAttributeCaseInsensitive(resource, 'missing')).toBeUndefined();
  });

  it('ignores inherited members', () => {
    expect(getAttributeCaseInsensitive({}, 'constructor')).toBeUndefined();
    expect(getAttributeCaseInsensitive({}, '__proto__')).toBeUndefined();
    expect(getAttributeCaseInsensitive({}, 'toString')).toBeUndefined();
  });

  it('matches names whose lower-case form has a different length', () => {
    expect(getAttributeCaseInsensitive({ 'i\u0307d': 1 }, 'İd')).toBe(1);
  });
});

describe('attributeContainer / getAttrPathValue', () => {
  it('reads core, dotted and multi-valued sub-attribute paths', () => {
    expect(getAttrPathValue(resource, parseAttrPath('userName'))).toBe('bjensen');
    expect(getAttrPathValue(resource, parseAttrPath('name.familyName'))).toBe('Jensen');
    expect(getAttrPathValue(resource, parseAttrPath('emails.value'))).toEqual(['a@x', 'b@x', 'c@x']);
    expect(getAttrPathValue(resource, parseAttrPath('emails.display'))).toBeUndefined();
    expect(getAttrPathValue(resource, parseAttrPath('userName.x'))).toBeUndefined();
  });

  it('resolves URN-qualified paths to the core or the extension object', () => {
    expect(
      getAttrPathValue(resource, parseAttrPath('urn:ietf:params:scim:schemas:core:2.0:User:userName')),
    ).toBe('bjensen');
    expect(getAttrPathValue(resource, parseAttrPath(`${ENTERPRISE}:employeeNumber`))).toBe('701984');
    expect(getAttrPathValue(resource, parseAttrPath(`${ENTERPRISE}:manager.value`))).toBe('m1');
    expect(getAttrPathValue(resource, parseAttrPath('urn:example:unknown:userName'))).toBeUndefined();
  });

  it('uses the resolver to find unqualified extension attributes', () => {
    expect(getAttrPathValue(resource, parseAttrPath('employeeNumber'), resolver)).toBe('701984');
    expect(getAttrPathValue(resource, parseAttrPath('employeeNumber'))).toBeUndefined();
    const resolved = resolver.resolve(undefined, 'employeeNumber');
    expect(attributeContainer(resource, { name: 'employeeNumber' }, resolved)).toEqual(
      resource[ENTERPRISE.toLowerCase()],
    );
    expect(attributeContainer({}, { name: 'employeeNumber' }, resolved)).toBeUndefined();
  });

  it('recognises core schema URNs', () => {
    expect(isCoreSchemaUri('urn:ietf:params:scim:schemas:core:2.0:Group')).toBe(true);
    expect(isCoreSchemaUri('URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:User')).toBe(true);
    expect(isCoreSchemaUri(ENTERPRISE)).toBe(false);
  });
});
