/** Every PATCH error names the operation, the path as sent and what is wrong with it. */
import { describe, expect, it } from 'vitest';
import { SchemaRegistry } from '../schema/schema-registry.js';
import { scimErrorThrownBy } from '../../../test/support/scim-error-of.js';
import type { JsonObject } from '../../shared/json.js';
import { applyPatch } from './apply-patch.js';
import { parsePatchRequest } from './parse-patch-request.js';

const users = SchemaRegistry.withCoreSchemas().resolver('User');
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const user = (): JsonObject => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  id: 'u1',
  userName: 'bjensen',
  name: { givenName: 'Barbara' },
  emails: [{ value: 'b@example.com', type: 'work' }],
});

function detail(operation: unknown): [string | undefined, string] {
  const error = scimErrorThrownBy(() => {
    const ops = parsePatchRequest({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'add', path: 'title', value: 'ok' }, operation],
    });
    applyPatch(user(), ops, { resolver: users });
  });
  return error === undefined ? [undefined, 'no error'] : [error.scimType, error.detail];
}

describe('applyPatch error details', () => {
  it.each<[string, unknown, string, string]>([
    [
      'an unknown attribute',
      { op: 'add', path: 'shoeSize', value: 42 },
      'invalidPath',
      '"shoeSize": unknown attribute',
    ],
    [
      'an unknown sub-attribute',
      { op: 'add', path: 'name.nick', value: 'x' },
      'invalidPath',
      '"name.nick": unknown sub-attribute "nick" of "name"',
    ],
    [
      'a sub-attribute of a simple attribute',
      { op: 'add', path: 'title.x', value: 'x' },
      'invalidPath',
      '"title.x": "title" has no sub-attributes',
    ],
    [
      'an unknown path-less key',
      { op: 'replace', value: { shoeSize: 42 } },
      'invalidPath',
      '"shoeSize": unknown attribute',
    ],
    [
      'an unknown sub-attribute inside a value',
      { op: 'add', path: 'emails', value: [{ value: 'a@x', colour: 'red' }] },
      'invalidPath',
      'emails[0]: unknown sub-attribute "colour" of "emails"',
    ],
    [
      'a value filter on a single-valued attribute',
      { op: 'replace', path: 'name[givenName eq "x"]', value: {} },
      'invalidPath',
      '"name[givenName eq "x"]": a value filter needs a multi-valued attribute, "name" is not',
    ],
    [
      'a string that is not a boolean',
      { op: 'replace', path: 'active', value: 'yes' },
      'invalidValue',
      'active: expected boolean, got string "yes"',
    ],
    [
      'a number for a string',
      { op: 'replace', path: 'title', value: 7 },
      'invalidValue',
      'title: expected string, got number 7',
    ],
    [
      'a bare string for a complex attribute without a value sub-attribute',
      { op: 'replace', path: 'name', value: 'Barbara' },
      'invalidValue',
      'name: expected complex, got string "Barbara"',
    ],
    [
      'a path-less add of something other than an object',
      { op: 'add', value: 'x' },
      'invalidValue',
      '"add" without a path needs an object of attributes as its value',
    ],
    [
      'a misspelt sub-attribute in a value filter',
      { op: 'add', path: 'emails[tpye eq "work"].value', value: 'x' },
      'invalidPath',
      '"emails[tpye eq "work"].value": "emails[tpye]": no sub-attribute "tpye" of "emails"; did you mean "type"? (at position 7)',
    ],
    [
      'an unknown sub-attribute of an extension attribute',
      { op: 'add', path: `${ENTERPRISE}:manager.nope`, value: 'x' },
      'invalidPath',
      `"${ENTERPRISE}:manager.nope": unknown sub-attribute "nope" of "manager"`,
    ],
  ])('%s', (_name, operation, scimType, message) => {
    expect(detail(operation)).toEqual([scimType, `Operations[1]: ${message}`]);
  });
});
