import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { call } from './test-helper.js';

describe('Append', () => {
  it('appends a suffix (documented example)', () => {
    expect(call('Append', ['John.Doe@contoso.com', '.test'])).toBe('John.Doe@contoso.com.test');
  });
  it('treats a missing side as empty and gives null when both are missing', () => {
    expect(call('Append', [null, 'x'])).toBe('x');
    expect(call('Append', ['a', null])).toBe('a');
    expect(call('Append', [null, null])).toBeNull();
  });
  it('renders numbers and booleans as Entra does', () => {
    expect(call('Append', [12, true])).toBe('12True');
  });
});

describe('ConvertToBase64 / ConvertToUTF8Hex', () => {
  it('encodes UTF-16LE like .NET Encoding.Unicode (documented example)', () => {
    expect(call('ConvertToBase64', ['Hello world!'])).toBe('SABlAGwAbABvACAAdwBvAHIAbABkACEA');
  });
  it('handles padding lengths and non-ASCII', () => {
    expect(call('ConvertToBase64', ['a'])).toBe('YQA=');
    expect(call('ConvertToBase64', ['é😀'])).toBe(Buffer.from('é😀', 'utf16le').toString('base64'));
    expect(call('ConvertToBase64', [''])).toBe('');
    expect(call('ConvertToBase64', [null])).toBeNull();
  });
  it('gives upper-case UTF-8 hex (documented example)', () => {
    expect(call('ConvertToUTF8Hex', ['Hello world!'])).toBe('48656C6C6F20776F726C6421');
    expect(call('ConvertToUTF8Hex', ['é'])).toBe('C3A9');
    expect(call('ConvertToUTF8Hex', [null])).toBeNull();
  });
});

describe('CStr', () => {
  it('converts values to strings', () => {
    expect(call('CStr', ['cn=Joe,dc=contoso,dc=com'])).toBe('cn=Joe,dc=contoso,dc=com');
    expect(call('CStr', [true])).toBe('True');
    expect(call('CStr', [false])).toBe('False');
    expect(call('CStr', [42])).toBe('42');
    expect(call('CStr', [null])).toBeNull();
    expect(call('CStr', [['first', 'second']])).toBe('first');
  });
});

describe('InStr', () => {
  it('finds 1-based positions (documented examples)', () => {
    expect(call('InStr', ['The quick brown fox', 'quick'])).toBe(5);
    expect(call('InStr', ['repEated', 'e', 3, 0])).toBe(7);
    expect(call('InStr', ['repEated', 'e', 3, 'vbBinaryCompare'])).toBe(7);
  });
  it('ignores case with vbTextCompare', () => {
    expect(call('InStr', ['repEated', 'e', 3, 1])).toBe(4);
    expect(call('InStr', ['repEated', 'e', 3, 'vbTextCompare'])).toBe(4);
  });
  it('returns 0 when absent or start is past the end, null without a value', () => {
    expect(call('InStr', ['abc', 'z'])).toBe(0);
    expect(call('InStr', ['abc', 'a', 10])).toBe(0);
    expect(call('InStr', [null, 'a'])).toBeNull();
  });
  it('counts code points', () => {
    expect(call('InStr', ['😀a😀b', 'b'])).toBe(4);
    expect(call('InStr', ['😀a😀b', 'a', 3])).toBe(0);
  });
  it('rejects an unknown compare type', () => {
    expect(() => call('InStr', ['a', 'a', 1, 'vbFancy'])).toThrow(/compareType/);
  });
});

describe('Left and Mid', () => {
  it('Left follows the documented rules', () => {
    expect(call('Left', ['John Doe', 3])).toBe('Joh');
    expect(call('Left', ['John Doe', 0])).toBe('');
    expect(call('Left', ['John Doe', -1])).toBe('John Doe');
    expect(call('Left', [null, 3])).toBe('');
    expect(call('Left', ['Jo', 5])).toBe('Jo');
    expect(call('Left', ['😀😀x', 2])).toBe('😀😀');
  });
  it('counts characters, not UTF-16 units, wherever surrogate pairs appear', () => {
    const unit = fc.constantFrom('a', 'b', ' ', 'é', '😀', '𝒳');
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 8 }), fc.nat(9), fc.nat(9), (chars, start, length) => {
        const text = chars.join('');
        expect(call('Left', [text, length])).toBe(chars.slice(0, length).join(''));
        const expected =
          length === 0 ? '' : chars.slice(Math.max(1, start) - 1, Math.max(1, start) - 1 + length);
        expect(call('Mid', [text, start, length])).toBe(
          typeof expected === 'string' ? expected : expected.join(''),
        );
      }),
      { numRuns: 300 },
    );
  });
  it('Mid takes a 1-based start and clamps the length', () => {
    expect(call('Mid', ['John', 1, 3])).toBe('Joh');
    expect(call('Mid', ['Doe', 1, 5])).toBe('Doe');
    expect(call('Mid', ['abcdef', 3, 2])).toBe('cd');
    expect(call('Mid', ['abc', 5, 2])).toBe('');
    expect(call('Mid', ['abc', 0, 2])).toBe('ab');
    expect(call('Mid', ['abc', 1, -1])).toBe('');
    expect(call('Mid', [null, 1, 2])).toBeNull();
    expect(call('Mid', ['é😀ü', 2, 1])).toBe('😀');
  });
  it('rejects a non-numeric length', () => {
    expect(() => call('Left', ['abc', 'three'])).toThrow(/numChars must be a number/);
    expect(() => call('Left', ['abc', Infinity])).toThrow(/finite/);
    expect(() => call('Mid', ['abc', '1e400', 1])).toThrow(/too large/);
  });
});

describe('PCase', () => {
  it('title-cases with the default separators (documented examples)', () => {
    expect(call('PCase', ['PABLO GONSALVES (SECOND)'])).toBe('Pablo Gonsalves (Second)');
    expect(call('PCase', ['GREGORY JAMES'])).toBe('Gregory James');
  });
  it('uses only the given separators (documented example)', () => {
    expect(call('PCase', ["PINTO-DE'SILVA", " '-"])).toBe("Pinto-De'Silva");
  });
  it("keeps apostrophes inside words by default, as .NET's ToTitleCase", () => {
    expect(call('PCase', ["O'NEIL mary-ann"])).toBe("O'neil Mary-Ann");
  });
  it('handles unicode and multi-valued input', () => {
    expect(call('PCase', ['élodie ÅSTRÖM'])).toBe('Élodie Åström');
    expect(call('PCase', [['ANA', 'BO']])).toEqual(['Ana', 'Bo']);
    expect(call('PCase', [null])).toBeNull();
  });
});

describe('StripSpaces, ToLower, ToUpper', () => {
  it('removes only U+0020 spaces', () => {
    expect(call('StripSpaces', [' a b\tc '])).toBe('ab\tc');
    expect(call('StripSpaces', [null])).toBeNull();
  });
  it('lower-cases invariantly and with a culture', () => {
    expect(call('ToLower', ['John.Smith@Contoso.com'])).toBe('john.smith@contoso.com');
    expect(call('ToLower', ['İSTANBUL', 'tr-TR'])).toBe('istanbul');
    expect(call('ToUpper', ['istanbul', 'tr-TR'])).toBe('İSTANBUL');
    expect(call('ToUpper', ['istanbul'])).toBe('ISTANBUL');
    expect(call('ToUpper', [['a', 'b']])).toEqual(['A', 'B']);
  });
  it('rejects a malformed culture', () => {
    expect(() => call('ToLower', ['x', 'not a culture!'])).toThrow(/culture/);
  });
});

describe('Word', () => {
  it('returns the n-th word (documented examples)', () => {
    expect(call('Word', ['The quick brown fox', 3, ' '])).toBe('brown');
    expect(call('Word', ['This,string!has&many separators', 3, ',!&#'])).toBe('has');
  });
  it('returns empty for out-of-range numbers and null strings', () => {
    expect(call('Word', ['a b', 0, ' '])).toBe('');
    expect(call('Word', ['a b', 3, ' '])).toBe('');
    expect(call('Word', [null, 1, ' '])).toBe('');
    expect(call('Word', ['  a  b ', 2, ' '])).toBe('b');
  });
});

describe('Redact', () => {
  it('returns the value unchanged', () => {
    expect(call('Redact', ['secret'])).toBe('secret');
    expect(call('Redact', [null])).toBeNull();
  });
});
