// Loads data for a view and exposes `isLoading`, which Raycast reads to keep a command alive (menu bar: until false).
import { useCallback, useEffect, useState } from "react";

export interface Loaded<T> {
  data?: T;
  error?: Error;
  isLoading: boolean;
  reload: () => void;
}

/** Runs `load` on mount and whenever `key` changes or `reload()` is called; stale results are dropped. */
export function useLoad<T>(load: () => Promise<T>, key = ""): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; isLoading: boolean }>({ isLoading: true });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, isLoading: true }));
    load().then(
      (data) => current && setState({ data, isLoading: false }),
      (error: unknown) =>
        current && setState({ error: error instanceof Error ? error : new Error(String(error)), isLoading: false }),
    );
    return () => {
      current = false;
    };
    // `load` is a fresh closure every render; `key` and `generation` say when its inputs really changed.
  }, [key, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}
