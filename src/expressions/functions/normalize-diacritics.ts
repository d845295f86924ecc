import type { FunctionSpec } from './function-spec.js';
import { defineEager, p } from './define-function.js';
import { mapStrings } from './coerce.js';

/**
 * NormalizeDiacritics with exactly the character table Entra documents: each row lists the
 * characters (some are a base letter plus combining marks, e.g. "ā́") and what they become. Letters
 * the table does not list are left unchanged: Entra's function is a table lookup, not Unicode
 * decomposition, so "œ" (listed only with a macron) or "đ" stay as they are.
 */
const TABLE: readonly (readonly [string, string])[] = [
  ['ä, à, â, ã, å, á, ą, ă, ā, ā́, ā̀, ā̂, ā̃, ǟ, ā̈, ǡ, a̱, å̄', 'a'],
  ['Ä, À, Â, Ã, Å, Á, Ą, Ă, Ā, Ā́, Ā̀, Ā̂, Ā̃, Ǟ, Ā̈, Ǡ, A̱, Å̄', 'A'],
  ['æ, ǣ', 'ae'],
  ['Æ, Ǣ', 'AE'],
  ['ç, č, ć, c̄, c̱', 'c'],
  ['Ç, Č, Ć, C̄, C̱', 'C'],
  ['ď, d̄, ḏ', 'd'],
  ['Ď, D̄, Ḏ', 'D'],
  ['ë, è, é, ê, ę, ě, ė, ē, ḗ, ḕ, ē̂, ē̃, ê̄, e̱, ë̄, e̊̄', 'e'],
  ['Ë, È, É, Ê, Ę, Ě, Ė, Ē, Ḗ, Ḕ, Ē̂, Ē̃, Ê̄, E̱, Ë̄, E̊̄', 'E'],
  ['ğ, ḡ, g̱', 'g'],
  ['Ğ, Ḡ, G̱', 'G'],
  ['ï, î, ì, í, ı, ī, ī́, ī̀, ī̂, ī̃, i̱', 'i'],
  ['Ï, Î, Ì, Í, İ, Ī, Ī́, Ī̀, Ī̂, Ī̃, I̱', 'I'],
  ['ľ, ł, l̄, ḹ, ḻ', 'l'],
  ['Ł, Ľ, L̄, Ḹ, Ḻ', 'L'],
  ['ñ, ń, ň, n̄, ṉ', 'n'],
  ['Ñ, Ń, Ň, N̄, Ṉ', 'N'],
  ['ö, ò, ő, õ, ô, ó, ō, ṓ, ṑ, ō̂, ō̃, ȫ, ō̈, ǭ, ȭ, ȱ, o̱', 'o'],
  ['Ö, Ò, Ő, Õ, Ô, Ó, Ō, Ṓ, Ṑ, Ō̂, Ō̃, Ȫ, Ō̈, Ǭ, Ȭ, Ȱ, O̱', 'O'],
  ['ø, ø̄, œ̄', 'oe'],
  ['Ø, Ø̄, Œ̄', 'OE'],
  ['ř, r̄, ṟ, ṝ', 'r'],
  ['Ř, R̄, Ṟ, Ṝ', 'R'],
  ['ß', 'ss'],
  ['š, ś, ș, ş, s̄, s̱', 's'],
  ['Š, Ś, Ș, Ş, S̄, S̱', 'S'],
  ['ť, ț, t̄, ṯ', 't'],
  ['Ť, Ț, T̄, Ṯ', 'T'],
  ['ü, ù, û, ú, ů, ű, ū, ū́, ū̀, ū̂, ū̃, u̇̄, ǖ, ṻ, ṳ̄, u̱', 'u'],
  ['Ü, Ù, Û, Ú, Ů, Ű, Ū, Ū́, Ū̀, Ū̂, Ū̃, U̇̄, Ǖ, Ṻ, Ṳ̄, U̱', 'U'],
  ['ÿ, ý, ȳ, ȳ́, ȳ̀, ȳ̃, y̱', 'y'],
  ['Ÿ, Ý, Ȳ, Ȳ́, Ȳ̀, Ȳ̃, Y̱', 'Y'],
  ['ź, ž, ż, z̄, ẕ', 'z'],
  ['Ź, Ž, Ż, Z̄, Ẕ', 'Z'],
];

/** Every table entry in NFC form, mapped to its replacement. Exported for tests and docs. */
export const DIACRITIC_MAP: ReadonlyMap<string, string> = new Map(
  TABLE.flatMap(([sources, target]) =>
    sources.split(',').map((source) => [source.trim().normalize('NFC'), target] as const),
  ),
);

// Entries grouped by first UTF-16 unit, longest first, so "ā́" wins over "ā".
const BY_FIRST = new Map<string, (readonly [string, string])[]>();
for (const [source, target] of DIACRITIC_MAP) {
  const list = BY_FIRST.get(source[0]!) ?? [];
  list.push([source, target]);
  list.sort((a, b) => b[0].length - a[0].length);
  BY_FIRST.set(source[0]!, list);
}

const COMBINING = /[\u0300-\u036F]/;

/**
 * Entries that are one UTF-16 unit long, by char code: the single-pass path's table. Entries longer
 * than one unit are a letter followed by combining marks (U+0300-U+036F), checked below, so text
 * without combining marks can only match single-unit entries.
 */
const SINGLE = new Map<number, string>();
let multiUnitTailsAreCombining = true;
for (const [source, target] of DIACRITIC_MAP) {
  if (source.length === 1) SINGLE.set(source.charCodeAt(0), target);
  else if (!COMBINING.test(source.slice(1)) || /[^\u0300-\u036F]/.test(source.slice(1))) {
    multiUnitTailsAreCombining = false;
  }
}

/** Replaces each table entry in text (after NFC composition, so decomposed input matches too). */
export function normalizeDiacritics(text: string): string {
  // One pass over char codes: ASCII text (most names) is returned as it is, without a copy, and
  // accented letters are looked up by code. Only combining marks need the general path.
  let out = '';
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if ((code >= 0x300 && code <= 0x36f) || !multiUnitTailsAreCombining) return normalizeGeneral(text);
    const replacement = SINGLE.get(code);
    if (replacement !== undefined) {
      out += text.slice(copied, i) + replacement;
      copied = i + 1;
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * The general path: NFC composition, then the longest table entry at each position. Exported so
 * tests can hold the single-pass path to it.
 */
export function normalizeGeneral(text: string): string {
  // Only combining marks can change what the table matches; composing is skipped without them.
  const source = COMBINING.test(text) ? text.normalize('NFC') : text;
  let out = '';
  let i = 0;
  while (i < source.length) {
    const candidates = BY_FIRST.get(source[i]!);
    let matched = false;
    if (candidates) {
      for (const [from, to] of candidates) {
        if (source.startsWith(from, i)) {
          out += to;
          i += from.length;
          matched = true;
          break;
        }
      }
    }
    if (!matched) {
      out += source[i];
      i += 1;
    }
  }
  return out;
}

/** NormalizeDiacritics(source): replaces accented characters per Entra's table. */
export const normalizeDiacriticsFunction: FunctionSpec = defineEager(
  {
    name: 'NormalizeDiacritics',
    summary: 'Replaces characters with diacritics by their plain equivalents (Entra\u2019s table).',
    params: [p('source', 'string')],
  },
  ([source]) => mapStrings(source, normalizeDiacritics),
);
