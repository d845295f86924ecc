/**
 * The merge rules against plain reference definitions, on values drawn from a small domain so that
 * keys collide often: both the linear scan (few additions) and the index (many) must agree with
 * the definition, with and without `byValue`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonObject, JsonValue } from '../../shared/json.js';
import { isScimError } from '../scim-error.js';
import { jsonContains } from './json-equal.js';
import { enforceSinglePrimary, newValuesOnly, withoutListedValues } from './multi-valued-merge.js';

/** Members, emails, simple values, values without a `value`, and odd shapes. */
const valueArb: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.record(
    {
      value: fc.constantFrom('a', 'b', 'c', 1),
      display: fc.constantFrom('A', 'B'),
      type: fc.constantFrom('x', 'y'),
    },
    { requiredKeys: ['value'] },
  ),
  fc.record({ display: fc.constantFrom('A', 'B'), type: fc.constantFrom('x', 'y') }, { requiredKeys: [] }),
  fc.constantFrom<JsonValue>('a', 'b', 1, true, null, { value: { nested: 'a' } }, { value: null }, ['a']),
);

/** The key the definition identifies a value by: a primitive `value`, or the primitive itself. */
function keyOf(v: JsonValue): JsonValue | undefined {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const inner = v.value;
    return inner === undefined || typeof inner === 'object' ? undefined : inner;
  }
  return typeof v === 'object' ? undefined : v;
}

/** `held` already says everything `candidate` says (by `value` alone when `byValue`). */
function covers(held: JsonValue, candidate: JsonValue, byValue: boolean): boolean {
  const key = keyOf(candidate);
  if (key === undefined) return jsonContains(held, candidate);
  return keyOf(held) === key && (byValue || jsonContains(held, candidate));
}

describe('multi-valued merge rules against their definitions (property)', () => {
  it('newValuesOnly keeps the additions no earlier value covers, in order', () => {
    fc.assert(
      fc.property(
        fc.array(valueArb, { maxLength: 8 }),
        fc.array(valueArb, { maxLength: 9 }),
        fc.boolean(),
        (existing, additions, byValue) => {
          const expected: JsonValue[] = [];
          for (const add of additions) {
            if (![...existing, ...expected].some((held) => covers(held, add, byValue))) expected.push(add);
          }
          expect(newValuesOnly(existing, additions, byValue)).toEqual(expected);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('withoutListedValues drops each value a listed one covers, undefined when none', () => {
    fc.assert(
      fc.property(
        fc.array(valueArb, { maxLength: 8 }),
        fc.array(valueArb, { maxLength: 5 }),
        fc.boolean(),
        (existing, listed, byValue) => {
          const kept = existing.filter((v) => !listed.some((c) => covers(v, c, byValue)));
          const expected = kept.length === existing.length ? undefined : kept;
          expect(withoutListedValues(existing, listed, byValue)).toEqual(expected);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('enforceSinglePrimary: one written primary clears the others by copy, two are an error', () => {
    const primaryArb = fc.constantFrom<JsonValue>(true, false, 'true', undefined as unknown as JsonValue);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), primaryArb), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        (shapes, picks) => {
          const values: JsonValue[] = shapes.map(([value, primary]) => {
            const item: JsonObject = primary === undefined ? { value } : { value, primary };
            return Object.freeze(item);
          });
          const before = values.slice();
          const chosen = new Set(picks.map((p) => p % values.length));
          const winners = [...chosen].filter((i) => (values[i] as { primary?: unknown }).primary === true);
          if (winners.length > 1) {
            let error: unknown;
            try {
              enforceSinglePrimary(values, chosen, 'emails');
            } catch (e) {
              error = e;
            }
            expect(isScimError(error) && error.scimType).toBe('invalidValue');
            return;
          }
          enforceSinglePrimary(values, chosen, 'emails');
          const winner = winners[0];
          const expected = before.map((v, i) => {
            const primary = (v as { primary?: unknown }).primary;
            return winner !== undefined && i !== winner && primary === true
              ? { ...(v as object), primary: false }
              : v;
          });
          expect(values).toEqual(expected);
          // Untouched values stay the same objects; cleared ones are copies.
          values.forEach((v, i) => {
            if (jsonContains(before[i] as JsonValue, v)) expect(v).toBe(before[i]);
          });
        },
      ),
      { numRuns: 1000 },
    );
  });
});
