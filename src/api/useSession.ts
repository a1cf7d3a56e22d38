import { useEffect, useState } from 'react';
import { ensureLogin, getSessionState, subscribeSession, type SessionState } from './session';

/**
 * The current session for a page. With `autoLogin`, a page shown while nobody is signed in starts
 * the silent sign-in (not after 不同意 or 退出登录: the member decides when to come back).
 */
export function useSession(options: { autoLogin?: boolean } = {}): SessionState {
  const [session, setSession] = useState<SessionState>(getSessionState);
  useEffect(() => {
    const unsubscribe = subscribeSession(setSession);
    setSession(getSessionState());
    if (options.autoLogin && getSessionState().status === 'idle') {
      // Errors are already in the session state (shown by the page).
      ensureLogin().catch(() => undefined);
    }
    return unsubscribe;
  }, [options.autoLogin]);
  return session;
}
