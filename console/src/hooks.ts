import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

/**
 * Loads now and again every `everyMs` while the page is open: the console is live without a reload. `reload`
 * resolves once the fresh data is shown.
 */
export function usePoll<T>(load: () => Promise<T>, everyMs: number, deps: unknown[] = []): { data: T | undefined; error: string | undefined; reload: () => Promise<void> } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(
    () =>
      loadRef.current().then(
        (d) => {
          setData(d);
          setError(undefined);
        },
        (e: Error) => setError(e.message),
      ),
    [],
  );
  useEffect(() => {
    void reload();
    const timer = everyMs > 0 ? setInterval(() => void reload(), everyMs) : undefined;
    return () => {
      if (timer) clearInterval(timer);
    };
  }, deps);
  return { data, error, reload };
}
