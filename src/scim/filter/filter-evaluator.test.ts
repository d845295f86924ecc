import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../shared/json.js';
import { defineAttribute } from '../schema/attribute-builders.js';
import { SchemaRegistry } from '../schema/schema-registry.js';
import { compileFilter } from './filter-compiler.js';
import { evaluateFilter, matchesValueFilter } from './filter-evaluator.js';
import { parseFilter } from './filter-parser.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ACME = 'urn:example:params:scim:schemas:extension:acme:2.0:User';

/** A User in the shape of RFC 7643 §8.2, with attribute names in mixed case on purpose. */
const user: JsonObject = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE, ACME],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: 'BJensen-701984',
  UserName: 'bjensen@example.com',
  name: { formatted: 'Ms. Barbara J Jensen, III', familyName: "O'Malley-Jensen", givenName: 'Barbara' },
  displayName: 'Babs Jensen',
  title: 'Tour Guide',
  userType: 'Employee',
  active: true,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  phoneNumbers: [{ value: '555-555-8377', type: 'work' }],
  ims: [{ value: 'someaimhandle', type: 'aim' }],
  groups: [{ value: 'e9e30dba', display: 'Tour Guides' }],
  nickName: '',
  addresses: [],
  meta: {
    resourceType: 'User',
    created: '2010-01-23T04:56:22Z',
    lastModified: '2011-05-13T04:42:34Z',
    version: 'W/"3694e05e9dff591"',
  },
  [ENTERPRISE]: {
    employeeNumber: '701984',
    costCenter: '4130',
    manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d', displayName: 'John Smith' },
  },
  [ACME.toUpperCase()]: {
    badge: 'AbC-123',
    hiredAt: '2015-03-01T09:00:00+01:00',
    level: 7,
    tags: ['Blue', 'green'],
  },
};

const registry = SchemaRegistry.withCoreSchemas();
registry.registerSchema({
  id: ACME,
  name: 'AcmeUser',
  description: 'Test extension with typed attributes.',
  attributes: [
    defineAttribute('badge', 'string', 'Badge code.', { caseExact: true }),
    defineAttribute('hiredAt', 'dateTime', 'Hire instant.'),
    defineAttribute('level', 'integer', 'Level.'),
    defineAttribute('tags', 'string', 'Tags.', { multiValued: true }),
  ],
});
registry.attachExtension('User', ACME);
const resolver = registry.resolver('User');

const matches = (filter: string, resource: JsonObject = user) =>
  evaluateFilter(parseFilter(filter), resource, resolver);
const matchesWithoutResolver = (filter: string, resource: JsonObject = user) =>
  evaluateFilter(parseFilter(filter), resource);

describe('evaluateFilter: RFC 7644 §3.4.2.2 examples against an RFC 7643 §8.2 user', () => {
  it.each<[string, boolean]>([
    ['userName eq "bjensen@example.com"', true],
    ['userName eq "BJENSEN@EXAMPLE.COM"', true],
    ['name.familyName co "O\'Malley"', true],
    ['userName sw "J"', false],
    ['userName sw "B"', true],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName sw "bj"', true],
    ['title pr', true],
    ['meta.lastModified gt "2011-05-13T04:42:34Z"', false],
    ['meta.lastModified ge "2011-05-13T04:42:34Z"', true],
    ['meta.lastModified lt "2011-05-13T04:42:34Z"', false],
    ['meta.lastModified le "2011-05-13T04:42:34Z"', true],
    ['title pr and userType eq "Employee"', true],
    ['title pr or userType eq "Intern"', true],
    [`schemas eq "${ENTERPRISE}"`, true],
    ['userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")', true],
    ['userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")', false],
    ['userType eq "Employee" and (emails.type eq "work")', true],
    ['userType eq "Employee" and emails[type eq "work" and value co "@example.com"]', true],
    [
      'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
      true,
    ],
    ['emails[type eq "home" and value co "@example.com"]', false],
  ])('%s -> %s', (filter, expected) => {
    expect(matches(filter)).toBe(expected);
    expect(matchesWithoutResolver(filter)).toBe(expected);
  });
});

describe('evaluateFilter: attribute names and paths', () => {
  it('matches attribute names case-insensitively in filter and resource', () => {
    expect(matches('USERNAME eq "bjensen@example.com"')).toBe(true);
    expect(matches('Name.FamilyName sw "o\'malley"')).toBe(true);
    expect(matches('EMAILS[TYPE eq "WORK"]')).toBe(true);
  });

  it('finds extension attributes under their URN key, qualified or (with a resolver) not', () => {
    expect(matches(`${ENTERPRISE}:employeeNumber eq "701984"`)).toBe(true);
    expect(matches(`${ENTERPRISE}:manager.displayName eq "john smith"`)).toBe(true);
    expect(matches('employeeNumber eq "701984"')).toBe(true);
    expect(matchesWithoutResolver(`${ENTERPRISE}:employeeNumber eq "701984"`)).toBe(true);
    // Without a resolver an unqualified name is looked up at the top level only.
    expect(matchesWithoutResolver('employeeNumber eq "701984"')).toBe(false);
    // The extension key is matched case-insensitively too.
    expect(matches(`${ACME}:level eq 7`)).toBe(true);
  });

  it('does not find a core attribute through an unknown URN', () => {
    expect(matches('urn:example:other:userName eq "bjensen@example.com"')).toBe(false);
    expect(matchesWithoutResolver('urn:example:other:userName eq "bjensen@example.com"')).toBe(false);
  });

  it('never resolves inherited object members as attributes', () => {
    expect(matches('constructor pr')).toBe(false);
    expect(matches('toString pr or valueOf pr or hasOwnProperty eq "x"')).toBe(false);
  });
});

describe('evaluateFilter: operators', () => {
  it.each<[string, boolean]>([
    ['displayName co "JENS"', true],
    ['displayName ew "jensen"', true],
    ['displayName sw "babs"', true],
    ['displayName gt "Babs"', true],
    ['displayName lt "babs"', false],
    ['displayName le "BABS JENSEN"', true],
    ['displayName ge "c"', false],
    ['title ne "Tour Guide"', false],
    ['title ne "Manager"', true],
    ['active eq true', true],
    ['active ne true', false],
    ['active eq false', false],
    ['active gt false', false],
    ['emails.primary eq true', true],
  ])('%s -> %s', (filter, expected) => {
    expect(matches(filter)).toBe(expected);
  });

  it('treats null, "", [] and {} as not present (RFC 7643 §2.5)', () => {
    const sparse: JsonObject = {
      a: null,
      b: '',
      c: [],
      d: {},
      e: [null, ''],
      f: 0,
      g: false,
      h: [{}],
      i: { x: 1 },
    };
    for (const name of ['a', 'b', 'c', 'd', 'e', 'h', 'missing'])
      expect(matches(`${name} pr`, sparse)).toBe(false);
    for (const name of ['f', 'g', 'i']) expect(matches(`${name} pr`, sparse)).toBe(true);
    expect(matches('nickName pr')).toBe(false);
    expect(matches('addresses pr')).toBe(false);
    expect(matches('emails pr and emails.type pr and emails.display pr')).toBe(false);
  });

  it('reads `eq null` as absent and `ne null` as present', () => {
    expect(matches('nickName eq null')).toBe(true);
    expect(matches('title eq null')).toBe(false);
    expect(matches('title ne null')).toBe(true);
    expect(matches('title gt null')).toBe(false);
  });

  it('makes `ne` the negation of `eq`: it matches absent attributes and multi-valued ones with no equal value', () => {
    expect(matches('profileUrl ne "x"')).toBe(true);
    expect(matches('emails.type ne "work"')).toBe(false);
    expect(matches('emails.type ne "other"')).toBe(true);
  });

  it('compares numbers numerically and never across types', () => {
    expect(matches(`${ACME}:level gt 6.5`)).toBe(true);
    expect(matches(`${ACME}:level le 7`)).toBe(true);
    expect(matches(`${ACME}:level lt 7`)).toBe(false);
    expect(matches(`${ACME}:level ge 1e1`)).toBe(false);
    expect(matches(`${ACME}:level eq "7"`)).toBe(false);
    expect(matches('costCenter eq 4130')).toBe(false);
    expect(matches(`${ACME}:level co 7`)).toBe(false);
  });

  it('compares dateTimes chronologically, across zones and fractions', () => {
    expect(matches('meta.lastModified eq "2011-05-13T06:42:34+02:00"')).toBe(true);
    expect(matches('meta.lastModified gt "2011-05-13T06:42:33.999+02:00"')).toBe(true);
    expect(matches('meta.lastModified lt "2011-05-13T04:42:34.0001Z"')).toBe(true);
    expect(matches('meta.created lt "2011-01-01T00:00:00Z" and meta.created gt "2009-12-31T23:59:59Z"')).toBe(
      true,
    );
    expect(matches(`${ACME}:hiredAt lt "2015-03-01T08:30:00Z"`)).toBe(true);
    expect(matches(`${ACME}:hiredAt gt "2015-03-01T07:59:59Z"`)).toBe(true);
    // Without a resolver, a dateTime literal still compares chronologically with dateTime values.
    expect(matchesWithoutResolver('meta.lastModified eq "2011-05-13T06:42:34+02:00"')).toBe(true);
  });

  it('orders plain strings lexically, case-folded unless caseExact', () => {
    // "2011-13..." is not a dateTime, so it compares as a string.
    expect(matches('meta.lastModified lt "2011-13"')).toBe(true);
    expect(matches('userName lt "C"')).toBe(true);
  });
});

describe('evaluateFilter: caseExact', () => {
  it('honours caseExact from the schema', () => {
    expect(matches(`${ACME}:badge eq "AbC-123"`)).toBe(true);
    expect(matches(`${ACME}:badge eq "abc-123"`)).toBe(false);
    expect(matches(`${ACME}:badge co "bC"`)).toBe(true);
    expect(matches(`${ACME}:badge co "BC"`)).toBe(false);
  });

  it('treats id and externalId as caseExact and everything else as not, without a resolver', () => {
    expect(matchesWithoutResolver('id eq "2819c223-7f76-453a-919d-413861904646"')).toBe(true);
    expect(matchesWithoutResolver('id eq "2819C223-7F76-453A-919D-413861904646"')).toBe(false);
    expect(matchesWithoutResolver('externalId eq "bjensen-701984"')).toBe(false);
    expect(matchesWithoutResolver('externalId eq "BJensen-701984"')).toBe(true);
    expect(matchesWithoutResolver('title eq "TOUR GUIDE"')).toBe(true);
    expect(matches('externalId eq "bjensen-701984"')).toBe(false);
  });
});

describe('evaluateFilter: multi-valued attributes', () => {
  it('matches when any value matches', () => {
    expect(matches('emails.value eq "babs@jensen.org"')).toBe(true);
    expect(matches('emails.type eq "home" and emails.primary eq true')).toBe(true);
    // The value path keeps both conditions on the same value.
    expect(matches('emails[type eq "home" and primary eq true]')).toBe(false);
    expect(matches(`${ACME}:tags eq "GREEN"`)).toBe(true);
    expect(matches(`${ACME}:tags[value eq "blue"]`)).toBe(true);
  });

  it('compares the `value` sub-attribute of complex values when no sub-attribute is named', () => {
    expect(matches('emails eq "BABS@jensen.org"')).toBe(true);
    expect(matches('groups eq "e9e30dba"')).toBe(true);
    expect(matches(`${ENTERPRISE}:manager eq "26118915-6090-4610-87e4-49d8ca9f808d"`)).toBe(true);
  });

  it('evaluates value filters with nested logic against each value', () => {
    expect(matches('emails[(type eq "home" or type eq "work") and not (primary eq true)]')).toBe(true);
    expect(matches('emails[not (value pr)]')).toBe(false);
    expect(matches('phoneNumbers[type eq "work" and value sw "555"]')).toBe(true);
  });
});

describe('matchesValueFilter', () => {
  const emails = resolver.resolve(undefined, 'emails');

  it('applies the inner filter of a value path to one value', () => {
    const filter = parseFilter('type eq "WORK" and value ew "@example.com"');
    expect(matchesValueFilter(filter, { type: 'work', value: 'a@example.com' }, emails)).toBe(true);
    expect(matchesValueFilter(filter, { type: 'home', value: 'a@example.com' }, emails)).toBe(false);
    expect(matchesValueFilter(filter, { type: 'work', value: 'a@example.com' }, undefined)).toBe(true);
  });

  it('addresses a primitive value of a simple multi-valued attribute as `value`', () => {
    const tags = resolver.resolve(ACME, 'tags');
    expect(matchesValueFilter(parseFilter('value eq "blue"'), 'Blue', tags)).toBe(true);
    expect(matchesValueFilter(parseFilter('value eq "blue"'), 'Red', undefined)).toBe(false);
    expect(matchesValueFilter(parseFilter('value pr'), 'x', undefined)).toBe(true);
  });

  it('uses sub-attribute definitions for caseExact', () => {
    const filter = parseFilter('value eq "e9e30dba"');
    const members = registry.resolver('Group').resolve(undefined, 'members');
    expect(members).toBeDefined();
    expect(matchesValueFilter(filter, { value: 'e9e30dba' }, members)).toBe(true);
  });
});

describe('compileFilter', () => {
  it('compiles once and evaluates many resources', () => {
    const predicate = compileFilter(
      parseFilter('userType eq "Employee" and emails[type eq "work"]'),
      resolver,
    );
    const population: JsonObject[] = Array.from({ length: 100 }, (_, i) => ({
      userType: i % 2 === 0 ? 'Employee' : 'Contractor',
      emails: [{ type: i % 3 === 0 ? 'work' : 'home', value: `u${i}@example.com` }],
    }));
    expect(population.filter(predicate).length).toBe(17);
  });

  it('evaluates a very long or-chain without deep recursion', () => {
    const text = Array.from({ length: 3000 }, (_, i) => `id eq "${i}"`).join(' or ');
    const predicate = compileFilter(parseFilter(text));
    expect(predicate({ id: '2999' })).toBe(true);
    expect(predicate({ id: '3000' })).toBe(false);
  });
});
