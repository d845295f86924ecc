import { describe, expect, it } from 'vitest';
import { isScimError } from '../scim-error.js';
import { parsePatchRequest } from './parse-patch-request.js';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const body = (Operations: unknown): unknown => ({ schemas: [PATCH_OP], Operations });

function scimTypeOf(input: unknown): string | undefined {
  try {
    parsePatchRequest(input);
  } catch (error) {
    if (isScimError(error)) return error.scimType;
    throw error;
  }
  return 'ok';
}

describe('parsePatchRequest', () => {
  it('parses add, remove and replace with parsed paths', () => {
    const ops = parsePatchRequest(
      body([
        { op: 'add', path: 'members', value: [{ value: '2819c223' }] },
        { op: 'remove', path: 'members[value eq "2819c223"]' },
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'x@example.com' },
      ]),
    );
    expect(ops.map((o) => o.op)).toEqual(['add', 'remove', 'replace']);
    expect(ops[0]?.path?.attr.name).toBe('members');
    expect(ops[1]?.path?.valueFilter?.kind).toBe('compare');
    expect(ops[2]?.path?.subAttr).toBe('value');
    expect(ops[2]?.value).toBe('x@example.com');
  });

  it('keeps an operation without a path as path-less', () => {
    const [op] = parsePatchRequest(body([{ op: 'replace', value: { active: false } }]));
    expect(op).toEqual({ op: 'replace', value: { active: false } });
  });

  it('keeps a remove value (member removal by value list)', () => {
    const [op] = parsePatchRequest(body([{ op: 'remove', path: 'members', value: [{ value: 'a' }] }]));
    expect(op?.value).toEqual([{ value: 'a' }]);
  });

  it.each([
    ['a non-object body', 'nope', 'invalidSyntax'],
    ['a body without schemas', { Operations: [{ op: 'add', path: 'title', value: 'x' }] }, 'invalidSyntax'],
    [
      'a body with the wrong schema',
      { schemas: ['urn:x'], Operations: [{ op: 'add', path: 'a', value: 1 }] },
      'invalidSyntax',
    ],
    ['missing Operations', { schemas: [PATCH_OP] }, 'invalidSyntax'],
    ['empty Operations', body([]), 'invalidSyntax'],
    ['Operations not an array', body({ op: 'add' }), 'invalidSyntax'],
    ['an operation that is not an object', body(['add']), 'invalidSyntax'],
    ['an unknown op', body([{ op: 'move', path: 'title', value: 'x' }]), 'invalidSyntax'],
    ['a missing op', body([{ path: 'title', value: 'x' }]), 'invalidSyntax'],
    ['a path that is not a string', body([{ op: 'add', path: 3, value: 'x' }]), 'invalidPath'],
    ['a malformed path', body([{ op: 'add', path: 'emails[type eq', value: 'x' }]), 'invalidPath'],
    ['add without value', body([{ op: 'add', path: 'title' }]), 'invalidValue'],
    ['replace without value', body([{ op: 'replace', path: 'title' }]), 'invalidValue'],
    ['remove without path (RFC 7644 §3.5.2.2)', body([{ op: 'remove' }]), 'noTarget'],
  ])('rejects %s with %s', (_name, input, scimType) => {
    expect(scimTypeOf(input)).toBe(scimType);
  });

  it('names the failing operation in the detail', () => {
    try {
      parsePatchRequest(body([{ op: 'add', path: 'title', value: 'x' }, { op: 'bogus' }]));
      expect.unreachable();
    } catch (error) {
      expect(isScimError(error) && error.detail).toContain('Operations[1]');
    }
  });

  it('accepts an empty-string path as no path', () => {
    const [op] = parsePatchRequest(body([{ op: 'add', path: '', value: { title: 'x' } }]));
    expect(op?.path).toBeUndefined();
  });
});
