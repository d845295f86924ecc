/** How built-ins read their arguments: Entra's rendering of booleans and numbers, VBA hex and Fix. */
import { describe, expect, it } from 'vitest';
import { FlowSignal } from '../value.js';
import { ExpressionRuntimeError } from './function-spec.js';
import {
  describe as describeValue,
  firstValue,
  flowSignalIn,
  isNullOrEmpty,
  mapStrings,
  passFlowSignals,
  toBool,
  toInt,
  toNum,
  toStr,
  toStrOrEmpty,
} from './coerce.js';

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ExpressionRuntimeError) return error.message;
    throw error;
  }
  return 'no error';
}

describe('toStr', () => {
  it('renders values as Entra does', () => {
    expect(toStr('a')).toBe('a');
    expect(toStr('')).toBe('');
    expect(toStr(true)).toBe('True');
    expect(toStr(false)).toBe('False');
    expect(toStr(42)).toBe('42');
    expect(toStr(-1.5)).toBe('-1.5');
    expect(toStr(Number.NaN)).toBeNull();
    expect(toStr(Infinity)).toBeNull();
    expect(toStr(null)).toBeNull();
    expect(toStr(undefined)).toBeNull();
    expect(toStrOrEmpty(undefined)).toBe('');
    expect(toStrOrEmpty(7)).toBe('7');
  });

  it('takes the first value of a multi-valued value', () => {
    expect(toStr(['a', 'b'])).toBe('a');
    expect(toStr([null, 'b'])).toBe('b');
    expect(toStr([[null, 3], 'b'])).toBe('3');
    expect(toStr([])).toBeNull();
    expect(toStr([null])).toBeNull();
  });
});

describe('firstValue', () => {
  it('skips empty entries and descends into nested values', () => {
    expect(firstValue('x')).toBe('x');
    expect(firstValue([null, undefined as never, 'y'])).toBe('y');
    expect(firstValue([['z']])).toBe('z');
    expect(firstValue([false, 'y'])).toBe(false);
    expect(firstValue([0, 'y'])).toBe(0);
    expect(firstValue([])).toBeNull();
  });
});

describe('toNum and toInt', () => {
  it('reads numbers, numeric strings and VBA hex', () => {
    expect(toNum(3, 'F', 'n')).toBe(3);
    expect(toNum(' 42 ', 'F', 'n')).toBe(42);
    expect(toNum('+1.5e2', 'F', 'n')).toBe(150);
    expect(toNum('.5', 'F', 'n')).toBe(0.5);
    expect(toNum('5.', 'F', 'n')).toBe(5);
    expect(toNum('-7', 'F', 'n')).toBe(-7);
    expect(toNum('&HFF', 'F', 'n')).toBe(255);
    expect(toNum('&H1a', 'F', 'n')).toBe(26);
    // VBA (and the expression scanner) read the &H prefix in either case.
    expect(toNum('&h1a', 'F', 'n')).toBe(26);
    expect(toNum(' &hFF ', 'F', 'n')).toBe(255);
    expect(toInt('&h10', 'F', 'n')).toBe(16);
    expect(toNum(['12', '13'], 'F', 'n')).toBe(12);
  });

  it('reads no value as null', () => {
    expect(toNum(null, 'F', 'n')).toBeNull();
    expect(toNum(undefined, 'F', 'n')).toBeNull();
    expect(toNum('  ', 'F', 'n')).toBeNull();
    expect(toNum([], 'F', 'n')).toBeNull();
    expect(toInt(null, 'F', 'n')).toBeNull();
  });

  it('refuses what is not a number, naming the function and parameter', () => {
    expect(errorOf(() => toNum('abc', 'Left', 'numChars'))).toContain('numChars must be a number, got "abc"');
    expect(errorOf(() => toNum('&H', 'Left', 'numChars'))).toContain('numChars must be a number, got "&H"');
    expect(errorOf(() => toNum('1e999', 'Left', 'numChars'))).toContain('numChars is too large: "1e999"');
    expect(errorOf(() => toNum(Infinity, 'Left', 'numChars'))).toContain(
      'numChars must be a finite number, got Infinity',
    );
    expect(errorOf(() => toNum(true, 'Left', 'numChars'))).toContain('numChars must be a number, got true');
    expect(errorOf(() => toNum('abc', 'Left', 'numChars'))).toContain('Left');
  });

  it('truncates toward zero, as VBA Fix does', () => {
    expect(toInt(2.9, 'F', 'n')).toBe(2);
    expect(toInt(-2.9, 'F', 'n')).toBe(-2);
    expect(toInt('3.7', 'F', 'n')).toBe(3);
  });
});

describe('toBool', () => {
  it('reads booleans, True/False in any case and numbers', () => {
    expect(toBool(true)).toBe(true);
    expect(toBool(false)).toBe(false);
    expect(toBool(' TRUE ')).toBe(true);
    expect(toBool('false')).toBe(false);
    expect(toBool(1)).toBe(true);
    expect(toBool(-0.5)).toBe(true);
    expect(toBool(0)).toBe(false);
    expect(toBool(Number.NaN)).toBe(false);
    expect(toBool('2')).toBe(true);
    expect(toBool('0')).toBe(false);
    expect(toBool(['True', 'False'])).toBe(true);
  });

  it('reads anything else, and no value, as false', () => {
    expect(toBool('yes')).toBe(false);
    expect(toBool('')).toBe(false);
    expect(toBool(null)).toBe(false);
    expect(toBool(undefined)).toBe(false);
    expect(toBool([])).toBe(false);
  });
});

describe('isNullOrEmpty', () => {
  it('holds for no value, the empty string and multi-valued values without values', () => {
    expect(isNullOrEmpty(null)).toBe(true);
    expect(isNullOrEmpty(undefined)).toBe(true);
    expect(isNullOrEmpty('')).toBe(true);
    expect(isNullOrEmpty([])).toBe(true);
    expect(isNullOrEmpty([null, ''])).toBe(true);
    expect(isNullOrEmpty(' ')).toBe(false);
    expect(isNullOrEmpty(0)).toBe(false);
    expect(isNullOrEmpty(false)).toBe(false);
    expect(isNullOrEmpty([null, 'a'])).toBe(false);
  });
});

describe('mapStrings', () => {
  it('applies a transform to a value or each of several, keeping null', () => {
    const upper = (text: string) => text.toUpperCase();
    expect(mapStrings('ab', upper)).toBe('AB');
    expect(mapStrings(['a', null, true], upper)).toEqual(['A', null, 'TRUE']);
    expect(mapStrings(null, upper)).toBeNull();
    expect(mapStrings(undefined, upper)).toBeNull();
    expect(mapStrings(12, upper)).toBe('12');
  });
});

describe('describe', () => {
  it('describes values for error messages, shortening long strings', () => {
    expect(describeValue(undefined)).toBe('nothing');
    expect(describeValue(null)).toBe('null');
    expect(describeValue('a"b')).toBe('"a\\"b"');
    expect(describeValue('x'.repeat(41))).toBe(`"${'x'.repeat(40)}..."`);
    expect(describeValue('x'.repeat(40))).toBe(`"${'x'.repeat(40)}"`);
    expect(describeValue(['a'])).toBe('a multi-valued value');
    expect(describeValue(FlowSignal.ignoreAttribute)).toBe('a flow signal');
    expect(describeValue(3)).toBe('3');
    expect(describeValue(false)).toBe('false');
  });
});

describe('flow signals through eager functions', () => {
  it('finds the first signal among the arguments', () => {
    expect(flowSignalIn(['a', FlowSignal.ignoreObject, FlowSignal.ignoreAttribute])).toBe(
      FlowSignal.ignoreObject,
    );
    expect(flowSignalIn(['a', null, undefined])).toBeUndefined();
  });

  it('returns a signal unchanged instead of calling the implementation', () => {
    const calls: unknown[] = [];
    const impl = passFlowSignals((args) => {
      calls.push(args);
      return 'called';
    });
    expect(impl(['a', FlowSignal.ignoreAttribute], {} as never)).toBe(FlowSignal.ignoreAttribute);
    expect(calls).toEqual([]);
    expect(impl(['a'], {} as never)).toBe('called');
    expect(calls).toEqual([['a']]);
  });
});
