import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../shared/json.js';
import { SchemaRegistry } from '../schema/schema-registry.js';
import { compileFilter, compileValueFilter, collectOperands } from './filter-compiler.js';
import { parseFilter } from './filter-parser.js';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const resolver = SchemaRegistry.withCoreSchemas().resolver('User');

const user: JsonObject = {
  schemas: [CORE, ENTERPRISE],
  id: 'AbC-1',
  externalId: 'Ext-7',
  userName: 'bjensen',
  title: '2011-05-13T06:42:34+02:00',
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  emails: [{ value: 'b@example.com', type: 'work' }, 'not-an-object', { type: 'home' }],
  ims: [{ value: null, type: 'aim' }],
  phoneNumbers: [{ value: { nested: true }, type: 'work' }],
  meta: { lastModified: '2011-05-13T04:42:34Z' },
  [ENTERPRISE]: { employeeNumber: '701984', manager: { value: 'M-1', displayName: 'John' } },
};

const typed = (filter: string, resource: JsonObject = user) =>
  compileFilter(parseFilter(filter), resolver)(resource);
const untyped = (filter: string, resource: JsonObject = user) => compileFilter(parseFilter(filter))(resource);

describe('compileFilter: logical chains of any length', () => {
  it('and / or / not decide on every operand, not only the first two', () => {
    const t = 'userName eq "bjensen"';
    const f = 'userName eq "other"';
    expect(typed(`${t} and ${t} and ${t}`)).toBe(true);
    expect(typed(`${t} and ${t} and ${f}`)).toBe(false);
    expect(typed(`${f} and ${t} and ${t}`)).toBe(false);
    expect(typed(`${t} and ${f}`)).toBe(false);
    expect(typed(`${f} or ${f} or ${t}`)).toBe(true);
    expect(typed(`${f} or ${f} or ${f}`)).toBe(false);
    expect(typed(`${t} or ${f}`)).toBe(true);
    expect(typed(`${f} or ${f}`)).toBe(false);
    expect(typed(`not (${t})`)).toBe(false);
    expect(typed(`not (${f})`)).toBe(true);
    expect(typed(`${t} and (${f} or ${t})`)).toBe(true);
  });

  it('collectOperands flattens one kind in order and keeps other kinds whole', () => {
    const operands = collectOperands(parseFilter('a pr and (b pr or c pr) and d pr and e pr'), 'and');
    expect(operands.map((o) => o.kind)).toEqual(['present', 'or', 'present', 'present']);
    expect(operands.map((o) => (o.kind === 'present' ? o.path.name : 'or'))).toEqual(['a', 'or', 'd', 'e']);
    expect(collectOperands(parseFilter('a pr'), 'or')).toHaveLength(1);
  });
});

describe('compileFilter: where attributes are found', () => {
  it('finds extension attributes with and without their schema URN, and core ones with theirs', () => {
    expect(typed('employeeNumber eq "701984"')).toBe(true);
    expect(typed(`${ENTERPRISE}:employeeNumber eq "701984"`)).toBe(true);
    expect(typed(`${ENTERPRISE}:manager.displayName eq "john"`)).toBe(true);
    expect(typed(`${ENTERPRISE}:manager eq "m-1"`)).toBe(true);
    expect(typed(`${CORE}:userName eq "BJENSEN"`)).toBe(true);
    expect(typed(`${CORE}:name.givenName sw "barb"`)).toBe(true);
    expect(typed('employeeNumber eq "701984"', { ...user, [ENTERPRISE]: 'not an object' })).toBe(false);
  });

  it('a sub-attribute path looks into each object value and skips the others', () => {
    expect(typed('emails.type eq "home"')).toBe(true);
    expect(typed('emails.value eq "not-an-object"')).toBe(false);
    expect(typed('name.familyName eq "jensen"')).toBe(true);
    expect(typed('name.familyName eq "jensen"', { ...user, name: 'Jensen' })).toBe(false);
    expect(typed('emails.type eq "work"', { ...user, emails: { type: 'work' } })).toBe(true);
    expect(typed('name.givenName pr', { schemas: [CORE] })).toBe(false);
  });

  it('a complex value compares through a primitive value only', () => {
    expect(typed('emails eq "b@example.com"')).toBe(true);
    expect(typed('ims eq "x"')).toBe(false);
    expect(typed('ims ne "x"')).toBe(true);
    expect(typed('phoneNumbers eq "x"')).toBe(false);
    expect(typed('phoneNumbers co "nested"')).toBe(false);
    expect(typed('emails eq "x"', { ...user, emails: [['b@example.com']] })).toBe(false);
  });
});

describe('compileFilter: null literals (RFC 7643 §2.5)', () => {
  it('eq null means not present, ne null present, and ordering against null never matches', () => {
    expect(typed('title eq null')).toBe(false);
    expect(typed('nickName eq null')).toBe(true);
    expect(typed('title ne null')).toBe(true);
    expect(typed('nickName ne null')).toBe(false);
    for (const op of ['gt', 'ge', 'lt', 'le', 'co', 'sw', 'ew']) {
      expect({ op, match: typed(`title ${op} null`) }).toEqual({ op, match: false });
    }
  });
});

describe('compileFilter: caseExact without a schema (RFC 7643 §3.1)', () => {
  it('only id and externalId of the core schema compare case-sensitively', () => {
    expect(untyped('id eq "AbC-1"')).toBe(true);
    expect(untyped('id eq "abc-1"')).toBe(false);
    expect(untyped('externalId eq "ext-7"')).toBe(false);
    expect(untyped('externalId sw "Ext"')).toBe(true);
    expect(untyped(`${CORE}:id eq "abc-1"`)).toBe(false);
    expect(untyped('userName eq "BJENSEN"')).toBe(true);
    expect(untyped('name.givenName eq "BARBARA"')).toBe(true);
    const other = { schemas: [CORE], 'urn:example:x:2.0:Thing': { id: 'AbC' } };
    expect(untyped('urn:example:x:2.0:Thing:id eq "abc"', other)).toBe(true);
    expect(untyped('name.id eq "abc"', { schemas: [CORE], name: { id: 'AbC' } })).toBe(true);
  });

  it('inside a value filter, id is an ordinary sub-attribute', () => {
    const predicate = compileValueFilter(parseFilter('id eq "abc"'));
    expect(predicate({ id: 'AbC' })).toBe(true);
  });
});

describe('compileFilter: dateTime literals', () => {
  it('compare chronologically with dateTime attributes and untyped values, as text with string ones', () => {
    expect(typed('meta.lastModified eq "2011-05-13T06:42:34+02:00"')).toBe(true);
    expect(untyped('meta.lastModified eq "2011-05-13T06:42:34+02:00"')).toBe(true);
    // title is a string attribute: a date-like title is text, not an instant.
    expect(typed('title eq "2011-05-13T04:42:34Z"')).toBe(false);
    expect(untyped('title eq "2011-05-13T04:42:34Z"')).toBe(true);
    // As text "…T06:42…" sorts after "…T05:00…"; as instants 04:42Z is before 05:00Z.
    expect(typed('title gt "2011-05-13T05:00:00Z"')).toBe(true);
    expect(untyped('title gt "2011-05-13T05:00:00Z"')).toBe(false);
    expect(untyped('title lt "2011-05-13T05:00:00Z"')).toBe(true);
  });

  it('fall back to text when the attribute value is not a dateTime', () => {
    const resource = { schemas: [CORE], meta: { lastModified: 'yesterday' } };
    expect(typed('meta.lastModified eq "2011-05-13T04:42:34Z"', resource)).toBe(false);
    expect(typed('meta.lastModified gt "2011-05-13T04:42:34Z"', resource)).toBe(true);
    expect(typed('meta.lastModified eq "YESTERDAY"', resource)).toBe(true);
    expect(
      typed('meta.lastModified lt "2011-05-13T04:42:34Z"', { schemas: [CORE], meta: { lastModified: 7 } }),
    ).toBe(false);
  });
});
