import type { Diagnostic, SourceSpan } from './expression-diagnostic.js';
import { DiagnosticCode, makeDiagnostic } from './expression-diagnostic.js';
import type { ComparisonOperator } from './expression-ast.js';

/** One token of an expression. `invalid` marks a token whose diagnostic the scanner already reported. */
export type Token =
  | { readonly kind: 'identifier'; readonly text: string; readonly span: SourceSpan }
  | { readonly kind: 'string'; readonly value: string; readonly invalid: boolean; readonly span: SourceSpan }
  | {
      readonly kind: 'number';
      readonly value: number;
      readonly raw: string;
      readonly invalid: boolean;
      readonly span: SourceSpan;
    }
  | {
      readonly kind: 'attribute';
      readonly name: string;
      readonly invalid: boolean;
      readonly span: SourceSpan;
    }
  | { readonly kind: 'operator'; readonly operator: ComparisonOperator; readonly span: SourceSpan }
  | { readonly kind: '(' | ')' | ',' | 'eof'; readonly span: SourceSpan };

export interface ScanResult {
  readonly tokens: readonly Token[];
  readonly diagnostics: Diagnostic[];
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isHexDigit = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isIdentStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isIdentPart = (c: number): boolean => isIdentStart(c) || isDigit(c);
const isNewline = (c: number): boolean => c === 10 || c === 13;

function isWhitespace(c: number): boolean {
  if (c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12) return true;
  // Non-breaking and other Unicode spaces arrive when expressions are pasted from web pages.
  return c > 127 && /\s/u.test(String.fromCharCode(c));
}

/** Hints for characters that usually mean a paste from a word processor or another language. */
const characterHints: Readonly<Record<string, string>> = {
  '\u201c': 'use straight double quotes (") around strings',
  '\u201d': 'use straight double quotes (") around strings',
  '\u201e': 'use straight double quotes (") around strings',
  "'": 'strings take double quotes (")',
  '!': 'write "not equal" as <>',
  '&': 'hex numbers are written &H followed by hex digits, e.g. &HF7; join strings with Join or Append',
  '+': 'join strings with Join or Append',
};

/**
 * Splits an expression into tokens. Never throws: a bad character or an unterminated string or
 * attribute becomes a diagnostic, and scanning goes on so several problems are reported at once.
 *
 * String escapes follow Entra: `\"` is a quote and `\\` a backslash; any other backslash is kept as
 * written, because Entra hands string text to .NET regexes unchanged (`"\d{10}"` and `"\\d{10}"` both
 * reach the regex as `\d{10}`).
 */
export function scanExpression(source: string): ScanResult {
  const tokens: Token[] = [];
  const diagnostics: Diagnostic[] = [];
  const length = source.length;
  let pos = 0;

  while (pos < length) {
    const c = source.charCodeAt(pos);
    if (isWhitespace(c)) {
      pos++;
      continue;
    }
    const start = pos;
    if (isIdentStart(c)) {
      while (pos < length && isIdentPart(source.charCodeAt(pos))) pos++;
      tokens.push({ kind: 'identifier', text: source.slice(start, pos), span: { start, end: pos } });
    } else if (c === 34 /* " */) {
      pos++;
      let value = '';
      let closed = false;
      while (pos < length) {
        const d = source.charCodeAt(pos);
        if (d === 34) {
          closed = true;
          pos++;
          break;
        }
        if (d === 92 /* \ */ && pos + 1 < length) {
          const next = source.charCodeAt(pos + 1);
          if (next === 34 || next === 92) {
            value += source[pos + 1];
            pos += 2;
            continue;
          }
        }
        value += source[pos];
        pos++;
      }
      if (!closed) {
        diagnostics.push(
          makeDiagnostic(source, DiagnosticCode.unterminatedString, 'String is not closed with "', {
            start,
            end: pos,
          }),
        );
      }
      tokens.push({ kind: 'string', value, invalid: !closed, span: { start, end: pos } });
    } else if (c === 91 /* [ */) {
      pos++;
      while (pos < length && source.charCodeAt(pos) !== 93 && !isNewline(source.charCodeAt(pos))) pos++;
      const closed = pos < length && source.charCodeAt(pos) === 93;
      const name = source.slice(start + 1, pos).trim();
      if (closed) pos++;
      let invalid = !closed;
      if (!closed) {
        diagnostics.push(
          makeDiagnostic(
            source,
            DiagnosticCode.unterminatedAttribute,
            "Attribute name is not closed with ']'",
            {
              start,
              end: pos,
            },
          ),
        );
      } else if (name === '') {
        invalid = true;
        diagnostics.push(
          makeDiagnostic(source, DiagnosticCode.emptyAttribute, 'Empty attribute reference []', {
            start,
            end: pos,
          }),
        );
      }
      tokens.push({ kind: 'attribute', name, invalid, span: { start, end: pos } });
    } else if (isDigit(c) || (c === 45 /* - */ && isDigit(source.charCodeAt(pos + 1)))) {
      pos++;
      while (pos < length && isDigit(source.charCodeAt(pos))) pos++;
      if (source.charCodeAt(pos) === 46 /* . */ && isDigit(source.charCodeAt(pos + 1))) {
        pos++;
        while (pos < length && isDigit(source.charCodeAt(pos))) pos++;
      }
      const raw = source.slice(start, pos);
      const value = Number(raw);
      const invalid = !isExactLiteral(raw, value);
      if (invalid) {
        diagnostics.push(
          makeDiagnostic(
            source,
            DiagnosticCode.invalidNumber,
            `Number ${raw} cannot be represented exactly; write it as a string ("${raw}") to keep every digit`,
            {
              start,
              end: pos,
            },
          ),
        );
      }
      tokens.push({ kind: 'number', value: invalid ? 0 : value, raw, invalid, span: { start, end: pos } });
    } else if (c === 38 /* & */ && (source[pos + 1] === 'H' || source[pos + 1] === 'h')) {
      // VBA hex literal: &HF7.
      pos += 2;
      while (pos < length && isHexDigit(source.charCodeAt(pos))) pos++;
      const raw = source.slice(start, pos);
      const digits = raw.slice(2);
      const value = digits === '' ? Number.NaN : Number.parseInt(digits, 16);
      const invalid = !Number.isFinite(value) || BigInt(value) !== BigInt(`0x${digits}`);
      if (invalid) {
        diagnostics.push(
          makeDiagnostic(
            source,
            DiagnosticCode.invalidNumber,
            digits === ''
              ? '&H must be followed by hex digits, e.g. &HF7'
              : `Hex number ${raw} cannot be represented exactly`,
            { start, end: pos },
          ),
        );
      }
      tokens.push({ kind: 'number', value: invalid ? 0 : value, raw, invalid, span: { start, end: pos } });
    } else if (c === 40 || c === 41 || c === 44) {
      pos++;
      tokens.push({ kind: c === 40 ? '(' : c === 41 ? ')' : ',', span: { start, end: pos } });
    } else if (c === 61 /* = */) {
      pos++;
      tokens.push({ kind: 'operator', operator: '=', span: { start, end: pos } });
    } else if (c === 60 /* < */ || c === 62 /* > */) {
      pos++;
      const next = source.charCodeAt(pos);
      let operator: ComparisonOperator = c === 60 ? '<' : '>';
      if (next === 61) {
        operator = c === 60 ? '<=' : '>=';
        pos++;
      } else if (c === 60 && next === 62) {
        operator = '<>';
        pos++;
      }
      tokens.push({ kind: 'operator', operator, span: { start, end: pos } });
    } else if (c === 93 /* ] */) {
      pos++;
      diagnostics.push(
        makeDiagnostic(source, DiagnosticCode.unbalanced, "']' without a matching '['", { start, end: pos }),
      );
    } else {
      // Step over a whole code point so a surrogate pair is reported once.
      const codePoint = source.codePointAt(pos) ?? c;
      pos += codePoint > 0xffff ? 2 : 1;
      const ch = String.fromCodePoint(codePoint);
      const hint = characterHints[ch];
      const shown = codePoint < 32 || codePoint === 127 ? `U+${codePoint.toString(16).padStart(4, '0')}` : ch;
      diagnostics.push(
        makeDiagnostic(
          source,
          DiagnosticCode.unexpectedCharacter,
          `Unexpected character '${shown}'${hint ? `: ${hint}` : ''}`,
          { start, end: pos },
        ),
      );
    }
  }
  tokens.push({ kind: 'eof', span: { start: length, end: length } });
  return { tokens, diagnostics };
}

/**
 * Whether a decimal literal denotes exactly the double it reads as. Integers qualify when their
 * digits round-trip, not only below 2^53: Active Directory dates such as 129699324000000000 (the
 * example Entra documents for DateFromNum) are multiples of a power of two and so exact, while
 * 9007199254740993 would silently become ...992 and is refused.
 */
function isExactLiteral(raw: string, value: number): boolean {
  if (!Number.isFinite(value)) return false;
  if (raw.includes('.')) {
    // Decimals are approximate by nature; only refuse integral ones beyond 2^53 (e.g. 1e20 as "1.0").
    return !Number.isInteger(value) || Number.isSafeInteger(value);
  }
  return BigInt(value) === BigInt(raw);
}
