/** The size limits of resource-limits.ts, in POST / PUT validation and in PATCH. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../shared/json.js';
import { applyPatch } from '../patch/apply-patch.js';
import { parsePatchRequest } from '../patch/parse-patch-request.js';
import { SchemaRegistry } from '../schema/schema-registry.js';
import { SchemaUrn } from '../schema/schema-types.js';
import { scimErrorThrownBy } from '../../../test/support/scim-error-of.js';
import {
  MAX_INDEXED_STRING_LENGTH,
  MAX_MEMBERS_PER_REQUEST,
  MAX_STRING_LENGTH,
  MAX_VALUES_PER_ATTRIBUTE,
} from './resource-limits.js';
import { validateResource } from './validate-resource.js';

const registry = SchemaRegistry.withCoreSchemas();
const users = registry.resolver('User');
const groups = registry.resolver('Group');

const patchOps = (...operations: unknown[]) =>
  parsePatchRequest({ schemas: [SchemaUrn.patchOp], Operations: operations });

/** undefined when `run` succeeds, else the error's scimType and detail. */
function outcome(run: () => unknown): { scimType?: string; detail: string } | undefined {
  const error = scimErrorThrownBy(run);
  return error === undefined ? undefined : { scimType: error.scimType, detail: error.detail };
}

const cases = [
  { path: 'userName', limit: MAX_INDEXED_STRING_LENGTH },
  { path: 'displayName', limit: MAX_INDEXED_STRING_LENGTH },
  { path: 'externalId', limit: MAX_INDEXED_STRING_LENGTH },
  { path: 'title', limit: MAX_STRING_LENGTH },
  { path: 'name.givenName', limit: MAX_STRING_LENGTH },
  { path: 'emails[type eq "work"].value', limit: MAX_INDEXED_STRING_LENGTH },
];

describe('string length limits', () => {
  it('a string is accepted exactly when it is within its limit, in POST and in PATCH', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...cases),
        fc.integer({ min: -3, max: 3 }),
        fc.constantFrom('a', 'é', '字'),
        (c, delta, char) => {
          const length = c.limit + delta;
          const text = char.repeat(length);
          const patched = outcome(() =>
            applyPatch({ userName: 'u' }, patchOps({ op: 'add', path: c.path, value: text }), {
              resolver: users,
            }),
          );
          const body: JsonObject = { schemas: [SchemaUrn.user], userName: 'u' };
          if (c.path === 'name.givenName') body.name = { givenName: text };
          else if (c.path.startsWith('emails')) body.emails = [{ type: 'work', value: text }];
          else body[c.path] = text;
          const posted = outcome(() => validateResource(registry, 'User', body, 'create'));
          for (const result of [patched, posted]) {
            if (delta <= 0) expect(result).toBeUndefined();
            else {
              expect(result?.scimType).toBe('invalidValue');
              expect(result?.detail).toContain(String(c.limit));
              expect(result?.detail).toContain(c.path.split(/[.[]/)[0]);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('value count limits', () => {
  const emails = (n: number) => Array.from({ length: n }, (_, i) => ({ value: `e${i}@x` }));

  it('an attribute holds at most MAX_VALUES_PER_ATTRIBUTE values, counting what it had', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_VALUES_PER_ATTRIBUTE }),
        fc.integer({ min: 1, max: 20 }),
        (had, added) => {
          const resource: JsonObject = { userName: 'u', emails: emails(had) };
          const more = Array.from({ length: added }, (_, i) => ({ value: `new${i}@x` }));
          const result = outcome(() =>
            applyPatch(resource, patchOps({ op: 'add', path: 'emails', value: more }), { resolver: users }),
          );
          if (had + added <= MAX_VALUES_PER_ATTRIBUTE) expect(result).toBeUndefined();
          else
            expect(result?.detail).toContain(
              `${had + added} values, more than the limit of ${MAX_VALUES_PER_ATTRIBUTE}`,
            );
        },
      ),
      { numRuns: 40 },
    );
    const posted = outcome(() =>
      validateResource(
        registry,
        'User',
        { schemas: [SchemaUrn.user], userName: 'u', emails: emails(1001) },
        'create',
      ),
    );
    expect(posted?.scimType).toBe('invalidValue');
  });

  it('group members are bounded per request, not per group', () => {
    const members = (n: number, prefix = 'm') =>
      Array.from({ length: n }, (_, i) => ({ value: `${prefix}${i}` }));
    const big: JsonObject = { displayName: 'g', members: members(MAX_MEMBERS_PER_REQUEST) };
    const grown = applyPatch(big, patchOps({ op: 'add', path: 'members', value: members(5, 'new') }), {
      resolver: groups,
    });
    expect(grown.resource.members).toHaveLength(MAX_MEMBERS_PER_REQUEST + 5);
    expect(
      outcome(() => patchOps({ op: 'add', path: 'members', value: members(MAX_MEMBERS_PER_REQUEST + 1) })),
    ).toEqual({
      scimType: 'invalidValue',
      detail: expect.stringContaining(`more than the limit of ${MAX_MEMBERS_PER_REQUEST}`),
    });
    expect(
      outcome(() =>
        validateResource(
          registry,
          'Group',
          { schemas: [SchemaUrn.group], displayName: 'g', members: members(MAX_MEMBERS_PER_REQUEST + 1) },
          'create',
        ),
      )?.detail,
    ).toContain('members');
  });
});
