import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../shared/json.js';
import {
  applyAttributeChanges,
  canonicalValue,
  checkAttributeChanges,
  diffAttributes,
  sameValue,
  staleChanges,
  valueDelta,
} from './attribute-change.js';
import type { TargetAttributes } from './connector.js';

const scalar = fc.oneof(fc.string({ maxLength: 4 }), fc.integer({ min: -3, max: 3 }), fc.boolean());
const value: fc.Arbitrary<JsonValue> = fc.oneof(
  scalar,
  fc.constant(null),
  fc.array(scalar, { maxLength: 4 }),
  fc.dictionary(fc.constantFrom('type', 'value', 'primary'), scalar, { maxKeys: 3 }),
);
const attributes: fc.Arbitrary<TargetAttributes> = fc.dictionary(
  fc.constantFrom('userName', 'displayName', 'name.givenName', 'emails', 'active', 'members'),
  value,
  { maxKeys: 6 },
);

describe('sameValue', () => {
  it('treats absent, null and an empty array as the same no-value', () => {
    expect(sameValue(undefined, null)).toBe(true);
    expect(sameValue([], null)).toBe(true);
    expect(sameValue({ a: null }, {})).toBe(true);
  });

  it('compares multi-valued attributes as unordered, and counts duplicates', () => {
    expect(sameValue(['a', 'b'], ['b', 'a'])).toBe(true);
    expect(sameValue(['a', 'a'], ['a'])).toBe(false);
    expect(sameValue([{ value: 'x', type: 'work' }], [{ type: 'work', value: 'x' }])).toBe(true);
  });

  it('does not confuse a string with the number it spells', () => {
    expect(sameValue('1', 1)).toBe(false);
    expect(canonicalValue('1')).not.toBe(canonicalValue(1));
  });
});

describe('attribute changes', () => {
  it('applying the diff of two objects to the first gives the second', () => {
    fc.assert(
      fc.property(attributes, attributes, (before, after) => {
        const result = applyAttributeChanges(before, diffAttributes(before, after));
        expect(sameValue(result, after)).toBe(true);
      }),
    );
  });

  it('a diff is well formed, names each changed attribute once, and is empty between equal objects', () => {
    fc.assert(
      fc.property(attributes, attributes, (before, after) => {
        const changes = diffAttributes(before, after);
        expect(checkAttributeChanges(changes)).toEqual([]);
        for (const change of changes)
          expect(sameValue(before[change.attribute], after[change.attribute])).toBe(false);
        expect(diffAttributes(before, before)).toEqual([]);
      }),
    );
  });

  it('a diff is never stale against the object it was computed from, and is against one that drifted', () => {
    fc.assert(
      fc.property(attributes, attributes, (before, after) => {
        expect(staleChanges(before, diffAttributes(before, after))).toEqual([]);
      }),
    );
    const changes = diffAttributes({ displayName: 'Ada' }, { displayName: 'Ada L.' });
    expect(staleChanges({ displayName: 'Someone else' }, changes)).toEqual(changes);
  });

  it('applying changes keeps the attributes they do not name and does not modify its input', () => {
    const base = { userName: 'ada', department: 'R&D' };
    const result = applyAttributeChanges(base, [
      { attribute: 'userName', oldValue: 'ada', newValue: 'ada.l' },
    ]);
    expect(result).toEqual({ userName: 'ada.l', department: 'R&D' });
    expect(base).toEqual({ userName: 'ada', department: 'R&D' });
    expect(
      applyAttributeChanges(base, [{ attribute: 'department', oldValue: 'R&D', newValue: null }]),
    ).toEqual({
      userName: 'ada',
    });
  });

  it('a value delta turns the old values into the new ones (as multisets)', () => {
    fc.assert(
      fc.property(
        fc.array(scalar, { maxLength: 6 }),
        fc.array(scalar, { maxLength: 6 }),
        (oldValue, newValue) => {
          const { added, removed } = valueDelta({ attribute: 'members', oldValue, newValue });
          const rebuilt: JsonValue[] = [...oldValue];
          for (const gone of removed)
            rebuilt.splice(
              rebuilt.findIndex((v) => sameValue(v, gone)),
              1,
            );
          rebuilt.push(...added);
          expect(sameValue(rebuilt, newValue)).toBe(true);
          expect(added.length + removed.length).toBeLessThanOrEqual(oldValue.length + newValue.length);
        },
      ),
    );
    expect(valueDelta({ attribute: 'members', oldValue: ['a', 'b'], newValue: ['b', 'c'] })).toEqual({
      added: ['c'],
      removed: ['a'],
    });
    expect(valueDelta({ attribute: 'title', oldValue: 'x', newValue: null })).toEqual({
      added: [],
      removed: ['x'],
    });
  });

  it('checks a change list for empty names, repeated attributes and no-op changes', () => {
    expect(
      checkAttributeChanges([
        { attribute: '', oldValue: null, newValue: 'x' },
        { attribute: 'a', oldValue: null, newValue: 'x' },
        { attribute: 'a', oldValue: 'x', newValue: 'y' },
        { attribute: 'b', oldValue: ['1', '2'], newValue: ['2', '1'] },
      ]),
    ).toEqual([
      'changes[0]: attribute must be a non-empty string',
      "changes[2]: attribute 'a' is changed twice",
      "changes[3]: attribute 'b' has the same old and new value",
    ]);
  });
});
