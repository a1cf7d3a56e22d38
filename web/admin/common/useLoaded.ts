/**
 * Load something from the API whenever `deps` change: data, loading and a readable error. An
 * answer that arrives after the inputs changed again (or after unmount) is dropped, so a slow
 * page 1 never overwrites page 2. The previous data stays shown while the next load runs.
 * Each load counts as the screen's content loading until its answer is committed (see
 * first-content.ts: what a screen defers loads after that).
 */
import { useEffect, useRef, useState, type DependencyList } from 'react';
import { errorMessage } from '../../shared/api';
import { screenLoadStarted } from './first-content';

export interface Loaded<T> {
  data: T | null;
  loading: boolean;
  error: string | null;
  /** The error as thrown, for callers that branch on it (a 403 shows a no-access page). */
  cause: unknown;
}

export function useLoaded<T>(load: () => Promise<T>, deps: DependencyList): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [cause, setCause] = useState<unknown>(null);
  // the load whose answer is being rendered: done once that render is committed (effect below)
  const answered = useRef<{ done(): void } | null>(null);
  const [answers, setAnswers] = useState(0);

  useEffect(() => {
    let live = true;
    const started = screenLoadStarted();
    setLoading(true);
    setError(null);
    setCause(null);
    load().then(
      (res) => {
        if (!live) return;
        answered.current = started;
        setAnswers((n) => n + 1);
        setData(res);
        setLoading(false);
      },
      (err) => {
        if (!live) return;
        answered.current = started;
        setAnswers((n) => n + 1);
        setError(errorMessage(err));
        setCause(err);
        setLoading(false);
      },
    );
    return () => {
      live = false;
      started.done();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller names what the load depends on, as with useEffect
  }, deps);

  useEffect(() => {
    answered.current?.done();
    answered.current = null;
  }, [answers]);

  return { data, loading, error, cause };
}
