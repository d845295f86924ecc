/**
 * Splits a mapping expression into runs for syntax highlighting. Unlike the real scanner
 * (src/expressions, which runs on the server and reports diagnostics) this one is lossless and
 * never fails: every character belongs to exactly one run, so the highlighted copy lines up with
 * the text under it character for character, even while the expression is half typed.
 */
export type HighlightKind =
  'function' | 'name' | 'attribute' | 'string' | 'number' | 'operator' | 'punct' | 'space' | 'bad';

export interface HighlightRun {
  readonly kind: HighlightKind;
  readonly text: string;
  readonly start: number;
}

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;

export function highlightRuns(source: string): HighlightRun[] {
  const runs: HighlightRun[] = [];
  let pos = 0;
  const push = (kind: HighlightKind, end: number) => {
    runs.push({ kind, text: source.slice(pos, end), start: pos });
    pos = end;
  };
  while (pos < source.length) {
    const c = source[pos]!;
    if (/\s/.test(c)) {
      let end = pos + 1;
      while (end < source.length && /\s/.test(source[end]!)) end++;
      push('space', end);
    } else if (c === '"') {
      let end = pos + 1;
      while (end < source.length && source[end] !== '"')
        end += source[end] === '\\' && end + 1 < source.length ? 2 : 1;
      const closed = end < source.length;
      push(closed ? 'string' : 'bad', closed ? end + 1 : end);
    } else if (c === '[') {
      let end = pos + 1;
      while (end < source.length && source[end] !== ']' && source[end] !== '\n') end++;
      const closed = source[end] === ']';
      push(closed ? 'attribute' : 'bad', closed ? end + 1 : end);
    } else if (IDENT_START.test(c)) {
      let end = pos + 1;
      while (end < source.length && IDENT_PART.test(source[end]!)) end++;
      let after = end;
      while (after < source.length && /[ \t]/.test(source[after]!)) after++;
      push(source[after] === '(' ? 'function' : 'name', end);
    } else if (/[0-9]/.test(c) || (c === '&' && /[Hh]/.test(source[pos + 1] ?? ''))) {
      let end = pos + (c === '&' ? 2 : 1);
      while (end < source.length && /[0-9A-Fa-f.]/.test(source[end]!)) end++;
      push('number', end);
    } else if (c === '<' || c === '>' || c === '=') {
      const two = source.slice(pos, pos + 2);
      push('operator', pos + (two === '<>' || two === '<=' || two === '>=' ? 2 : 1));
    } else if (c === '(' || c === ')' || c === ',') {
      push('punct', pos + 1);
    } else {
      push('bad', pos + 1);
    }
  }
  return runs;
}
