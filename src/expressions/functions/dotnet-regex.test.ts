/**
 * The .NET pattern translation and replacement strings on their own: each translated construct's
 * exact JavaScript form, each refused construct's message and position, group counting, and
 * every kind of substitution through both the native and the function replacer.
 */
import { describe, expect, it } from 'vitest';
import {
  RegexTranslationError,
  compileDotNetRegex,
  compileReplacement,
  translateDotNetRegex,
} from './dotnet-regex.js';

const WORD = '\\p{L}\\p{Mn}\\p{Nd}\\p{Pc}';
const source = (pattern: string) => translateDotNetRegex(pattern).source;

function refusal(pattern: string): string {
  try {
    translateDotNetRegex(pattern);
  } catch (error) {
    if (error instanceof RegexTranslationError) return error.message;
    throw error;
  }
  throw new Error(`expected ${pattern} to be refused`);
}

/** Replaces in `input` as Replace does: every match of `pattern` by the .NET `replacement`. */
function replace(input: string, pattern: string, replacement: string): string {
  const regex = compileDotNetRegex(pattern);
  const replacer = compileReplacement(pattern, replacement, regex);
  return typeof replacer === 'string'
    ? input.replace(regex.global, replacer)
    : input.replace(regex.global, replacer);
}

describe('translateDotNetRegex: translated constructs', () => {
  it.each([
    ['\\d\\D', '\\p{Nd}\\P{Nd}'],
    ['\\w\\W', `[${WORD}][^${WORD}]`],
    ['[\\w-]', `[${WORD}-]`],
    ['\\Aa\\Z', '(?<![\\s\\S])a(?=\\n?(?![\\s\\S]))'],
    ['\\e\\a', '\\x1B\\x07'],
    ["\\k<n>\\k'm'", '\\k<n>\\k<m>'],
    ["(?<ab>x)\\k<ab>\\k'ab'", '(?<ab>x)\\k<ab>\\k<ab>'],
    ['\\p{L}\\P{Lu}', '\\p{L}\\P{Lu}'],
    ['\\x41\\u0041\\cA\\1\\s\\S\\b\\B\\t\\n\\r\\f\\v', '\\x41\\u0041\\cA\\1\\s\\S\\b\\B\\t\\n\\r\\f\\v'],
    ['\\.\\*\\+\\?\\^\\$\\|\\/\\(\\)\\[\\]\\{\\}\\\\', '\\.\\*\\+\\?\\^\\$\\|\\/\\(\\)\\[\\]\\{\\}\\\\'],
    ['\\-\\#\\@', '-#@'],
    ['[a\\-b]', '[a\\-b]'],
    ['[\\#\\@]', '[#@]'],
    ['[a[b]', '[a[b]'],
    ['a??b*?', 'a??b*?'],
    ['a{x}b{2}', 'a\\{x\\}b{2}'],
    ['[]a]', '[\\]a]'],
    ['[^]a]', '[^\\]a]'],
    ['[^a]b', '[^a]b'],
    ['[(){}]', '[(){}]'],
    ['(?:a)(?=b)(?!c)(?<=d)(?<!e)', '(?:a)(?=b)(?!c)(?<=d)(?<!e)'],
    ["(?<first>a)(?'second'b)", '(?<first>a)(?<second>b)'],
    ['a(?#a comment)b', 'ab'],
    ['a{2}b{2,}c{2,3}', 'a{2}b{2,}c{2,3}'],
    ['d{,2}e{', 'd\\{,2\\}e\\{'],
    ['a}b]', 'a\\}b\\]'],
  ])('%s becomes %s', (pattern, expected) => {
    expect(source(pattern)).toBe(expected);
  });

  it('a leading option group becomes flags, each once, always beside u', () => {
    expect(translateDotNetRegex('(?ims)a')).toEqual({ source: 'a', flags: 'uims', groupNames: [] });
    expect(translateDotNetRegex('(?ii)a').flags).toBe('ui');
    expect(translateDotNetRegex('a').flags).toBe('u');
  });

  it('lists named groups in order', () => {
    expect(translateDotNetRegex("(?<a>x)(y)(?'b_2'z)").groupNames).toEqual(['a', 'b_2']);
  });
});

describe('translateDotNetRegex: refused constructs', () => {
  it.each([
    ['[\\W]', '\\W inside a character class at position 2 is not supported'],
    ['ab\\G', '\\G at position 3 is not supported'],
    ['\\k', '\\k without a group name at position 1 is not supported'],
    ['\\pL', '\\p without a {category} at position 1 is not supported'],
    ['\\pL{Lu}', '\\p without a {category} at position 1 is not supported'],
    ['\\kx<n>', '\\k without a group name at position 1 is not supported'],
    ['x\\P{IsGreek}', 'the Unicode block \\P{IsGreek} at position 2 is not supported'],
    ['\\q', 'the escape \\q at position 1 is not supported'],
    ['[a-z-[aeiou]]', 'character class subtraction at position 5 is not supported'],
    ['a(?<a-b>x)', 'the balancing group (?<a-b> at position 2 is not supported'],
    ['(?<1a>x)', 'the group name "1a" at position 1 is not supported'],
    ["(?'a b'x)", 'the group name "a b" at position 1 is not supported'],
    ['a(?>b)', 'the atomic group (?> at position 2 is not supported'],
    ['(?(a)b|c)', 'the conditional (?( at position 1 is not supported'],
    ['a(?i-m)b', 'the inline option group (?i-m at position 2 is not supported'],
    ['a(?m)<n>', 'the inline option group (?m at position 2 is not supported'],
    ['(?imsx)a', 'the x (ignore white space) option at position 1 is not supported'],
    ['a\\', 'the pattern ends with a lone backslash'],
    ['a(?#comment', 'unterminated (?# comment'],
    ['[abc', 'unterminated character class ['],
  ])('%s: %s', (pattern, message) => {
    expect(refusal(pattern)).toBe(message);
  });
});

describe('compileDotNetRegex', () => {
  it('counts groups, named or not, and compiles global and indexed forms', () => {
    const compiled = compileDotNetRegex('(?<n>a)(b)(?:c)');
    expect(compiled.groupCount).toBe(2);
    expect(compiled.groupNames).toEqual(['n']);
    expect(compiled.global.flags).toBe('gu');
    expect(compiled.indexed.flags).toBe('dgu');
    expect(compiledDotNetRegexGroups('')).toBe(0);
  });

  it('returns the same compiled pattern for the same string', () => {
    expect(compileDotNetRegex('x(y)')).toBe(compileDotNetRegex('x(y)'));
  });

  it('reports what JavaScript refuses without its "Invalid regular expression" prefix', () => {
    expect(() => compileDotNetRegex('(')).toThrow(new RegexTranslationError('/(/gu: Unterminated group'));
  });
});

function compiledDotNetRegexGroups(pattern: string): number {
  return compileDotNetRegex(pattern).groupCount;
}

describe('compileReplacement', () => {
  it.each([
    ['$$', 'x$y'],
    ['$&|$0|${0}', 'xab|ab|aby'],
    ['[$`]', 'x[x]y'],
    ["[$']", 'x[y]y'],
    ['${n}', 'xby'],
    ['${1}', 'xay'],
    ['$1', 'xay'],
    ['$12', 'xa2y'],
    ['$3|${3}|${x}|${', 'x$3|${3}|${x}|${y'],
    ['$|x$|$x|$$1', 'x$|x$|$x|$1y'],
  ])('"%s" on "xaby" with (a)(?<n>b) gives "%s" (native)', (replacement, expected) => {
    const regex = compileDotNetRegex('(a)(?<n>b)');
    expect(typeof compileReplacement('(a)(?<n>b)', replacement, regex)).toBe('string');
    expect(replace('xaby', '(a)(?<n>b)', replacement)).toBe(expected);
  });

  it('$+ and $_ need the function replacer, which handles every other part too', () => {
    const regex = compileDotNetRegex('(a)(?<n>b)');
    const replacement = "$_|$`|$'|${n}|$1|$&|$0|$$|$+|t";
    expect(typeof compileReplacement('(a)(?<n>b)', replacement, regex)).toBe('function');
    expect(replace('xaby', '(a)(?<n>b)', replacement)).toBe('xxaby|x|y|b|a|ab|ab|$|b|ty');
  });

  it('the function replacer gives groups that did not take part as empty', () => {
    // A named group is numbered too, after the unnamed ones: here ${n} is $2.
    expect(replace('b', '(a)|(?<n>b)', '[$1|${n}|$2|$_]')).toBe('[|b|b|b]');
    expect(replace('a', '(a)|(?<n>b)', '[$1|${n}|$2|$+]')).toBe('[a|||]');
  });

  it('an unclosed ${ is literal text, even when a group name starts it', () => {
    expect(replace('xay', '(?<a>a)', '${ab')).toBe('x${aby');
    expect(replace('xay', '(a)', '[${12')).toBe('x[${12y');
  });

  it('the text after the match is all of it, through the function replacer too', () => {
    expect(replace('xabyz', '(a)(?<n>b)', "[$_|$']")).toBe('x[xabyz|yz]yz');
  });

  it('group numbers above 99, which JavaScript cannot write, are replaced all the same', () => {
    const hundred = '(a)'.repeat(100);
    expect(replace('a'.repeat(100), hundred, '[$100]')).toBe('[a]');
    expect(replace('a'.repeat(100), hundred, '[${100}]')).toBe('[a]');
  });

  it('$+ without groups is the whole match', () => {
    expect(replace('xay', 'a', '[$+]')).toBe('x[a]y');
  });

  it('takes the longest run of digits that names a group', () => {
    const groups = '(a)'.repeat(12);
    expect(replace('a'.repeat(12), groups, '$12')).toBe('a');
    expect(replace('a'.repeat(12), groups, '$123')).toBe('a3');
    expect(replace('a'.repeat(12), groups, '$13')).toBe('a3');
    expect(replace('a'.repeat(12), groups, '${12}')).toBe('a');
    expect(replace('a'.repeat(12), groups, '${13}')).toBe('${13}');
  });

  it('returns the same replacer for the same pattern and replacement', () => {
    const regex = compileDotNetRegex('(a)');
    const replacement = '$+$1';
    expect(compileReplacement('(a)', replacement, regex)).toBe(compileReplacement('(a)', replacement, regex));
  });
});
