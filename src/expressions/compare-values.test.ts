import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareValues } from './compare-values.js';
import type { ComparisonOperator } from './expression-ast.js';
import { ComparisonOperators } from './expression-ast.js';
import type { ExprValue } from './value.js';

describe('compareValues', () => {
  const table: [ExprValue, ComparisonOperator, ExprValue, boolean][] = [
    ['US', '=', 'US', true],
    ['US', '=', 'us', false],
    ['US', '<>', 'NL', true],
    [null, '=', null, false],
    [null, '<>', 'x', false],
    ['x', '<>', null, false],
    [[], '=', 'x', false],
    [[], '<>', 'x', false],
    [['a', 'b'], '=', 'b', true],
    [['a', 'b'], '<>', 'b', false],
    [['a', 'b'], '<>', 'c', true],
    ['b', '=', ['a', 'b'], true],
    [10, '>', 9, true],
    ['10', '>', 9, true],
    ['10', '>', '9', true],
    ['10', '=', 10, true],
    [' 10 ', '=', 10, true],
    ['10', '=', '10.0', false],
    ['abc', '<', 'abd', true],
    ['B', '<', 'a', true],
    ['x', '>', 1, true],
    [true, '=', 'TRUE', true],
    [false, '=', 'False', true],
    [true, '>', false, true],
    [true, '=', 'yes', false],
    ['', '=', '', true],
    [5, '<=', 5, true],
    [5, '>=', 6, false],
  ];
  it.each(table)('%j %s %j is %s', (left, op, right, expected) => {
    expect(compareValues(op, left, right)).toBe(expected);
  });

  it('makes <> the negation of = whenever both sides have a value', () => {
    const scalar = fc.oneof(fc.string({ maxLength: 4 }), fc.integer({ min: -20, max: 20 }), fc.boolean());
    const value = fc.oneof(scalar, fc.array(scalar, { minLength: 1, maxLength: 3 }));
    fc.assert(
      fc.property(value, value, (a, b) => compareValues('<>', a, b) === !compareValues('=', a, b)),
      { numRuns: 500 },
    );
  });

  it('never throws and is always false with no value on a side', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ComparisonOperators), fc.jsonValue(), (op, v) => {
        const value = v as ExprValue;
        expect(compareValues(op, null, value)).toBe(false);
        expect(compareValues(op, value, null)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
