/**
 * Staff session for the ops page: token in sessionStorage (this tab only, gone when it closes; not
 * readable by other tabs of the origin, e.g. the member H5, and never sent automatically, so no
 * CSRF surface as a cookie would have), profile from identity.staffMe. Any 401 from any call drops the session, and the router
 * guard sends the user back to the login screen.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import * as identity from '../../contracts/identity';
import { makeClient, tokenStore, type ApiClient, type ApiError } from '../shared/api';

type StaffProfile = identity.StaffProfile;

export type AuthState =
  { status: 'checking' } | { status: 'anonymous'; notice?: string } | { status: 'failed'; message: string } | { status: 'signedIn'; staff: StaffProfile };

interface AuthContextValue {
  state: AuthState;
  api: ApiClient;
  login(username: string, password: string): Promise<StaffProfile>;
  logout(): Promise<void>;
  retry(): void;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export const TOKEN_KEY = 'hub.admin.token';

export function AuthProvider({ children }: { children: ReactNode }) {
  const tokens = useMemo(() => tokenStore(window.sessionStorage, TOKEN_KEY), []);
  const [state, setState] = useState<AuthState>(() => (tokens.get() ? { status: 'checking' } : { status: 'anonymous' }));
  const signedIn = useRef(false);
  signedIn.current = state.status === 'signedIn';

  const api = useMemo(
    () =>
      makeClient(tokens, (err: ApiError) => {
        tokens.clear();
        // A wrong password on the login form is also a 401; only an existing session "expires".
        if (signedIn.current) setState({ status: 'anonymous', notice: err.message });
      }),
    [tokens],
  );

  const loadMe = useCallback(() => {
    if (!tokens.get()) {
      setState({ status: 'anonymous' });
      return;
    }
    setState({ status: 'checking' });
    api.call(identity.staffMe).then(
      (staff) => setState({ status: 'signedIn', staff }),
      (err: ApiError) => {
        if (err.status === 401) setState({ status: 'anonymous' });
        else setState({ status: 'failed', message: err.message });
      },
    );
  }, [api, tokens]);

  useEffect(loadMe, [loadMe]);

  const login = useCallback(
    async (username: string, password: string) => {
      const res = await api.call(identity.staffLogin, { body: { username, password } });
      tokens.set(res.token);
      // staffMe is the source of truth for sections; the login answer carries the same profile.
      const staff = await api.call(identity.staffMe);
      setState({ status: 'signedIn', staff });
      return staff;
    },
    [api, tokens],
  );

  const logout = useCallback(async () => {
    try {
      await api.call(identity.staffLogout);
    } catch {
      // The local session ends either way; a failed server call must not keep the user signed in.
    }
    tokens.clear();
    setState({ status: 'anonymous' });
  }, [api, tokens]);

  const value = useMemo(() => ({ state, api, login, logout, retry: loadMe }), [state, api, login, logout, loadMe]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** For pages rendered inside the signed-in layout. */
export function useStaff(): StaffProfile {
  const { state } = useAuth();
  if (state.status !== 'signedIn') throw new Error('useStaff without a session');
  return state.staff;
}
