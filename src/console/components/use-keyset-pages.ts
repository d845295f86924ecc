/**
 * A list the admin API answers a keyset page at a time (`nextCursor`, absent on the last page), as
 * a `KeysetWindow` (keyset-window.ts): the row count read so far, each row by its index, the next
 * page on demand (the virtualised table says which rows are in view, and the next page is read as
 * the end comes into view). With `keepPages`, only the pages around the view hold their rows; far
 * ones are read again when the view comes back. A change of path or query (a filter, a search the
 * API answers) starts again from the first page; answers to an earlier query are dropped.
 */
import { useCallback, useEffect, useMemo, useSyncExternalStore } from 'react';
import { api } from '../api/client.js';
import { listOf } from '../api/shapes.js';
import { KeysetWindow, type ReadPage } from './keyset-window.js';

interface KeysetPage {
  readonly nextCursor?: string | null;
}

export interface KeysetPages<T> {
  /** The rows read so far, pages given up included (the table's length). */
  readonly count: number;
  /** The row at an index: undefined while its page is being read, null if it left the list. */
  readonly rowAt: (index: number) => T | null | undefined;
  /** True when the row at an index is missing because its page could not be read. */
  readonly failedAt: (index: number) => boolean;
  /** True while pages remain after the loaded ones (and before the first has come). */
  readonly more: boolean;
  readonly error: unknown;
  /** Changes whenever anything above does. */
  readonly version: number;
  /** The rows in view, [first, end): reads what they need, and the next page near the end. */
  show(first: number, end: number): void;
  loadNext(): void;
}

export function useKeysetPages<T>(options: {
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  /** The key of the rows in each answer (`entries`, `accounts`). */
  readonly listKey: string;
  /** The page-size parameter and its value (`limit`, `count`). */
  readonly sizeParam: string;
  readonly size: number;
  /** Pages held on each side of the view; undefined: every page read is held. */
  readonly keepPages?: number;
}): KeysetPages<T> {
  const { path, listKey, sizeParam, size, keepPages } = options;
  // The query by value: a caller's fresh object with the same filters is the same list.
  const queryText = JSON.stringify(options.query ?? {});
  const list = useMemo(() => {
    const query = JSON.parse(queryText) as Record<string, string>;
    const read: ReadPage<T> = async (after, signal) => {
      const page = await api.get<KeysetPage>(path, {
        query: { ...query, [sizeParam]: size, ...(after ? { cursor: after } : {}) },
        signal,
      });
      return { items: listOf<T>(page, listKey), next: page.nextCursor ?? null };
    };
    return new KeysetWindow<T>(read, keepPages !== undefined ? { keepPages } : {});
  }, [path, queryText, listKey, sizeParam, size, keepPages]);

  useEffect(() => {
    list.open();
    return () => list.close();
  }, [list]);

  const subscribe = useCallback((listener: () => void) => list.subscribe(listener), [list]);
  const version = useSyncExternalStore(subscribe, () => list.version);

  // The actions are the same functions for the whole list (a table's effects depend on them)...
  const actions = useMemo(
    () => ({
      show: (first: number, end: number) => list.show(first, end),
      loadNext: () => void list.loadNext(),
    }),
    [list],
  );
  // ...and the readers are new with each change, so memoised tables over them render what arrived.
  return useMemo(
    () => ({
      ...actions,
      count: list.count,
      rowAt: (index: number) => list.rowAt(index),
      failedAt: (index: number) => list.failedAt(index),
      more: list.more,
      error: list.error,
      version,
    }),
    [list, actions, version],
  );
}
