/** attributes / excludedAttributes entries with a value filter (a tolerance, attribute-list.ts). */
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../shared/json.js';
import { SchemaRegistry } from '../schema/schema-registry.js';
import { parseAttributeList } from './attribute-list.js';
import { projectResource } from './project-resource.js';

const resolver = SchemaRegistry.withCoreSchemas().resolver('User');
const user: JsonObject = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  id: '1',
  userName: 'ada',
  emails: [
    { value: 'a@work', type: 'work', primary: true },
    { value: 'a@home', type: 'home' },
    { value: 'a@other', type: 'other' },
  ],
};

describe('parseAttributeList with value filters', () => {
  it('splits only at commas outside brackets and quotes', () => {
    const list = parseAttributeList(
      'emails[value eq "x,y" or type eq "a]b"].value, userName ,name.givenName',
    );
    expect(list.map((s) => [s.text, s.name, s.subAttr, s.filter !== undefined])).toEqual([
      ['emails[value eq "x,y" or type eq "a]b"].value', 'emails', 'value', true],
      ['userName', 'userName', undefined, false],
      ['name.givenName', 'name', 'givenName', false],
    ]);
  });
});

describe('projectResource with value filters', () => {
  const project = (options: { attributes?: string; excludedAttributes?: string }) =>
    projectResource(user, resolver, options);

  it('keeps only the matching values', () => {
    expect(project({ attributes: 'emails[type eq "work" or type eq "home"]' }).emails).toEqual([
      { value: 'a@work', type: 'work', primary: true },
      { value: 'a@home', type: 'home' },
    ]);
  });

  it('keeps only a sub-attribute of the matching values', () => {
    expect(project({ attributes: 'emails[type eq "home"].value' }).emails).toEqual([{ value: 'a@home' }]);
  });

  it('types the literals by the schema', () => {
    expect(project({ attributes: 'emails[primary eq "True"].type' }).emails).toEqual([{ type: 'work' }]);
  });

  it('merges with an unfiltered entry for the same attribute', () => {
    expect(project({ attributes: 'emails.type,emails[type eq "home"].value' }).emails).toEqual([
      { type: 'work' },
      { value: 'a@home', type: 'home' },
      { type: 'other' },
    ]);
    expect(project({ attributes: 'emails,emails[type eq "home"].value' }).emails).toHaveLength(3);
  });

  it('leaves the attribute out when no value matches', () => {
    const out = project({ attributes: 'emails[type eq "fax"],userName' });
    expect(out.emails).toBeUndefined();
    expect(out.userName).toBe('ada');
  });

  it('in excludedAttributes drops the matching values or their sub-attribute', () => {
    expect(project({ excludedAttributes: 'emails[type eq "home"]' }).emails).toEqual([
      { value: 'a@work', type: 'work', primary: true },
      { value: 'a@other', type: 'other' },
    ]);
    expect(project({ excludedAttributes: 'emails[type ne "work"].value' }).emails).toEqual([
      { value: 'a@work', type: 'work', primary: true },
      { type: 'home' },
      { type: 'other' },
    ]);
    expect(project({ excludedAttributes: 'emails[type pr]' }).emails).toBeUndefined();
  });
});
