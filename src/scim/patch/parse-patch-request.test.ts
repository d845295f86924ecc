import { describe, expect, it } from 'vitest';
import { isScimError } from '../scim-error.js';
import { scimErrorThrownBy } from '../../../test/support/scim-error-of.js';
import { parsePatchRequest } from './parse-patch-request.js';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const body = (Operations: unknown): unknown => ({ schemas: [PATCH_OP], Operations });

function scimTypeOf(input: unknown): string | undefined {
  const error = scimErrorThrownBy(() => parsePatchRequest(input));
  return error === undefined ? 'ok' : error.scimType;
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

describe('parsePatchRequest: member names and values', () => {
  it('matches the message keys case-insensitively (RFC 7643 §2.1)', () => {
    const ops = parsePatchRequest({
      Schemas: [PATCH_OP.toUpperCase()],
      operations: [{ OP: 'Add', Path: 'title', VALUE: 'Rep' }],
    });
    expect(ops).toHaveLength(1);
    expect(ops[0]?.op).toBe('add');
    expect(ops[0]?.path?.attr.name).toBe('title');
    expect(ops[0]?.value).toBe('Rep');
  });

  it('prefers the exactly spelt key when two differ only in case', () => {
    const ops = parsePatchRequest({
      Schemas: 'junk',
      schemas: [PATCH_OP],
      operations: 'junk',
      Operations: [{ Op: 'junk', op: 'remove', path: 'title' }],
    });
    expect(ops).toEqual([expect.objectContaining({ op: 'remove' })]);
  });

  it('finds the PatchOp schema among others', () => {
    const ops = parsePatchRequest({
      schemas: [3, 'urn:x', PATCH_OP],
      Operations: [{ op: 'remove', path: 'x' }],
    });
    expect(ops).toEqual([expect.objectContaining({ op: 'remove' })]);
  });

  it('rejects schemas that are not an array, even if it names PatchOp', () => {
    expect(scimTypeOf({ schemas: PATCH_OP, Operations: [{ op: 'remove', path: 'x' }] })).toBe(
      'invalidSyntax',
    );
  });

  it('reads a null or blank path as no path', () => {
    expect(parsePatchRequest(body([{ op: 'add', path: null, value: { title: 'x' } }]))).toEqual([
      { op: 'add', value: { title: 'x' } },
    ]);
    expect(parsePatchRequest(body([{ op: 'add', path: '  ', value: { title: 'x' } }]))).toEqual([
      { op: 'add', value: { title: 'x' } },
    ]);
    expect(scimTypeOf(body([{ op: 'remove', path: ' ' }]))).toBe('noTarget');
  });

  it('says why a path does not parse, at which operation', () => {
    try {
      parsePatchRequest(
        body([
          { op: 'add', path: 'title', value: 'x' },
          { op: 'add', path: 'a b', value: 1 },
        ]),
      );
      expect.unreachable();
    } catch (error) {
      expect(isScimError(error) && error.scimType).toBe('invalidPath');
      expect(isScimError(error) && error.detail).toBe(
        "Operations[1]: unexpected 'b' at position 2: expected '[' or the end of the path",
      );
    }
  });

  it('rejects an explicit undefined value of add, but keeps null and false', () => {
    expect(scimTypeOf(body([{ op: 'add', path: 'title', value: undefined }]))).toBe('invalidValue');
    expect(parsePatchRequest(body([{ op: 'replace', path: 'title', value: null }]))[0]).toHaveProperty(
      'value',
      null,
    );
    expect(parsePatchRequest(body([{ op: 'replace', path: 'active', value: false }]))[0]?.value).toBe(false);
  });

  it('leaves the value out of a remove that has none', () => {
    expect(parsePatchRequest(body([{ op: 'remove', path: 'title' }]))[0]).toEqual({
      op: 'remove',
      path: expect.objectContaining({ attr: expect.objectContaining({ name: 'title' }) }),
    });
    expect(parsePatchRequest(body([{ op: 'remove', path: 'title' }]))[0]).not.toHaveProperty('value');
  });

  it.each([
    ['a non-finite number', Number.NaN],
    ['an infinite number nested in an object', { a: [Infinity] }],
    ['a function', () => 1],
    ['a Date', new Date(0)],
    ['a class instance nested in an array', [new Map()]],
    ['an undefined member of an object', { a: undefined }],
    ['an undefined element of an array', [1, undefined]],
    ['a value nested deeper than 64 levels', JSON.parse(`${'['.repeat(70)}1${']'.repeat(70)}`) as unknown],
  ])('rejects %s as a value that is not JSON', (_name, value) => {
    expect(scimTypeOf(body([{ op: 'add', path: 'title', value }]))).toBe('invalidValue');
  });

  it('accepts containers nested 65 deep and refuses 66, arrays and objects alike', () => {
    const arrays = (n: number) => JSON.parse(`${'['.repeat(n)}1${']'.repeat(n)}`) as unknown;
    const objects = (n: number) => JSON.parse(`${'{"a":'.repeat(n)}1${'}'.repeat(n)}`) as unknown;
    for (const nested of [arrays, objects]) {
      expect(parsePatchRequest(body([{ op: 'add', path: 'title', value: nested(65) }]))).toHaveLength(1);
      expect(scimTypeOf(body([{ op: 'add', path: 'title', value: nested(66) }]))).toBe('invalidValue');
    }
  });

  it('accepts nested JSON, objects without a prototype and 64 levels of nesting', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 'b' });
    const deep = JSON.parse(`${'['.repeat(60)}1${']'.repeat(60)}`) as unknown;
    for (const value of [{ a: [1, 'x', true, null, { b: 2.5 }] }, bare, deep, 'text', 0]) {
      expect(parsePatchRequest(body([{ op: 'add', path: 'title', value }]))[0]?.value).toBe(value);
    }
  });
});

describe('parsePatchRequest: bounds on the message', () => {
  const removes = (n: number) => Array.from({ length: n }, () => ({ op: 'remove', path: 'title' }));

  it('accepts 10,000 operations and rejects 10,001', () => {
    expect(parsePatchRequest(body(removes(10_000)))).toHaveLength(10_000);
    expect(scimTypeOf(body(removes(10_001)))).toBe('invalidSyntax');
  });

  const members = (n: number) => Array.from({ length: n }, (_, i) => ({ value: `m${i}` }));

  it('counts member values over every operation, by path and in path-less values', () => {
    expect(
      parsePatchRequest(
        body([
          { op: 'add', path: 'members', value: members(5_000) },
          { op: 'add', value: { Members: members(4_999) } },
          { op: 'remove', path: 'members[value eq "x"]' },
        ]),
      ),
    ).toHaveLength(3);
    expect(
      scimTypeOf(
        body([
          { op: 'add', path: 'members', value: members(5_000) },
          { op: 'add', value: { Members: members(5_000) } },
          { op: 'remove', path: 'Members[value eq "x"]' },
        ]),
      ),
    ).toBe('invalidValue');
  });

  it('counts a single member value as one, and other attributes not at all', () => {
    const singles = Array.from({ length: 10_000 }, () => ({
      op: 'add',
      path: 'members',
      value: { value: 'm' },
    }));
    expect(parsePatchRequest(body(singles))).toHaveLength(10_000);
    const pathLess = { op: 'add', value: { members: { value: 'm' }, emails: members(20_000) } };
    expect(parsePatchRequest(body([...singles.slice(1), pathLess]))).toHaveLength(10_000);
    expect(
      scimTypeOf(
        body([...singles.slice(1), { op: 'add', value: { members: [{ value: 'a' }, { value: 'b' }] } }]),
      ),
    ).toBe('invalidValue');
    expect(parsePatchRequest(body([{ op: 'add', path: 'emails', value: members(20_000) }]))).toHaveLength(1);
  });
});

describe('parsePatchRequest: what the message errors say', () => {
  const detailOf = (input: unknown): string =>
    scimErrorThrownBy(() => parsePatchRequest(input))?.detail ?? 'ok';

  it.each([
    ['a body that is not an object', [1], 'PATCH body must be a JSON object'],
    [
      'a body without the PatchOp schema',
      { schemas: [], Operations: [] },
      `PATCH body: "schemas" must contain "${PATCH_OP}"`,
    ],
    [
      'a body without operations',
      { schemas: [PATCH_OP], Operations: [] },
      'PATCH body: "Operations" must be a non-empty array',
    ],
    [
      'too many operations',
      body(Array.from({ length: 10_001 }, () => ({ op: 'remove', path: 'title' }))),
      'PATCH body: more than 10000 operations',
    ],
    ['an operation that is not an object', body([null]), 'Operations[0]: an operation must be a JSON object'],
    ['an op that is not a string', body([{ op: 1 }]), 'Operations[0]: "op" must be a string'],
    [
      'an unknown op',
      body([{ op: 'move' }]),
      'Operations[0]: unknown op "move"; expected add, remove or replace',
    ],
    [
      'a path that is not a string',
      body([{ op: 'remove', path: 1 }]),
      'Operations[0]: "path" must be a string',
    ],
    ['add without a value', body([{ op: 'add', path: 'title' }]), 'Operations[0]: "add" requires a "value"'],
    ['remove without a path', body([{ op: 'remove' }]), 'Operations[0]: "remove" requires a "path"'],
    [
      'a value that is not JSON',
      body([{ op: 'add', path: 'title', value: Number.NaN }]),
      'Operations[0]: "value" is not JSON',
    ],
    [
      'too many members',
      body([
        { op: 'add', path: 'members', value: Array.from({ length: 10_001 }, (_, i) => ({ value: `m${i}` })) },
      ]),
      'members: 10001 values set, added or removed in one request, more than the limit of 10000',
    ],
  ])('%s', (_name, input, expected) => {
    expect(detailOf(input)).toBe(expected);
  });
});
