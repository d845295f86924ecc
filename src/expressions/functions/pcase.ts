/**
 * Proper case as Entra's PCase does it. Without explicit separators Entra calls .NET's
 * TextInfo.ToTitleCase, whose word separators are the Unicode categories listed below; digits and
 * apostrophes belong to a word ("o'neil" -> "O'neil", "1st" -> "1St"). ToTitleCase leaves words
 * that are entirely upper case alone, yet Entra's documented example turns "PABLO" into "Pablo",
 * so the text is lower-cased first.
 */

// Zs Zl Zp Cc Cf Pc Pd Ps Pe Pi Pf Po Sm Sc Sk So: .NET's ToTitleCase word-separator categories.
const DEFAULT_SEPARATOR = /[\p{Zs}\p{Zl}\p{Zp}\p{Cc}\p{Cf}\p{Pc}\p{Pd}\p{Ps}\p{Pe}\p{Pi}\p{Pf}\p{Po}\p{Sm}\p{Sc}\p{Sk}\p{So}]/u;
const LETTER = /\p{L}/u;
const APOSTROPHES = new Set(["'", '\u2019', '\u02BC']);

/** Proper-cases text; `separators` (when given) replaces the default separator set entirely. */
export function pcase(text: string, separators: string | null): string {
  if (separators !== null && separators !== '') return pcaseWith(text, new Set(Array.from(separators)));
  let out = '';
  let inWord = false;
  for (const ch of text) {
    if (APOSTROPHES.has(ch)) {
      out += ch;
      continue;
    }
    if (DEFAULT_SEPARATOR.test(ch)) {
      inWord = false;
      out += ch;
    } else if (LETTER.test(ch)) {
      out += inWord ? ch.toLowerCase() : ch.toUpperCase();
      inWord = true;
    } else {
      // Digits and marks neither start nor end a word, as in ToTitleCase.
      out += ch;
    }
  }
  return out;
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
