import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  listPageShape,
  ShapeMismatch,
  targetObjectShape,
  targetObjectsShape,
  targetRefShape,
} from './answer-shapes.js';

const json = fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.parse(JSON.stringify(value)) as unknown);
const targetObject = fc.record(
  {
    id: fc.string({ minLength: 1 }),
    name: fc.string({ minLength: 1 }),
    objectType: fc.constantFrom('User', 'Group'),
    attributes: fc.dictionary(fc.string(), json),
    enabled: fc.boolean(),
    members: fc.array(fc.string()),
  },
  { requiredKeys: ['id', 'objectType', 'attributes'] },
);

function mismatch(run: () => unknown): { path: (string | number)[]; message: string } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ShapeMismatch);
    return (error as ShapeMismatch).issue;
  }
  throw new Error('the shape accepted a malformed answer');
}

describe('answer shapes', () => {
  it('accept every well-formed target object and answer it unchanged, unknown fields dropped', () => {
    fc.assert(
      fc.property(targetObject, (object) => {
        expect(targetObjectShape({ ...object, extra: 1 })).toEqual(object);
        expect(targetObjectsShape([object, object])).toEqual([object, object]);
        expect(listPageShape({ objects: [object], nextCursor: 'c' })).toEqual({
          objects: [object],
          nextCursor: 'c',
        });
      }),
    );
  });

  it('reject any attribute value that is not JSON, naming its place', () => {
    const bad = fc.constantFrom<unknown>(
      undefined,
      Number.NaN,
      Infinity,
      () => 1,
      Symbol('s'),
      1n,
      new Date(0),
      new Map(),
    );
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), bad, fc.boolean(), (key, value, nested) => {
        const attributes = nested ? { [key]: [{ v: value }] } : { [key]: value };
        const issue = mismatch(() => targetObjectShape({ id: 'a', objectType: 'User', attributes }));
        expect(issue.path).toEqual(nested ? ['attributes', key, 0, 'v'] : ['attributes', key]);
      }),
    );
  });

  it('reject missing or wrong fields with the field named', () => {
    expect(mismatch(() => targetObjectShape({ attributes: {} })).path).toEqual(['id']);
    expect(mismatch(() => targetObjectShape({ id: '', objectType: 'User', attributes: {} })).path).toEqual([
      'id',
    ]);
    expect(mismatch(() => targetObjectShape({ id: 'a', objectType: 'Role', attributes: {} })).path).toEqual([
      'objectType',
    ]);
    expect(mismatch(() => targetObjectShape({ id: 'a', objectType: 'User' })).path).toEqual(['attributes']);
    expect(mismatch(() => targetObjectShape({ id: 'a', objectType: 'User', attributes: [] })).path).toEqual([
      'attributes',
    ]);
    expect(
      mismatch(() => targetObjectShape({ id: 'a', objectType: 'User', attributes: {}, enabled: 'yes' })).path,
    ).toEqual(['enabled']);
    expect(
      mismatch(() => targetObjectShape({ id: 'a', objectType: 'Group', attributes: {}, members: ['x', 2] }))
        .path,
    ).toEqual(['members', 1]);
    expect(
      mismatch(() => targetObjectShape({ id: 'a', name: null, objectType: 'User', attributes: {} })).path,
    ).toEqual(['name']);
    expect(mismatch(() => targetObjectShape('a page')).path).toEqual([]);
    expect(
      mismatch(() => targetObjectsShape([{ id: 'a', objectType: 'User', attributes: {} }, {}])).path,
    ).toEqual([1, 'id']);
    expect(mismatch(() => listPageShape({ objects: {} })).path).toEqual(['objects']);
    expect(mismatch(() => listPageShape({ objects: [], nextCursor: '' })).path).toEqual(['nextCursor']);
    expect(mismatch(() => targetRefShape({ id: 'a', name: 3 })).path).toEqual(['name']);
    expect(targetRefShape({ id: 'a', name: 'cn=a', other: true })).toEqual({ id: 'a', name: 'cn=a' });
  });

  it('reject a cyclic attribute value instead of recursing forever', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const issue = mismatch(() => targetObjectShape({ id: 'a', objectType: 'User', attributes: { cyclic } }));
    expect(issue.message).toMatch(/nested deeper than/);
    expect(issue.path.slice(0, 3)).toEqual(['attributes', 'cyclic', 'self']);
  });
});
