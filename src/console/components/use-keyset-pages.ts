/**
 * A list the admin API answers a keyset page at a time (`nextCursor`, absent on the last page):
 * the rows loaded so far, the next page on demand (a virtualised table asks as its end comes into
 * view), or every remaining page (a search that must see the whole list). A change of path or
 * query starts again from the first page; answers to an earlier query are dropped.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/client.js';
import { listOf } from '../api/shapes.js';

interface KeysetPage {
  readonly nextCursor?: string | null;
}

export interface KeysetPages<T> {
  readonly rows: readonly T[];
  /** True while pages remain after the loaded ones (and before the first has come). */
  readonly more: boolean;
  /** True while every remaining page is being read. */
  readonly loadingAll: boolean;
  readonly error: unknown;
  loadNext(): void;
  loadAll(): Promise<void>;
}

export function useKeysetPages<T>(options: {
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  /** The key of the rows in each answer (`entries`, `accounts`). */
  readonly listKey: string;
  /** The page-size parameter and its value (`limit`, `count`). */
  readonly sizeParam: string;
  readonly size: number;
}): KeysetPages<T> {
  const { path, listKey, sizeParam, size } = options;
  // The query by value: a caller's fresh object with the same filters is the same list.
  const queryText = JSON.stringify(options.query ?? {});
  const [rows, setRows] = useState<T[]>([]);
  // undefined: the first page is not in yet; null: no page after the loaded ones.
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<unknown>();
  const [loadingAll, setLoadingAll] = useState(false);
  const next = useRef<string | null | undefined>(undefined);
  const inFlight = useRef<Promise<void> | undefined>(undefined);
  const generation = useRef(0);

  /** Reads the page after the loaded ones, or joins the read already under way. */
  const fetchNext = useCallback(
    (gen: number): Promise<void> => {
      if (inFlight.current) return inFlight.current;
      const after = next.current;
      if (after === null) return Promise.resolve();
      const query = JSON.parse(queryText) as Record<string, string>;
      const read = (async () => {
        try {
          const page = await api.get<KeysetPage>(path, {
            query: { ...query, [sizeParam]: size, ...(after ? { cursor: after } : {}) },
          });
          if (gen !== generation.current) return;
          const items = listOf<T>(page, listKey);
          setRows((loaded) => (after ? [...loaded, ...items] : items));
          next.current = page.nextCursor ?? null;
          setCursor(next.current);
        } catch (caught) {
          if (gen !== generation.current) return;
          // Stop paging: the problem is shown, and scrolling must not retry it in a loop.
          next.current = null;
          setCursor(null);
          setError(caught);
        } finally {
          if (gen === generation.current) inFlight.current = undefined;
        }
      })();
      inFlight.current = read;
      return read;
    },
    [path, queryText, listKey, sizeParam, size],
  );

  useEffect(() => {
    generation.current++;
    next.current = undefined;
    inFlight.current = undefined;
    setRows([]);
    setCursor(undefined);
    setError(undefined);
    setLoadingAll(false);
    void fetchNext(generation.current);
  }, [fetchNext]);

  const loadNext = useCallback(() => {
    if (next.current) void fetchNext(generation.current);
  }, [fetchNext]);

  const loadAll = useCallback(async () => {
    const gen = generation.current;
    setLoadingAll(true);
    try {
      while (gen === generation.current && next.current !== null) await fetchNext(gen);
    } finally {
      if (gen === generation.current) setLoadingAll(false);
    }
  }, [fetchNext]);

  return { rows, more: cursor !== null, loadingAll, error, loadNext, loadAll };
}
