/** Loads one API resource for a page, with reload, and cancels a load the page no longer needs. */
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client.js';

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  reload(): void;
}

export function useApi<T>(
  path: string | undefined,
  query?: Record<string, string | number | undefined>,
): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: path !== undefined,
  });
  const [tick, setTick] = useState(0);
  const key = JSON.stringify(query ?? {});
  useEffect(() => {
    if (path === undefined) return;
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    api
      .get<T>(path, { signal: controller.signal, ...(query ? { query } : {}) })
      .then((data) => setState({ data, error: undefined, loading: false }))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setState((s) => ({ data: s.data, error, loading: false }));
      });
    return () => controller.abort();
  }, [path, key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/** Runs one action (a button), keeping its error and whether it is running. */
export function useAction<A extends unknown[], R>(run: (...args: A) => Promise<R>) {
  const [state, setState] = useState<{ busy: boolean; error: unknown; result: R | undefined }>({
    busy: false,
    error: undefined,
    result: undefined,
  });
  const go = useCallback(
    async (...args: A): Promise<R | undefined> => {
      setState((s) => ({ ...s, busy: true, error: undefined }));
      try {
        const result = await run(...args);
        setState({ busy: false, error: undefined, result });
        return result;
      } catch (error) {
        setState({ busy: false, error, result: undefined });
        return undefined;
      }
    },
    [run],
  );
  return { ...state, run: go };
}
