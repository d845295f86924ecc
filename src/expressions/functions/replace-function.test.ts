import { describe, expect, it } from 'vitest';
import { builtinFunctions } from './index.js';
import { translateDotNetRegex } from './dotnet-regex.js';
import { call } from './test-helper.js';

// Replace(source, oldValue, regexPattern, regexGroupName, replacementValue, replacementAttributeName, template)
const U = undefined;

describe('Replace: documented examples', () => {
  it('1: oldValue and replacementValue', () => {
    expect(call('Replace', ['Product Developer', 'Product Developer', U, U, 'Software Engineer', U, U])).toBe(
      'Software Engineer',
    );
    expect(call('Replace', ['john.doe@contoso.com', '@contoso.com', U, U, '', U, U])).toBe('john.doe');
  });
  it('2: oldValue and template', () => {
    expect(call('Replace', ['jsmith', '<username>', U, U, U, U, '<username>@contoso.com'])).toBe(
      'jsmith@contoso.com',
    );
  });
  it('3: regexPattern and replacementValue with named-group substitution', () => {
    const pattern = '\\+(?<isdCode>\\d* )(?<phoneNumber>\\d{10})';
    expect(call('Replace', ['+91 9998887777', U, pattern, U, '${phoneNumber}', U, U])).toBe('9998887777');
    // Entra's page shows "19998887777", but "+" is not in the class: the pattern keeps it (see docs Choices).
    expect(call('Replace', ['+1 (999) 888-7777', U, '[()\\s-]+', U, '', U, U])).toBe('+19998887777');
  });
  it('4: regexPattern, regexGroupName and replacementValue', () => {
    expect(
      call('Replace', ['545 Tremont Street', U, '(?<streetNumber>^\\d*)', 'streetNumber', '888', U, U]),
    ).toBe('888 Tremont Street');
    expect(call('Replace', ['jsmith@contoso.com', U, '(?<Suffix>@(.)*)', 'Suffix', '', U, U])).toBe('jsmith');
  });
  it('5: regexPattern, regexGroupName and replacementAttributeName', () => {
    const pattern = '\\+(?<isdCode>\\d* )(?<phoneNumber>\\d{10})';
    expect(call('Replace', ['', U, pattern, 'phoneNumber', U, '+91 8887779999', U])).toBe('8887779999');
    expect(call('Replace', [null, U, pattern, 'phoneNumber', U, '+91 8887779999', U])).toBe('8887779999');
    expect(call('Replace', ['+1 5555555555', U, pattern, 'phoneNumber', U, '+91 8887779999', U])).toBe(
      '+1 5555555555',
    );
    expect(call('Replace', ['', U, pattern, 'phoneNumber', U, 'no digits', U])).toBeNull();
  });
  it('6: removing characters that match', () => {
    expect(call('Replace', ['john_doe72', U, '[a-zA-Z_]*', U, '', U, U])).toBe('72');
  });
});

describe('Replace: edge cases', () => {
  it('is case-sensitive and replaces every occurrence', () => {
    expect(call('Replace', ['aAaA', 'a', U, U, 'x', U, U])).toBe('xAxA');
  });
  it('supports .NET substitutions $1, ${1}, $$, $& and $0', () => {
    expect(call('Replace', ['ab', U, '(a)(b)', U, '$2$1', U, U])).toBe('ba');
    expect(call('Replace', ['ab', U, '(a)(b)', U, '${2}-$$-$&-$0', U, U])).toBe('b-$-ab-ab');
    expect(call('Replace', ['ab', U, '(a)', U, '$9', U, U])).toBe('$9b');
    expect(call('Replace', ['ab', U, '(a)', U, '[$_|$+|$`]', U, U])).toBe('[ab|a|]b');
    expect(call('Replace', ['ab', U, '(?<x>a)', U, "$1${x}0$'", U, U])).toBe('aa0bb');
    expect(call('Replace', ['a', U, 'a', U, '$ $x', U, U])).toBe('$ $x');
  });
  it('maps over multi-valued sources and keeps null as null', () => {
    expect(call('Replace', [['a1', 'b2'], U, '\\d', U, '', U, U])).toEqual(['a', 'b']);
    expect(call('Replace', [null, 'x', U, U, 'y', U, U])).toBeNull();
  });
  it('matches unicode digits and letters as .NET does', () => {
    expect(call('Replace', ['é٣x', U, '\\w', U, '.', U, U])).toBe('...');
  });
  it('fails clearly on unsupported .NET constructs and unknown group names', () => {
    expect(() => call('Replace', ['x', U, '(?>a)', U, '', U, U])).toThrow(/atomic group/);
    expect(() => call('Replace', ['x', U, '(?<a>x)', 'b', 'y', U, U])).toThrow(/regexGroupName "b"/);
    expect(() => call('Replace', ['x', U, U, U, 'y', U, U])).toThrow(/needs oldValue or regexPattern/);
    expect(() => call('Replace', ['x', U, '(', U, 'y', U, U])).toThrow(/regexPattern/);
  });
  it('reports bad literal patterns at save time', () => {
    const check = builtinFunctions.get('replace')!.checkLiterals!;
    expect(check(['x', U, '(?(a)b|c)', U, '', U, U])[0]?.message).toMatch(/conditional/);
    expect(check(['x', U, '(?<a>x)', 'b', '', U, U])[0]?.argumentIndex).toBe(3);
    expect(check(['x', U, '(?<a>x)', 'a', '', U, U])).toEqual([]);
  });
});

describe('translateDotNetRegex', () => {
  it('translates .NET-only syntax', () => {
    expect(translateDotNetRegex("(?'n'a)\\k'n'").source).toBe('(?<n>a)\\k<n>');
    expect(translateDotNetRegex('(?i)abc').flags).toBe('ui');
    expect(translateDotNetRegex('\\Aa\\z').source).toBe('(?<![\\s\\S])a(?![\\s\\S])');
    expect(translateDotNetRegex('a{x}[]a]\\_').source).toBe('a\\{x\\}[\\]a]_');
    expect(translateDotNetRegex('a(?#comment)b').source).toBe('ab');
  });
  it.each(['(?>a)', '(?<a-b>x)', '\\G', '\\p{IsGreek}', 'a(?i)b', '[a-z-[aeiou]]', '(?x)a'])(
    'rejects %s',
    (pattern) => {
      expect(() => translateDotNetRegex(pattern)).toThrow(/not supported/);
    },
  );
});
