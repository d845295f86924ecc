import { describe, expect, it } from 'vitest';
import { isScimError } from '../scim-error.js';
import { SchemaRegistry } from '../schema/schema-registry.js';
import type { AttributeDefinition, AttributeResolver } from '../schema/schema-types.js';
import { checkFilter } from './filter-check.js';
import { evaluateFilter } from './filter-evaluator.js';
import { parseFilter } from './filter-parser.js';

const resolver = SchemaRegistry.withCoreSchemas().resolver('User');

function checkError(filter: string, withResolver = true): string | undefined {
  try {
    checkFilter(parseFilter(filter), withResolver ? resolver : undefined);
    return undefined;
  } catch (error) {
    if (!isScimError(error)) throw error;
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidFilter');
    return error.detail;
  }
}

describe('checkFilter (RFC 7644 §3.4.2.2: gt/ge/lt/le on boolean or binary is invalidFilter)', () => {
  it.each([
    ['active gt false', "'gt' is not allowed on the boolean attribute 'active'"],
    ['title pr and emails.primary ge true', "'ge' is not allowed on the boolean attribute 'emails.primary'"],
    [
      'x509Certificates.value lt "AAAA"',
      "'lt' is not allowed on the binary attribute 'x509Certificates.value'",
    ],
    ['x509Certificates le "AAAA"', "'le' is not allowed on the binary attribute 'x509Certificates'"],
    ['name gt "x"', "'gt' cannot compare the complex attribute 'name'"],
    ['emails[primary gt false]', "'gt' is not allowed on the boolean attribute 'primary'"],
    ['not (userName eq "a" or meta.lastModified gt null)', "'gt' cannot order by null"],
    ['userName lt true', "'lt' cannot order by true"],
  ])('rejects %s', (filter, message) => {
    expect(checkError(filter)).toContain(message);
  });

  it('points at the offending comparison', () => {
    expect(checkError('userName eq "a" and active gt false')).toContain("'active gt false' at position 20");
  });

  it.each([
    'active eq false',
    'active ne true',
    'meta.lastModified gt "2011-05-13T04:42:34Z"',
    'userName ge "a" and emails gt "a"',
    'emails[type eq "work" and value lt "m"]',
    'unknownAttribute gt 3',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager gt "a"',
  ])('accepts %s', (filter) => {
    expect(checkError(filter)).toBeUndefined();
  });

  it('checks literals even without a resolver', () => {
    expect(checkError('a gt true', false)).toContain("'gt' cannot order by true");
    expect(checkError('active gt "x"', false)).toBeUndefined();
  });

  it('leaves the evaluator answering false for what it rejects', () => {
    const resource = { active: true, name: { givenName: 'x' } };
    expect(evaluateFilter(parseFilter('active gt false'), resource, resolver)).toBe(false);
    expect(evaluateFilter(parseFilter('name gt "a"'), resource, resolver)).toBe(false);
  });

  it('walks long chains without recursion', () => {
    const text = `${Array.from({ length: 3000 }, (_, i) => `userName eq "${i}"`).join(' or ')} or active lt true`;
    expect(checkError(text)).toContain("'lt' is not allowed on the boolean attribute 'active'");
  });
});

describe('checkFilter inside value filters and logic', () => {
  it.each([
    ['EMAILS[PRIMARY GT false]', "'gt' is not allowed on the boolean attribute 'PRIMARY'"],
    ['x509Certificates[value lt "AAAA"]', "'lt' is not allowed on the binary attribute 'value'"],
    ['not (active ge false)', "'ge' is not allowed on the boolean attribute 'active'"],
    [
      'userName eq "a" or (title pr and active le false)',
      "'le' is not allowed on the boolean attribute 'active'",
    ],
    ['emails[type eq "work" or primary lt true]', "'lt' is not allowed on the boolean attribute 'primary'"],
    ['emails[value pr] and name lt "a"', "'lt' cannot compare the complex attribute 'name'"],
  ])('rejects %s', (filter, message) => {
    expect(checkError(filter)).toContain(message);
  });

  it.each([
    'emails[value gt "m"]',
    'emails[primary.x gt 1]',
    'emails[unknown gt 1]',
    'emails[unknown.x gt 1]',
    // name has sub-attributes but no "value": like any unknown sub-attribute, nothing to check.
    'name[value gt "x"]',
    'emails gt "a" and groups lt "z"',
    'active co "t" or active sw "t" or active ew "e"',
    'emails[type eq "work"] and userName le "m"',
  ])('accepts %s', (filter) => {
    expect(checkError(filter)).toBeUndefined();
  });

  it('checks the literal inside a value filter without a resolver, but not the attribute', () => {
    expect(checkError('emails[primary gt false]', false)).toContain("'gt' cannot order by false");
    expect(checkError('emails[primary gt "x"]', false)).toBeUndefined();
    expect(checkError('x509Certificates[value lt "AAAA"]', false)).toBeUndefined();
  });
});

describe('checkFilter on a multi-valued attribute without sub-attributes', () => {
  // RFC 7644 §3.4.2.2 lets a value filter on a simple multi-valued attribute name each value "value".
  const flags: AttributeDefinition = {
    name: 'flags',
    type: 'boolean',
    multiValued: true,
    description: 'simple multi-valued booleans',
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
  };
  // A complex attribute declared without sub-attributes: nothing to compare.
  const opaque: AttributeDefinition = { ...flags, name: 'opaque', type: 'complex', multiValued: false };
  const simpleResolver: AttributeResolver = {
    resolve: (_uri, name) => {
      const attribute = [flags, opaque].find((def) => def.name === name.toLowerCase());
      return attribute ? { schema: 'urn:example:flags', isExtension: false, attribute } : undefined;
    },
  };
  const detail = (filter: string): string | undefined => {
    try {
      checkFilter(parseFilter(filter), simpleResolver);
      return undefined;
    } catch (error) {
      if (!isScimError(error)) throw error;
      return error.detail;
    }
  };

  it("reads 'value' in its value filter as the attribute itself", () => {
    expect(detail('flags[VALUE gt false]')).toContain("'gt' is not allowed on the boolean attribute 'VALUE'");
    expect(detail('flags[other gt 1]')).toBeUndefined();
    expect(detail('flags[value eq true]')).toBeUndefined();
    expect(detail('opaque gt "x"')).toContain("'gt' cannot compare the complex attribute 'opaque'");
  });
});
