/**
 * Small helpers of the contest ops pages: Beijing wall-clock <-> UTC for the datetime inputs
 * (whatever the browser's zone), the cover upload, and a hook for a reloadable request.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../../shared/api';

/** Beijing wall clock <-> UTC for the datetime-local inputs (shared/time). */
export { uploadImage as uploadCover } from '../../common/upload';
export { toShanghaiInput as toLocalInput, fromShanghaiInput as fromLocalInput } from '../../../shared/time';

/** Run `fn` now and whenever `deps` change; `reload()` runs it again. Stale answers are dropped. */
export function useLoad<T>(fn: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const seq = useRef(0);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const run = useCallback(fn, deps);
  const reload = useCallback(async () => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const value = await run();
      if (mine === seq.current) {
        setData(value);
        setError(null);
      }
    } catch (err) {
      if (mine === seq.current) setError(errorMessage(err));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, [run]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, loading, reload, setData };
}

export const yuan = (fen: number | null | undefined) => (fen === null || fen === undefined ? '—' : `¥${(fen / 100).toFixed(2)}`);
