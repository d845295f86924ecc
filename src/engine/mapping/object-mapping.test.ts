import { describe, expect, it } from 'vitest';
import type { AttributeMappingConfig, CompiledObjectMapping } from './object-mapping.js';
import { compileObjectMapping } from './object-mapping.js';
import { entraDefaultGroupMapping, entraDefaultUserMapping } from './entra-default-mapping.js';
import { ENTERPRISE, fullUser, groupSource, userSource } from '../source/test-fixtures.js';
import { sourceReference } from '../source/source-object.js';
import { createEvaluationContext } from '../../expressions/index.js';

function compile(
  mappings: readonly AttributeMappingConfig[],
  kind: 'user' | 'group' = 'user',
): CompiledObjectMapping {
  const result = compileObjectMapping(kind, { mappings });
  if (!result.ok) throw new Error(result.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return result.mapping;
}

function issues(mappings: readonly unknown[]): string[] {
  const result = compileObjectMapping('user', { mappings: mappings as AttributeMappingConfig[] });
  return result.ok ? [] : result.issues.map((i) => `${i.path}: ${i.message}`);
}

describe("Entra's default mappings", () => {
  it('map a user to the SCIM object Entra would send', () => {
    const result = compile(entraDefaultUserMapping.mappings).mapObject(userSource(), { operation: 'create' });
    expect(result.errors).toEqual([]);
    expect(result.target).toEqual({
      userName: 'bjensen@example.com',
      active: true,
      displayName: 'Babs Jensen',
      title: 'Tour Guide',
      emails: [{ type: 'work', value: 'bjensen@example.com' }],
      preferredLanguage: 'en-US',
      name: { givenName: 'Barbara', familyName: 'Jensen' },
      addresses: [
        {
          type: 'work',
          streetAddress: '100 Universal City Plaza',
          locality: 'Hollywood',
          postalCode: '91608',
          country: 'US',
          region: 'CA',
        },
        { type: 'other', formatted: 'Building 7, room 12' },
      ],
      phoneNumbers: [
        { type: 'work', value: '555-555-5555' },
        { type: 'mobile', value: '555-555-4444' },
      ],
      externalId: 'bjensen',
      [ENTERPRISE]: {
        department: 'Tour Operations',
        employeeNumber: '701984',
        manager: sourceReference('User', '26118915-6090-4610-87e4-49d8ca9f808d'),
      },
    });
    expect(result.matching).toEqual([
      { target: 'userName', precedence: 1, value: 'bjensen@example.com', redacted: false },
    ]);
    expect(result.references).toEqual([`${ENTERPRISE}:manager`]);
    expect(result.redactedPaths).toEqual([]);
    expect(result.skip).toBe(false);
  });

  it('turn a soft-deleted user into active false', () => {
    const mapping = compile(entraDefaultUserMapping.mappings);
    const result = mapping.mapObject(userSource(fullUser(), { inScope: false }), { operation: 'update' });
    expect(result.target.active).toBe(false);
  });

  it('map a group, its members as references', () => {
    const result = compile(entraDefaultGroupMapping.mappings, 'group').mapObject(groupSource(), {
      operation: 'create',
    });
    expect(result.target).toEqual({
      displayName: 'Tour Guides',
      externalId: 'e9e30dba-f08f-4109-8486-d5c6a331660a',
      members: [
        sourceReference('User', '2819c223-7f76-453a-919d-413861904646'),
        sourceReference('Group', '902c246b-6245-4190-8e05-00816be7344a'),
      ],
    });
    expect(result.references).toEqual(['members']);
  });
});

describe('apply and default values', () => {
  const mapping = compile([
    { target: 'userName', source: 'userPrincipalName' },
    { target: 'password', constant: 'S3cret!', apply: 'onCreate' },
    { target: 'nickName', source: 'name.middleName', defaultValue: 'none' },
  ]);

  it('applies onCreate mappings only on create', () => {
    expect(mapping.mapObject(userSource(), { operation: 'create' }).target.password).toBe('S3cret!');
    expect(mapping.mapObject(userSource(), { operation: 'update' }).target).not.toHaveProperty('password');
  });

  it('uses the default value for a null source on create only, and clears on update', () => {
    expect(mapping.mapObject(userSource(), { operation: 'create' }).target.nickName).toBe('none');
    expect(mapping.mapObject(userSource(), { operation: 'update' }).target.nickName).toBeNull();
  });

  it('leaves null values out of a new object', () => {
    const result = compile([{ target: 'nickName', source: 'name.middleName' }]).mapObject(userSource(), {
      operation: 'create',
    });
    expect(result.target).toEqual({});
  });

  it('still reports an onCreate matching attribute on update', () => {
    const result = compile([
      { target: 'externalId', source: 'objectId', apply: 'onCreate', matchingPrecedence: 2 },
      { target: 'userName', source: 'userPrincipalName', matchingPrecedence: 1 },
    ]).mapObject(userSource(), { operation: 'update' });
    expect(result.target).toEqual({ userName: 'bjensen@example.com' });
    expect(result.matching.map((m) => [m.precedence, m.target, m.value])).toEqual([
      [1, 'userName', 'bjensen@example.com'],
      [2, 'externalId', '2819c223-7f76-453a-919d-413861904646'],
    ]);
  });
});

describe('expressions', () => {
  it('IgnoreFlowIfNullOrEmpty leaves the attribute out of create and update', () => {
    const mapping = compile([
      { target: 'nickName', expression: 'IgnoreFlowIfNullOrEmpty([name.middleName])' },
      { target: 'title', expression: 'IgnoreFlowIfNullOrEmpty([jobTitle])' },
    ]);
    for (const operation of ['create', 'update'] as const) {
      expect(mapping.mapObject(userSource(), { operation }).target).toEqual({ title: 'Tour Guide' });
    }
  });

  it('IgnoreObjectFlow skips the object', () => {
    const mapping = compile([
      { target: 'userName', source: 'userPrincipalName' },
      { target: 'title', expression: 'IIF([department]="Tour Operations", IgnoreObjectFlow, [jobTitle])' },
    ]);
    const result = mapping.mapObject(userSource(), { operation: 'create' });
    expect(result.skip).toBe(true);
    expect(result.target).toEqual({});
  });

  it('flags Redact()ed values by target path, and still sends them', () => {
    const result = compile([
      { target: 'password', expression: 'Redact(RandomString(12, 1, 1, 1, 1))', apply: 'onCreate' },
      { target: 'userName', source: 'userPrincipalName', matchingPrecedence: 1 },
      { target: 'externalId', expression: 'Redact([employeeId])', matchingPrecedence: 2 },
    ]).mapObject(userSource(), { operation: 'create' });
    expect(typeof result.target.password).toBe('string');
    expect(result.redactedPaths).toEqual(['password', 'externalId']);
    expect(result.matching.map((m) => m.redacted)).toEqual([false, true]);
  });

  it('reads Entra names, SCIM paths and URNs', () => {
    const result = compile([
      { target: 'displayName', expression: 'Join(" ", [givenName], [name.familyName])' },
      { target: 'nickName', expression: `ToLower([${ENTERPRISE}:department])` },
      { target: 'title', expression: 'Append([manager], "!")' },
    ]).mapObject(userSource(), { operation: 'update' });
    expect(result.target).toEqual({
      displayName: 'Barbara Jensen',
      nickName: 'tour operations',
      title: '26118915-6090-4610-87e4-49d8ca9f808d!',
    });
  });

  it("gives app role functions the engine's assignments", () => {
    const roles = [{ id: 'r1', displayName: 'Admin', value: 'admin' }];
    const result = compile([
      { target: 'roles', expression: 'SingleAppRoleAssignment([appRoleAssignments])' },
    ]).mapObject(userSource(fullUser(), { appRoleAssignments: roles }), { operation: 'create' });
    expect(result.target.roles).toBe('admin');
  });

  it('reports a failing expression for the object without throwing', () => {
    const result = compile([
      { target: 'userName', source: 'userPrincipalName' },
      { target: 'hireDate', expression: 'FormatDateTime([jobTitle], , "yyyyMMdd", "yyyy")' },
    ]).mapObject(userSource(), { operation: 'create' });
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]!.path).toBe('mappings[1].expression');
    expect(result.target).toEqual({ userName: 'bjensen@example.com' });
  });

  it('maps SelectUniqueValue through mapObjectAsync, asking the target', async () => {
    const mapping = compile([
      { target: 'userName', expression: 'SelectUniqueValue([mailNickname], Join("", [mailNickname], "1"))' },
    ]);
    expect(mapping.isAsync).toBe(true);
    const evaluation = createEvaluationContext({ taken: ['bjensen'] });
    const result = await mapping.mapObjectAsync(userSource(), { operation: 'create', evaluation });
    expect(result.target.userName).toBe('bjensen1');
    expect(mapping.mapObject(userSource(), { operation: 'create', evaluation }).errors[0]!.message).toMatch(
      /mapObjectAsync/,
    );
  });
});

describe('compile errors', () => {
  it('name the mapping and field, with the checker diagnostic', () => {
    expect(
      issues([
        { target: 'userName', source: 'userPrincipalName', matchingPrecedence: 1 },
        { target: 'displayName', expression: 'Jion(" ", [givenName], [surname])' },
        { target: 'title', expression: '[jobTitel]' },
        { target: 'nickName', source: 'nickname2' },
        { target: 'emails[type eq "work" or primary eq true].value', source: 'mail' },
        { target: 'userName', source: 'mail' },
        { target: 'externalId', source: 'objectId', constant: 'x' },
        { target: 'locale', constant: 'en', matchingPrecedence: 1 },
        { target: 'timezone', constant: 'UTC', apply: 'sometimes' },
        { target: 'name', source: 'displayName' },
        { target: 'name.givenName', source: 'givenName' },
        { target: 'emails[type eq "work"]', source: 'mail' },
        { target: 'profileUrl', expression: 'Left([name.givnName], 1)' },
      ]),
    ).toEqual([
      "mappings[1].expression: unknown function 'Jion' at 1:1, did you mean 'Join'?",
      'mappings[2].expression: unknown attribute [jobTitel] at 1:1, did you mean [jobTitle]?',
      "mappings[3].source: unknown source attribute 'nickname2', did you mean 'nickName'?",
      `mappings[4].target: 'emails[type eq "work" or primary eq true].value': a target filter names the entry to write, so it may only join 'attribute eq value' with 'and'`,
      "mappings[5].target: 'userName' overlaps the target of mappings[0]",
      'mappings[6]: takes one of source, constant and expression, not source and constant',
      'mappings[7].matchingPrecedence: precedence 1 is already taken by mappings[0]',
      "mappings[8].apply: must be 'always' or 'onCreate', not 'sometimes'",
      "mappings[10].target: 'name.givenName' overlaps the target of mappings[9]",
      `mappings[11].target: 'emails[type eq "work"]': a value-filter path needs a sub-attribute after the filter, e.g. emails[type eq "work"].value`,
      "mappings[12].expression: [name.givnName]: unknown source attribute 'name.givnName', did you mean 'name.givenName'?",
    ]);
  });

  it('never throws on malformed configuration', () => {
    expect(issues([null, { target: 3, source: 'mail' }, { target: 'x' }])).toEqual([
      'mappings[0]: must be an object with a target and a source, constant or expression',
      'mappings[1].target: a target attribute path is required',
      'mappings[2]: needs a source, a constant or an expression',
    ]);
    const result = compileObjectMapping('user', {} as never);
    expect(result.ok).toBe(false);
  });
});
