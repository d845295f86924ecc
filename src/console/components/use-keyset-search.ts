/**
 * A search through the whole of a keyset list that holds only a window of its pages
 * (`KeysetPages.scan`): every page is visited in order (the ones given up are read again and not
 * held) and only the rows that match are kept, shown as they are found. A search text that
 * contains the one last searched to the end narrows the rows found without reading anything; any
 * other starts a new visit after a pause in typing, and the visit under way is abandoned.
 */
import { useEffect, useMemo, useState } from 'react';
import type { KeysetPages } from './use-keyset-pages.js';

/** Typing pause before a new visit of the list: every keystroke would otherwise read it again. */
const PAUSE_MS = 250;

export interface KeysetSearch<T> {
  /** The rows that match, in the list's order: so far while `searching`, then all of them. */
  readonly found: readonly T[];
  /** True until every page has been visited (or the visit stopped on a problem). */
  readonly searching: boolean;
  /** A page that could not be read again; the next page's problem is the list's own `error`. */
  readonly error: unknown;
}

interface Visit<T> {
  readonly scan: KeysetPages<T>['scan'];
  readonly needle: string;
  readonly rows: readonly T[];
  /** The visit has ended: `complete` when it reached the last page. */
  readonly done: boolean;
  readonly complete: boolean;
  readonly error?: unknown;
}

/**
 * The rows of `list` that `matches` the search text `needle`; undefined while `needle` is empty.
 * `matches` must be the same function from one render to the next (a module-level one).
 */
export function useKeysetSearch<T>(
  list: Pick<KeysetPages<T>, 'scan'>,
  needle: string,
  matches: (row: T, needle: string) => boolean,
): KeysetSearch<T> | undefined {
  const { scan } = list;
  const [visit, setVisit] = useState<Visit<T>>();
  // The last visit serves this search when it was of this list and for a text this one contains.
  const base = needle !== '' && visit?.scan === scan && needle.includes(visit.needle) ? visit : undefined;
  const narrowsOnly = base?.complete === true;

  useEffect(() => {
    if (needle === '') {
      setVisit(undefined);
      return;
    }
    if (narrowsOnly) return;
    const abort = new AbortController();
    const timer = setTimeout(() => {
      let rows: readonly T[] = [];
      setVisit({ scan, needle, rows, done: false, complete: false });
      scan((page, last) => {
        const hits = page.filter((row) => matches(row, needle));
        if (hits.length === 0 && !last) return;
        rows = rows.concat(hits);
        // The last page's matches and the end of the search are shown together.
        setVisit({ scan, needle, rows, done: last, complete: last });
      }, abort.signal).then(
        (complete) => {
          if (!abort.signal.aborted && !complete) setVisit({ scan, needle, rows, done: true, complete });
        },
        (error: unknown) => {
          if (!abort.signal.aborted) setVisit({ scan, needle, rows, done: true, complete: false, error });
        },
      );
    }, PAUSE_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [scan, needle, narrowsOnly, matches]);

  return useMemo(() => {
    if (needle === '') return undefined;
    if (base === undefined) return { found: [], searching: true, error: undefined };
    const found = base.needle === needle ? base.rows : base.rows.filter((row) => matches(row, needle));
    // Narrowing an unfinished visit: the visit for this text is still to come.
    const searching = !(base.done && (base.complete || base.needle === needle));
    return { found, searching, error: base.error };
  }, [needle, base, matches]);
}
