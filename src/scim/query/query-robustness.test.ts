import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../shared/json.js';
import { rfcEnterpriseUser } from '../resource/rfc7643-examples.js';
import { ScimError } from '../scim-error.js';
import { SchemaRegistry } from '../schema/schema-registry.js';
import { parseAttributeList } from './attribute-list.js';
import { projectResource } from './project-resource.js';
import { parseQueryParameters, parseSearchRequest } from './search-request.js';

const resolver = SchemaRegistry.withCoreSchemas().resolver('User');

function onlyScimErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof ScimError)) throw error;
  }
}

const pathish = fc.stringMatching(/^[A-Za-z$][A-Za-z0-9_.:$-]{0,20}$/);
const attributeText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc
    .array(
      fc.oneof(
        pathish,
        fc.constantFrom(
          'userName',
          'name.givenName',
          'emails.value',
          'password',
          'id',
          'meta.created',
          'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
          'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value',
        ),
      ),
      { maxLength: 5 },
    )
    .map((a) => a.join(',')),
);

describe('query shaping never throws anything but ScimError', () => {
  it('parseAttributeList and projectResource on arbitrary text', () => {
    fc.assert(
      fc.property(attributeText, attributeText, (a, b) => {
        onlyScimErrors(() => parseAttributeList(a));
        onlyScimErrors(() => {
          const out = projectResource(rfcEnterpriseUser, resolver, { attributes: a, excludedAttributes: b });
          // `returned` invariants: id is always there, password never.
          expect(out.id).toBe(rfcEnterpriseUser.id);
          expect(out.password).toBeUndefined();
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('parseSearchRequest and parseQueryParameters on arbitrary JSON', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 3 }),
        fc.dictionary(
          fc.constantFrom('filter', 'count', 'startIndex', 'sortOrder', 'attributes', 'x'),
          fc.string({ maxLength: 10 }),
        ),
        (body, query) => {
          onlyScimErrors(() => parseSearchRequest(body));
          onlyScimErrors(() =>
            parseSearchRequest({
              schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
              ...(body as JsonObject),
            }),
          );
          onlyScimErrors(() => parseQueryParameters(query));
        },
      ),
      { numRuns: 500 },
    );
  });
});
