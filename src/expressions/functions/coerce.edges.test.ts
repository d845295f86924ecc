import { describe, expect, it } from 'vitest';
import { FlowSignal } from '../value.js';
import { ExpressionRuntimeError } from './function-spec.js';
import { spellsNumber, toBool, toNum, toStr } from './coerce.js';
import { errorOf } from './test-helper.js';

/** The message toNum fails with for `text`, checked to be an ExpressionRuntimeError. */
function numberError(text: string): string {
  const error = errorOf(() => toNum(text, 'F', 'x'));
  expect(error).toBeInstanceOf(ExpressionRuntimeError);
  return error.message;
}

describe('toNum at its edges', () => {
  it('reads a leading-dot fraction and signed exponents', () => {
    expect(toNum('.55', 'F', 'x')).toBe(0.55);
    expect(toNum('1e+5', 'F', 'x')).toBe(100000);
    expect(toNum('1E-2', 'F', 'x')).toBe(0.01);
  });

  it('refuses text that only starts or ends like a number', () => {
    expect(numberError('12abc')).toBe('F: x must be a number, got "12abc"');
    expect(numberError('x&H10')).toBe('F: x must be a number, got "x&H10"');
    expect(numberError('&H1G')).toBe('F: x must be a number, got "&H1G"');
  });
});

describe('spellsNumber, the save-time reading of number strings', () => {
  it('takes what toNum takes, blanks around it included', () => {
    expect(spellsNumber(' 12 ')).toBe(true);
    expect(spellsNumber('&hff')).toBe(true);
    expect(spellsNumber('-.5e3')).toBe(true);
  });

  it('refuses what toNum refuses: words, JavaScript hex, and numbers too large', () => {
    expect(spellsNumber('abc')).toBe(false);
    expect(spellsNumber('0x10')).toBe(false);
    expect(spellsNumber('1e999')).toBe(false);
    expect(spellsNumber('12abc')).toBe(false);
  });
});

describe('toStr and toBool at their edges', () => {
  it('gives no string for a flow signal', () => {
    expect(toStr(FlowSignal.ignoreAttribute)).toBeNull();
  });

  it('reads text that only starts like a number as false', () => {
    expect(toBool('1x')).toBe(false);
  });
});
