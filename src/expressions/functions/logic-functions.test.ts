import { describe, expect, it } from 'vitest';
import { FlowSignal } from '../value.js';
import { builtinFunctions } from './index.js';
import { call, testContext } from './test-helper.js';

describe('BitAnd', () => {
  it('ANDs bits (documented example &HF, &HF7)', () => {
    expect(call('BitAnd', [0xf, 0xf7])).toBe(7);
    expect(call('BitAnd', ['&HF', '247'])).toBe(7);
  });
  it('works past 32 bits, like .NET long', () => {
    expect(call('BitAnd', [2 ** 40 + 3, 2 ** 40 + 1])).toBe(2 ** 40 + 1);
    expect(call('BitAnd', [-1, 5])).toBe(5);
  });
  it('gives null without a value and rejects non-integers', () => {
    expect(call('BitAnd', [null, 1])).toBeNull();
    expect(() => call('BitAnd', [1.5, 1])).toThrow(/integer/);
    expect(() => call('BitAnd', ['abc', 1])).toThrow(/number/);
  });
});

describe('CBool and Not', () => {
  it('CBool is true for true and non-zero numbers', () => {
    expect(call('CBool', [true])).toBe(true);
    expect(call('CBool', ['True'])).toBe(true);
    expect(call('CBool', [5])).toBe(true);
    expect(call('CBool', ['-1'])).toBe(true);
    expect(call('CBool', [0])).toBe(false);
    expect(call('CBool', ['False'])).toBe(false);
    expect(call('CBool', [null])).toBe(false);
    expect(call('CBool', ['abc'])).toBe(false);
  });
  it('Not flips True and gives True for anything else', () => {
    expect(call('Not', ['True'])).toBe(false);
    expect(call('Not', ['true'])).toBe(false);
    expect(call('Not', [true])).toBe(false);
    expect(call('Not', ['False'])).toBe(true);
    expect(call('Not', [null])).toBe(true);
    expect(call('Not', ['yes'])).toBe(true);
  });
});

describe('Coalesce', () => {
  it('returns the first non-null value (documented example)', () => {
    expect(call('Coalesce', [null, 'John.Doe@contoso.com'])).toBe('John.Doe@contoso.com');
  });
  it('keeps empty strings as values and skips empty multi-valued ones', () => {
    expect(call('Coalesce', ['', 'x'])).toBe('');
    expect(call('Coalesce', [[], 'x'])).toBe('x');
    expect(call('Coalesce', [null, null])).toBeNull();
  });
  it('does not evaluate arguments after the first value', () => {
    const spec = builtinFunctions.get('coalesce')!;
    let evaluated = false;
    const result = spec.callLazy!(
      [
        () => 'first',
        () => {
          evaluated = true;
          return 'second';
        },
      ],
      testContext(),
    );
    expect(result).toBe('first');
    expect(evaluated).toBe(false);
  });
});

describe('IIF', () => {
  it('chooses a branch and evaluates only that one', () => {
    const spec = builtinFunctions.get('iif')!;
    const calls: string[] = [];
    const branch = (name: string) => () => {
      calls.push(name);
      return name;
    };
    expect(spec.callLazy!([() => true, branch('yes'), branch('no')], testContext())).toBe('yes');
    expect(spec.callLazy!([() => 'False', branch('yes'), branch('no')], testContext())).toBe('no');
    expect(calls).toEqual(['yes', 'no']);
  });
  it('takes the false branch for a null condition', () => {
    expect(call('IIF', [null, 'a', 'b'])).toBe('b');
  });
  it('passes a flow signal in the condition through', () => {
    expect(call('IIF', [FlowSignal.ignoreObject, 'a', 'b'])).toBe(FlowSignal.ignoreObject);
  });
});

describe('IsNull, IsNullOrEmpty, IsPresent, IsString', () => {
  it('IsNull is true only without a value', () => {
    expect(call('IsNull', [null])).toBe(true);
    expect(call('IsNull', [[]])).toBe(true);
    expect(call('IsNull', [''])).toBe(false);
    expect(call('IsNull', ['x'])).toBe(false);
  });
  it('IsNullOrEmpty and IsPresent are inverses', () => {
    for (const value of [null, '', [], ['', null], 'x', 0, ['a']]) {
      expect(call('IsPresent', [value])).toBe(!call('IsNullOrEmpty', [value]));
    }
    expect(call('IsNullOrEmpty', [''])).toBe(true);
    expect(call('IsPresent', ['x'])).toBe(true);
  });
  it('IsString is true for strings only', () => {
    expect(call('IsString', ['x'])).toBe(true);
    expect(call('IsString', [''])).toBe(true);
    expect(call('IsString', [3])).toBe(false);
    expect(call('IsString', [true])).toBe(false);
    expect(call('IsString', [null])).toBe(false);
  });
});

describe('Switch', () => {
  const states = [
    'Australia/Sydney',
    'NSW',
    'Australia/Sydney',
    'QLD',
    'Australia/Brisbane',
    'SA',
    'Australia/Adelaide',
  ];
  it('returns the value of the matching key (documented example)', () => {
    expect(call('Switch', ['QLD', ...states])).toBe('Australia/Brisbane');
  });
  it('falls back to the default, or null when it is omitted', () => {
    expect(call('Switch', ['VIC', ...states])).toBe('Australia/Sydney');
    expect(call('Switch', ['x', undefined, 'a', 'b'])).toBeNull();
  });
  it('compares case-sensitively', () => {
    expect(call('Switch', ['qld', ...states])).toBe('Australia/Sydney');
  });
  it('matches a missing source against the "" key (documented workaround)', () => {
    expect(call('Switch', [null, 'Default Value', 'true', '1', '', '0'])).toBe('0');
    expect(call('Switch', [null, null, '', 'Other'])).toBe('Other');
  });
  it('compares booleans as "True"/"False"', () => {
    expect(call('Switch', [true, 'none', 'True', 'yes'])).toBe('yes');
  });
  it('declares key/value pairs for the checker', () => {
    const spec = builtinFunctions.get('switch')!;
    expect(spec.variadicGroupSize).toBe(2);
    expect(spec.arity).toEqual({ min: 4, max: undefined });
  });
});
