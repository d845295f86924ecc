/**
 * Proper case as Entra's PCase does it. Without explicit separators Entra calls .NET's
 * TextInfo.ToTitleCase, whose word separators are the Unicode categories listed below; digits and
 * apostrophes belong to a word ("o'neil" -> "O'neil", "1st" -> "1St"). ToTitleCase leaves words
 * that are entirely upper case alone, yet Entra's documented example turns "PABLO" into "Pablo",
 * so the text is lower-cased first.
 */

// Zs Zl Zp Cc Cf Pc Pd Ps Pe Pi Pf Po Sm Sc Sk So: .NET's ToTitleCase word-separator categories.
const DEFAULT_SEPARATOR =
  /[\p{Zs}\p{Zl}\p{Zp}\p{Cc}\p{Cf}\p{Pc}\p{Pd}\p{Ps}\p{Pe}\p{Pi}\p{Pf}\p{Po}\p{Sm}\p{Sc}\p{Sk}\p{So}]/u;
const LETTER = /\p{L}/u;
const APOSTROPHES = new Set(["'", '\u2019', '\u02BC']);

/** Proper-cases text; `separators` (when given) replaces the default separator set entirely. */
export function pcase(text: string, separators: string | null): string {
  if (separators !== null && separators !== '') return pcaseWith(text, new Set(Array.from(separators)));
  const lower = text.toLowerCase();
  let out = '';
  let copied = 0;
  let inWord = false;
  for (let i = 0; i < lower.length; i++) {
    const code = lower.charCodeAt(i);
    let kind: 'letter' | 'separator' | 'inner';
    let width = 1;
    if (code < 0x80) {
      // ASCII fast path: letters, digits and the apostrophe belong to words; the rest is punctuation,
      // symbols, space or control, all separators for ToTitleCase.
      if ((code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a)) kind = 'letter';
      else if ((code >= 0x30 && code <= 0x39) || code === 0x27) kind = 'inner';
      else kind = 'separator';
    } else {
      const ch = String.fromCodePoint(lower.codePointAt(i)!);
      width = ch.length;
      if (APOSTROPHES.has(ch)) kind = 'inner';
      else if (DEFAULT_SEPARATOR.test(ch)) kind = 'separator';
      else if (LETTER.test(ch)) kind = 'letter';
      else kind = 'inner'; // digits and marks neither start nor end a word, as in ToTitleCase
    }
    if (kind === 'letter') {
      if (!inWord) {
        out += lower.slice(copied, i) + lower.slice(i, i + width).toUpperCase();
        copied = i + width;
      }
      inWord = true;
    } else if (kind === 'separator') {
      inWord = false;
    }
    i += width - 1;
  }
  return out + lower.slice(copied);
}

function pcaseWith(text: string, separators: ReadonlySet<string>): string {
  let out = '';
  let atStart = true;
  for (const ch of text) {
    if (separators.has(ch)) {
      atStart = true;
      out += ch;
    } else {
      out += atStart ? ch.toUpperCase() : ch.toLowerCase();
      atStart = false;
    }
  }
  return out;
}
