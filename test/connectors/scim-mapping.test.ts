/**
 * Properties of the SCIM connector's pure parts: target attributes to SCIM JSON and back, PATCH
 * operations that turn the old resource into the new one (applied by the test target's own PATCH
 * code, written apart from the connector's), filters whose values survive any characters, and the
 * settings schema's refusals naming their paths.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFilter, printFilter } from '../../src/scim/filter/index.js';
import { diffAttributes, sameValue, type TargetAttributes } from '../../src/connectors/spi/index.js';
import {
  resolveBehaviour,
  scimCredentialsSchema,
  scimSettingsSchema,
} from '../../src/connectors/scim/index.js';
import { patchBody, patchOperations } from '../../src/connectors/scim/scim-patch-builder.js';
import { fromScimResource, toScimResource } from '../../src/connectors/scim/scim-resource-mapping.js';
import { equalityFilter } from '../../src/connectors/scim/scim-filters.js';
import { hasEntry } from '../../src/connectors/scim/scim-paths.js';
import { applyTargetPatch } from '../support/scim-target/target-patch.js';
import { DEFAULT_TARGET_PROFILE } from '../support/scim-target/target-profile.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATHS = [
  'displayName',
  'title',
  'externalId',
  'name.givenName',
  'name.familyName',
  'emails[type eq "work"].value',
  'phoneNumbers[type eq "work"].value',
  'phoneNumbers[type eq "mobile"].value',
  'addresses[type eq "work"].locality',
  'addresses[type eq "work"].postalCode',
  `${ENTERPRISE}:department`,
  `${ENTERPRISE}:employeeNumber`,
  `${ENTERPRISE}:manager`,
] as const;

const value = fc.string({ minLength: 1, maxLength: 12 });
const attributes: fc.Arbitrary<TargetAttributes> = fc
  .record(Object.fromEntries(PATHS.map((p) => [p, value])) as Record<string, fc.Arbitrary<string>>, {
    requiredKeys: [],
  })
  .map((a) => ({ userName: 'u@example.com', ...a }));

const profiles = {
  provisio: resolveBehaviour('provisio', {}),
  strict: resolveBehaviour('strict-rfc7644', {}),
};

function expectSame(actual: TargetAttributes, expected: TargetAttributes) {
  for (const path of new Set([...Object.keys(expected), ...PATHS])) {
    expect(
      sameValue(actual[path], expected[path]),
      `${path}: ${JSON.stringify(actual[path])} vs ${JSON.stringify(expected[path])}`,
    ).toBe(true);
  }
}

describe('attributes to SCIM JSON and back', () => {
  it('every path written reads back with its value', () => {
    fc.assert(
      fc.property(attributes, (attrs) => {
        const resource = { id: 'u1', ...toScimResource('User', attrs, profiles.provisio) };
        expectSame(fromScimResource('User', resource, PATHS, profiles.provisio).attributes, attrs);
        // Without knowing the paths, the canonical ones are the same texts.
        expectSame(fromScimResource('User', resource, [], profiles.provisio).attributes, attrs);
      }),
      { numRuns: 300 },
    );
  });

  for (const [name, behaviour] of Object.entries(profiles)) {
    it(`the PATCH for a diff turns the old resource into the new one (${name})`, () => {
      const profile = { ...DEFAULT_TARGET_PROFILE, entraForms: name === 'provisio' };
      fc.assert(
        fc.property(attributes, attributes, (before, after) => {
          const old = { id: 'u1', ...toScimResource('User', before, behaviour) };
          const operations = patchOperations(diffAttributes(before, after), behaviour, (path) =>
            hasEntry(old, path),
          );
          if (operations.length === 0) return;
          const patched = applyTargetPatch(old, patchBody(operations), profile);
          expectSame(fromScimResource('User', patched, PATHS, behaviour).attributes, after);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('a change carries only the changed attributes, one operation each (Entra form)', () => {
    fc.assert(
      fc.property(attributes, attributes, (before, after) => {
        const changes = diffAttributes(before, after);
        const operations = patchOperations(changes, profiles.provisio);
        expect(operations.map((o) => o.path)).toEqual(changes.map((c) => c.attribute));
      }),
    );
  });
});

describe('filters', () => {
  it('any string value survives the escaping, on a plain and on a value path', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const plain = parseFilter(equalityFilter('userName', text, profiles.strict));
        expect(plain).toMatchObject({ kind: 'compare', op: 'eq', value: text });
        const rfc = parseFilter(equalityFilter('emails[type eq "work"].value', text, profiles.strict));
        expect(rfc.kind).toBe('valuePath');
        const entra = parseFilter(equalityFilter('emails[type eq "work"].value', text, profiles.provisio), {
          allowValuePathSubAttribute: true,
        });
        expect(printFilter(entra)).toBe(printFilter(rfc));
      }),
      { numRuns: 300 },
    );
  });
});

describe('settings', () => {
  const issues = (input: unknown) => {
    const parsed = scimSettingsSchema.safeParse(input);
    return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('applies the defaults', () => {
    expect(scimSettingsSchema.parse({ baseUrl: 'https://app.example.com/scim/v2' })).toMatchObject({
      usersPath: '/Users',
      groupsPath: '/Groups',
      profile: 'strict-rfc7644',
      concurrency: 8,
      memberBatchSize: 100,
      maxPageSize: 100,
      timeouts: { connectMs: 10_000, requestMs: 30_000 },
      tls: { rejectUnauthorized: true },
    });
  });

  it('refuses what would go wrong later, naming the path', () => {
    expect(issues({ baseUrl: 'ftp://x' })).toEqual(['baseUrl: must be an http:// or https:// URL']);
    expect(issues({ baseUrl: 'https://user:pw@x.example.com' })).toEqual([
      'baseUrl: must not hold credentials; put them in credentials',
    ]);
    expect(issues({ baseUrl: 'https://x.example.com', usersPath: 'Users' })[0]).toMatch(
      /^usersPath: must be a path/u,
    );
    expect(issues({ baseUrl: 'https://x.example.com', tls: { cert: 'a.pem' } })).toEqual([
      'tls: cert and key go together',
    ]);
    expect(issues({ baseUrl: 'https://x.example.com', profile: 'okta' })[0]).toMatch(/^profile:/u);
    expect(issues({ baseUrl: 'https://x.example.com', deviations: { patchUnsuported: true } })[0]).toMatch(
      /^deviations:/u,
    );
    expect(issues({ baseUrl: 'https://x.example.com', headers: { Authorization: 'x' } })).toEqual([
      'headers: must not set authorization; use credentials',
    ]);
    expect(issues({ baseUrl: 'https://x.example.com', concurrency: 0 })[0]).toMatch(/^concurrency:/u);
  });

  it('credentials are one of token, oauth or basic', () => {
    expect(scimCredentialsSchema.safeParse({ token: 't' }).success).toBe(true);
    expect(
      scimCredentialsSchema.parse({
        oauth: { tokenUrl: 'https://login.example.com/token', clientId: 'a', clientSecret: 'b' },
      }),
    ).toMatchObject({ oauth: { clientAuth: 'basic' } });
    expect(scimCredentialsSchema.safeParse({ basic: { username: 'u', password: 'p' } }).success).toBe(true);
    expect(scimCredentialsSchema.safeParse({ token: '' }).success).toBe(false);
    expect(
      scimCredentialsSchema.safeParse({ token: 't', basic: { username: 'u', password: 'p' } }).success,
    ).toBe(false);
  });
});
