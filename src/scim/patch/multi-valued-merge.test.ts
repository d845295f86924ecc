import { describe, expect, it } from 'vitest';
import { isScimError } from '../scim-error.js';
import type { JsonValue } from '../../shared/json.js';
import { enforceSinglePrimary, newValuesOnly, withoutListedValues } from './multi-valued-merge.js';

const members = (n: number): JsonValue[] =>
  Array.from({ length: n }, (_, i) => ({ value: `m${i}`, display: `M ${i}` }));

describe('newValuesOnly', () => {
  it('skips values already present, including ones an existing value contains', () => {
    const existing = members(3);
    expect(
      newValuesOnly(existing, [{ value: 'm1' }, { value: 'm1', display: 'M 1' }, { value: 'm9' }]),
    ).toEqual([{ value: 'm9' }]);
  });

  it('keeps a value that differs in a sub-attribute unless identified by value', () => {
    const existing: JsonValue[] = [{ value: 'a@x', type: 'work' }];
    expect(newValuesOnly(existing, [{ value: 'a@x', type: 'home' }])).toEqual([
      { value: 'a@x', type: 'home' },
    ]);
    expect(newValuesOnly(existing, [{ value: 'a@x', type: 'home' }], true)).toEqual([]);
  });

  it('collapses duplicates inside the additions, in both the scan and the index paths', () => {
    expect(newValuesOnly([], [{ value: 'a' }, { value: 'a' }])).toEqual([{ value: 'a' }]);
    const many = Array.from({ length: 10 }, (_, i) => ({ value: `v${i % 5}` }));
    expect(newValuesOnly(members(2), many)).toEqual([0, 1, 2, 3, 4].map((i) => ({ value: `v${i}` })));
  });

  it('handles simple values and values without a value key', () => {
    expect(newValuesOnly(['a', 'b'], ['b', 'c'])).toEqual(['c']);
    expect(newValuesOnly([{ type: 'x' }], [{ type: 'x' }, { type: 'y' }])).toEqual([{ type: 'y' }]);
    const many = Array.from({ length: 6 }, (_, i) => ({ type: `t${i % 3}` }));
    expect(newValuesOnly([{ type: 't0' }], many)).toEqual([{ type: 't1' }, { type: 't2' }]);
  });

  it('finds members anywhere in 10,000, and adds only what is new', () => {
    // Its speed on a 10,000-member group is measured in bench/scim-patch.bench.ts.
    const existing = members(10_000);
    const snapshot = structuredClone(existing);
    expect(newValuesOnly(existing, [{ value: 'new' }])).toEqual([{ value: 'new' }]);
    expect(newValuesOnly(existing, [{ value: 'm0' }, { value: 'm5000' }, { value: 'm9999' }])).toEqual([]);
    expect(newValuesOnly(existing, [{ value: 'm9999', display: 'M 9999' }, { value: 'm10000' }])).toEqual([
      { value: 'm10000' },
    ]);
    // Same value, other display: a different value unless members are identified by value.
    expect(newValuesOnly(existing, [{ value: 'm42', display: 'renamed' }])).toEqual([
      { value: 'm42', display: 'renamed' },
    ]);
    expect(newValuesOnly(existing, [{ value: 'm42', display: 'renamed' }], true)).toEqual([]);
    expect(existing).toEqual(snapshot);
  });
});

describe('withoutListedValues', () => {
  it('removes values containing a listed value, and reports no match as undefined', () => {
    expect(withoutListedValues(members(3), [{ value: 'm0' }, { value: 'm2' }])).toEqual([
      { value: 'm1', display: 'M 1' },
    ]);
    expect(withoutListedValues(members(3), [{ value: 'zz' }])).toBeUndefined();
  });

  it('with byValue, matches on value alone', () => {
    expect(withoutListedValues(members(2), [{ value: 'm0', display: 'other' }])).toBeUndefined();
    expect(withoutListedValues(members(2), [{ value: 'm0', display: 'other' }], true)).toEqual([
      { value: 'm1', display: 'M 1' },
    ]);
  });

  it('matches listed values without a value key by containment', () => {
    expect(withoutListedValues([{ type: 'a' }, { type: 'b' }], [{ type: 'a' }])).toEqual([{ type: 'b' }]);
  });
});

describe('enforceSinglePrimary', () => {
  it('clears primary on the other values without modifying them', () => {
    const old = { value: 'a', primary: true };
    const values: JsonValue[] = [old, { value: 'b', primary: true }];
    enforceSinglePrimary(values, new Set([1]), 'emails');
    expect(values).toEqual([
      { value: 'a', primary: false },
      { value: 'b', primary: true },
    ]);
    expect(old.primary).toBe(true);
  });

  it('rejects two written primaries with invalidValue', () => {
    const values: JsonValue[] = [{ primary: true }, { primary: true }];
    try {
      enforceSinglePrimary(values, new Set([0, 1]), 'emails');
      expect.unreachable();
    } catch (error) {
      expect(isScimError(error) && error.scimType).toBe('invalidValue');
    }
  });

  it('does nothing when no written value is primary', () => {
    const values: JsonValue[] = [{ primary: true }, { value: 'x' }];
    enforceSinglePrimary(values, new Set([1]), 'emails');
    expect(values).toEqual([{ primary: true }, { value: 'x' }]);
  });
});
