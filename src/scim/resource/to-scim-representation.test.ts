import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SchemaRegistry } from '../schema/schema-registry.js';
import { SchemaUrn } from '../schema/schema-types.js';
import { rfcEnterpriseUser } from './rfc7643-examples.js';
import { toScimRepresentation, weakEtag } from './to-scim-representation.js';
import { validateResource } from './validate-resource.js';

const registry = SchemaRegistry.withCoreSchemas();

describe('toScimRepresentation', () => {
  it('rebuilds the RFC 7643 §8.3 representation from stored attributes (without password)', () => {
    const attributes = validateResource(registry, 'User', rfcEnterpriseUser, 'create');
    const out = toScimRepresentation(registry, 'User', {
      id: '2819c223-7f76-453a-919d-413861904646',
      attributes,
      meta: {
        created: new Date('2010-01-23T04:56:22Z'),
        lastModified: '2011-05-13T04:42:34Z',
        version: 'a330bc54f0671c9',
        location: 'https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646',
      },
    });
    expect(out.schemas).toEqual([SchemaUrn.user, SchemaUrn.enterpriseUser]);
    expect(out.id).toBe('2819c223-7f76-453a-919d-413861904646');
    expect(out.password).toBeUndefined();
    expect(out.meta).toEqual({
      resourceType: 'User',
      created: '2010-01-23T04:56:22.000Z',
      lastModified: '2011-05-13T04:42:34Z',
      location: 'https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646',
      version: 'W/"a330bc54f0671c9"',
    });
    expect(out.userName).toBe('bjensen@example.com');
    expect(Object.keys(out)[0]).toBe('schemas');
  });

  it('lists only the core schema when no extension data is stored', () => {
    const out = toScimRepresentation(registry, 'Group', {
      id: 'g',
      attributes: { displayName: 'G' },
      meta: { created: '2020-01-01T00:00:00Z', lastModified: '2020-01-01T00:00:00Z' },
    });
    expect(out).toEqual({
      schemas: [SchemaUrn.group],
      id: 'g',
      displayName: 'G',
      meta: { resourceType: 'Group', created: '2020-01-01T00:00:00Z', lastModified: '2020-01-01T00:00:00Z' },
    });
  });

  it('weakEtag quotes bare versions and keeps entity tags', () => {
    expect([weakEtag(3), weakEtag('abc'), weakEtag('W/"x"'), weakEtag('"y"')]).toEqual([
      'W/"3"',
      'W/"abc"',
      'W/"x"',
      '"y"',
    ]);
  });

  it('formats every Date as its own ISO instant, also in runs of equal and alternating dates', () => {
    const instant = fc.integer({ min: 0, max: 4_102_444_800_000 });
    fc.assert(
      fc.property(fc.array(fc.tuple(instant, fc.boolean()), { minLength: 1, maxLength: 20 }), (items) => {
        for (const [ms, sameAsCreated] of items) {
          const modified = sameAsCreated ? ms : ms + 1;
          const out = toScimRepresentation(registry, 'Group', {
            id: 'g',
            attributes: { displayName: 'G' },
            meta: { created: new Date(ms), lastModified: new Date(modified) },
          });
          const meta = out.meta as { created: string; lastModified: string };
          expect(meta.created).toBe(new Date(ms).toISOString());
          expect(meta.lastModified).toBe(new Date(modified).toISOString());
        }
      }),
      { numRuns: 200 },
    );
  });
});
