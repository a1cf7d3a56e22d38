import { type DependencyList, type Dispatch, type SetStateAction, useCallback, useEffect, useRef, useState } from 'react';
import { useDidShow } from '@tarojs/taro';
import { errorMessage } from './errors';

/** What a page loads from the server: the value, the load error in Chinese, and a reload. */
export interface Remote<T> {
  data: T | null;
  error: string | null;
  /** A load is under way (the first one, a retry or a refresh). */
  loading: boolean;
  reload: () => Promise<void>;
  /** Replace the value after a local change (an action's answer), without a round trip. */
  setData: Dispatch<SetStateAction<T | null>>;
}

export interface RemoteOptions {
  /** Nothing is fetched while false (no id in the page URL, nobody signed in yet). */
  enabled?: boolean;
  /**
   * Loads happen when the page mounts and when `deps` (or `enabled`) change; with `everyShow`
   * also each time the page is shown again (back from a page that may have changed the data).
   */
  everyShow?: boolean;
  /** The member's text for a failure (default: the server's Chinese message, see api/errors.ts). */
  errorText?: (err: unknown) => string;
}

/**
 * The one loading hook of the mini-program; `RemoteFrame` (components/RemoteFrame) shows its
 * loading / error with 重试 / empty states. A failed reload keeps the value already shown, and an
 * answer that arrives after a newer load started is dropped (switching tabs fast).
 */
export function useRemote<T>(fetcher: () => Promise<T>, deps: DependencyList, options: RemoteOptions = {}): Remote<T> {
  const { enabled = true, everyShow = false, errorText = errorMessage } = options;
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const latest = useRef(0);

  const reload = useCallback(async () => {
    const mine = ++latest.current;
    setError(null);
    setLoading(true);
    try {
      const value = await fetcher();
      if (mine === latest.current) setData(value);
    } catch (err) {
      if (mine === latest.current) setError(errorText(err));
    } finally {
      if (mine === latest.current) setLoading(false);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller names what the fetch depends on
  }, deps);

  useEffect(() => {
    if (enabled) void reload();
  }, [enabled, reload]);
  // The first show is the mount's load above.
  const shown = useRef(false);
  useDidShow(() => {
    const again = shown.current;
    shown.current = true;
    if (everyShow && again && enabled) void reload();
  });

  return { data, error, loading, reload, setData };
}
