import { describe, expect, it } from 'vitest';
import { compareValues } from './compare-values.js';
import { ComparisonOperators, type ComparisonOperator } from './expression-ast.js';
import { FlowSignal, type ExprValue } from './value.js';

/**
 * One pair of values: whether `=` holds, and the order `<` `<=` `>` `>=` see (null: every one of
 * them is false). The two differ on purpose for strings: `=` is exact, the others numeric when
 * both sides spell numbers.
 */
type Row = readonly [left: ExprValue, right: ExprValue, equal: boolean, order: -1 | 0 | 1 | null];

const ROWS: readonly Row[] = [
  // Numbers, equal and just either side.
  [1, 2, false, -1],
  [2, 2, true, 0],
  [3, 2, false, 1],
  [1.5, 1.4999, false, 1],
  [-1, 0, false, -1],
  // A number against a string that spells one, in every spelling the language accepts.
  ['10', 9, false, 1],
  [9, '10', false, -1],
  [' 10 ', 10, true, 0],
  ['+10', 10, true, 0],
  ['-10', -10, true, 0],
  ['1e1', 10, true, 0],
  ['1E+1', 10, true, 0],
  ['100e-1', 10, true, 0],
  ['.5', 0.5, true, 0],
  ['5.', 5, true, 0],
  // ... and against strings that do not: compared as text.
  [10, 'abc', false, -1],
  ['1e', 1, false, 1],
  ['0x10', 16, false, -1],
  ['', 0, false, -1],
  ['.', 0, false, -1],
  ['1.2.3', 1, false, 1],
  // Two strings.
  ['10', '9', false, 1],
  ['9', '10', false, -1],
  ['10', '10.0', false, 0],
  ['9', '10x', false, 1],
  ['abc', 'abd', false, -1],
  ['abd', 'abd', true, 0],
  ['abe', 'abd', false, 1],
  ['B', 'a', false, -1],
  ['a', 'B', false, 1],
  ['ab', 'abc', false, -1],
  // Booleans, with each other and with "True" / "False" in any case.
  [true, false, false, 1],
  [false, true, false, -1],
  [true, true, true, 0],
  [true, 'True', true, 0],
  [true, ' TRUE ', true, 0],
  [false, 'false', true, 0],
  ['false', true, false, -1],
  ['TRUE', false, false, 1],
  [true, 'yes', false, -1],
  [true, 1, false, 1],
  [false, 0, false, 1],
];

function expected(operator: ComparisonOperator, [, , equal, order]: Row): boolean {
  switch (operator) {
    case '=':
      return equal;
    case '<>':
      return !equal;
    case '<':
      return order === -1;
    case '<=':
      return order === -1 || order === 0;
    case '>':
      return order === 1;
    case '>=':
      return order === 1 || order === 0;
  }
}

describe('compareValues: every operator on equal, lower and higher values of each kind', () => {
  for (const operator of ComparisonOperators) {
    it(`${operator}`, () => {
      const actual = ROWS.map((row) => ({ row, result: compareValues(operator, row[0], row[1]) }));
      expect(actual).toEqual(ROWS.map((row) => ({ row, result: expected(operator, row) })));
    });
  }

  it('no value on either side fails every comparison, <> included', () => {
    for (const operator of ComparisonOperators) {
      for (const [left, right] of [
        [null, 'x'],
        ['x', null],
        [null, null],
        [[], 'x'],
        ['x', []],
        [null, 0],
        [false, null],
      ] as [ExprValue, ExprValue][]) {
        expect({ operator, left, right, result: compareValues(operator, left, right) }).toEqual({
          operator,
          left,
          right,
          result: false,
        });
      }
    }
  });

  it('a multi-valued side matches when any value does; <> is the negation of =', () => {
    const values: ExprValue = ['b', 'd'];
    const table: [ComparisonOperator, ExprValue, boolean, boolean][] = [
      // operator, other side, values on the left, values on the right
      ['=', 'b', true, true],
      ['=', 'c', false, false],
      ['<>', 'b', false, false],
      ['<>', 'c', true, true],
      ['<', 'c', true, true],
      ['<', 'b', false, true],
      ['<=', 'b', true, true],
      ['<=', 'a', false, true],
      ['>', 'c', true, true],
      ['>', 'd', false, true],
      ['>=', 'd', true, true],
      ['>=', 'e', false, true],
    ];
    for (const [operator, other, left, right] of table) {
      expect({ operator, other, left: compareValues(operator, values, other) }).toEqual({
        operator,
        other,
        left,
      });
      expect({ operator, other, right: compareValues(operator, other, values) }).toEqual({
        operator,
        other,
        right,
      });
    }
    // Nested and mixed values are compared one by one too.
    expect(compareValues('=', [['x'], 'y'], 'x')).toBe(true);
    expect(compareValues('=', [1, '2'], 2)).toBe(true);
    expect(compareValues('<>', [null, 'x'], 'x')).toBe(false);
  });

  it('a flow signal compares as nothing: only <> holds', () => {
    for (const signal of [FlowSignal.ignoreAttribute, FlowSignal.ignoreObject]) {
      for (const [left, right] of [
        [signal, 'x'],
        ['x', signal],
      ] as [ExprValue, ExprValue][]) {
        const results = ComparisonOperators.map((operator) => [
          operator,
          compareValues(operator, left, right),
        ]);
        expect(results).toEqual(ComparisonOperators.map((operator) => [operator, operator === '<>']));
      }
    }
  });
});
