/**
 * Load something from the API whenever `deps` change: data, loading and a readable error. An
 * answer that arrives after the inputs changed again (or after unmount) is dropped, so a slow
 * page 1 never overwrites page 2. The previous data stays shown while the next load runs.
 */
import { useEffect, useState, type DependencyList } from 'react';
import { errorMessage } from '../../shared/api';

export interface Loaded<T> {
  data: T | null;
  loading: boolean;
  error: string | null;
}

export function useLoaded<T>(load: () => Promise<T>, deps: DependencyList): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    load().then(
      (res) => {
        if (!live) return;
        setData(res);
        setLoading(false);
      },
      (err) => {
        if (!live) return;
        setError(errorMessage(err));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
    // the caller names what the load depends on, as with useEffect
  }, deps);

  return { data, loading, error };
}
