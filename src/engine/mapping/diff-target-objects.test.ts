import { describe, expect, it } from 'vitest';
import { diffTargetObjects, hashTargetObject } from './diff-target-objects.js';
import { ENTERPRISE } from '../source/test-fixtures.js';
import { sourceReference } from '../source/source-object.js';

describe('diffTargetObjects', () => {
  const old = {
    userName: 'bjensen',
    name: { givenName: 'Barbara', familyName: 'Jensen' },
    emails: [
      { type: 'work', value: 'b@example.com' },
      { type: 'home', value: 'b@home.example' },
    ],
    [ENTERPRISE]: { department: 'Tours', manager: sourceReference('User', 'm1') },
  };

  it('lists per-attribute changes, old -> new, at mapping-style paths', () => {
    const next = {
      userName: 'bjensen',
      name: { givenName: 'Babs' },
      emails: [{ type: 'work', value: 'babs@example.com' }],
      [ENTERPRISE]: { department: null, manager: sourceReference('User', 'm2') },
      title: 'Guide',
    };
    expect(diffTargetObjects(old, next, { redactedPaths: ['title'] })).toEqual([
      { path: 'name.givenName', old: 'Barbara', new: 'Babs', redacted: false },
      {
        path: 'emails[type eq "work"].value',
        old: 'b@example.com',
        new: 'babs@example.com',
        redacted: false,
      },
      { path: `${ENTERPRISE}:department`, old: 'Tours', new: null, redacted: false },
      {
        path: `${ENTERPRISE}:manager`,
        old: sourceReference('User', 'm1'),
        new: sourceReference('User', 'm2'),
        redacted: false,
      },
      { path: 'title', old: null, new: 'Guide', redacted: true },
    ]);
  });

  it('leaves attributes the new object does not carry alone', () => {
    expect(diffTargetObjects(old, { userName: 'bjensen' })).toEqual([]);
  });

  it('compares attribute names and entry types case-insensitively', () => {
    expect(
      diffTargetObjects(old, { USERNAME: 'bjensen', Emails: [{ type: 'Work', value: 'b@example.com' }] }),
    ).toEqual([]);
  });

  it('treats an absent old value as null and nothing exported yet as empty', () => {
    expect(diffTargetObjects(old, { nickName: null })).toEqual([]);
    expect(diffTargetObjects(undefined, { userName: 'x' })).toEqual([
      { path: 'userName', old: null, new: 'x', redacted: false },
    ]);
  });
});

describe('hashTargetObject', () => {
  it('is a stable SHA-256 of the canonical form', () => {
    const hash = hashTargetObject({ b: 1, a: [2, 1] });
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashTargetObject({ a: [1, 2], b: 1 })).toBe(hash);
    expect(hashTargetObject({ a: [1, 2], b: 1, c: null })).toBe(hash);
    expect(hashTargetObject({ a: [1, 2], b: 2 })).not.toBe(hash);
    expect(hashTargetObject({ a: [1, 2], b: '1' })).not.toBe(hash);
  });
});
