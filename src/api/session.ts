/**
 * Member session: sign-in with a WeChat login code, consent handling and a tiny observable store
 * the pages read through useSession().
 *
 * weapp: Taro.login() gives the code. h5 (dev preview / end-to-end tests): the local simulator
 * mints a code for a per-browser dev openid, so the same browser is always the same member.
 */
import Taro from '@tarojs/taro';
import { ApiError } from '@contracts/client';
import { CURRENT_PRIVACY_VERSION, getMe, memberLogin, memberLogout, type MemberProfile } from '@contracts/identity';
import { publicConfig } from '@contracts/system';
import { api, apiBase, clearToken, getToken, setToken, setUnauthenticatedHandler, taroTransport } from './client';
import { ROUTES } from './routes';
import { deviceId, storedShareToken } from './referral-touch';

export type SessionStatus =
  | 'idle' // nothing tried yet: pages start a sign-in
  | 'loading'
  | 'ready' // member signed in
  | 'needs-consent' // the server wants the privacy guide agreed first
  | 'declined' // the member said no: collect nothing, do not ask again this run
  | 'signed-out' // the member tapped 退出登录
  | 'error';

export interface SessionState {
  status: SessionStatus;
  member: MemberProfile | null;
  error: string | null;
}

let state: SessionState = { status: 'idle', member: null, error: null };
const listeners = new Set<(s: SessionState) => void>();

function setState(next: Partial<SessionState>): void {
  state = { ...state, ...next };
  listeners.forEach((fn) => fn(state));
}
export function getSessionState(): SessionState {
  return state;
}
export function subscribeSession(fn: (s: SessionState) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

setUnauthenticatedHandler(() => {
  if (state.status === 'ready') setState({ status: 'idle', member: null });
});

const DEV_OPENID_KEY = 'sim_dev_openid';

/** h5 only: a stable dev openid for this browser. */
export function getDevOpenid(): string {
  const storage = window.localStorage;
  let openid = storage.getItem(DEV_OPENID_KEY);
  if (!openid) {
    openid = `dev_h5_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
    storage.setItem(DEV_OPENID_KEY, openid);
  }
  return openid;
}

/** A one-time login code: wx.login in the mini-program, the simulator in the h5 preview. */
export async function getLoginCode(): Promise<string> {
  if (process.env.TARO_ENV === 'h5') {
    const config = await api.call(publicConfig);
    if (!config.simulator) {
      throw new ApiError(400, 'BAD_REQUEST', '网页版仅用于本地预览，请在微信小程序中登录');
    }
    const res = await taroTransport({
      method: 'POST',
      url: `${config.simulator.baseUrl}/__sim/wechat/codes`,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ openid: getDevOpenid() }),
    });
    const code = (res.data as { code?: unknown } | undefined)?.code;
    if (res.status !== 200 || typeof code !== 'string') {
      throw new ApiError(res.status || 502, 'UPSTREAM_UNAVAILABLE', '本地模拟器没有返回登录凭证');
    }
    return code;
  }
  const { code } = await Taro.login();
  if (!code) throw new ApiError(502, 'UPSTREAM_UNAVAILABLE', '微信登录失败，请稍后再试');
  return code;
}

function currentRoute(): string {
  try {
    const pages = Taro.getCurrentPages();
    return `/${pages[pages.length - 1]?.route ?? ''}`;
  } catch {
    return '';
  }
}

export function openConsent(): void {
  if (currentRoute() === ROUTES.consent) return;
  void Taro.navigateTo({ url: ROUTES.consent });
}

async function login(consentVersion?: string): Promise<MemberProfile> {
  const code = await getLoginCode();
  // referral touches ride along; the server reads them only when this login registers a new member
  const device = deviceId();
  const shareToken = storedShareToken();
  const body = { code, ...(consentVersion ? { consentVersion } : {}), ...(device ? { deviceId: device } : {}), ...(shareToken ? { shareToken } : {}) };
  const res = await api.call(memberLogin, { body });
  setToken(res.token);
  setState({ status: 'ready', member: res.member, error: null });
  return res.member;
}

let inflight: Promise<MemberProfile | null> | null = null;

/**
 * Sign in silently: reuse a stored token, otherwise log in with a fresh code. A new member
 * (CONSENT_REQUIRED) is sent to the privacy guide; nothing is stored about them until they agree.
 */
export function ensureLogin(): Promise<MemberProfile | null> {
  if (state.status === 'ready' && state.member) return Promise.resolve(state.member);
  if (inflight) return inflight;
  inflight = (async () => {
    setState({ status: 'loading', error: null });
    try {
      if (getToken()) {
        try {
          const member = await api.call(getMe);
          setState({ status: 'ready', member, error: null });
          return member;
        } catch (err) {
          // An expired or revoked token: fall through to a fresh login.
          if (!(err instanceof ApiError && err.status === 401)) throw err;
          clearToken();
        }
      }
      return await login();
    } catch (err) {
      // the member agreed (同意并继续 logged in) while this silent login was still out: its refusal is stale
      if (state.status === 'ready' && state.member && getToken()) return state.member;
      if (err instanceof ApiError && (err.code === 'CONSENT_REQUIRED' || err.code === 'ACCOUNT_DELETED')) {
        setState({ status: 'needs-consent', member: null, error: err.message });
        openConsent();
        return null;
      }
      setState({ status: 'error', member: null, error: err instanceof ApiError ? err.message : '登录失败，请稍后再试' });
      throw err;
    } finally {
      inflight = null;
    }
  })();
  return inflight;
}

/** 同意并继续: the login that records consent to the current 隐私保护指引 version. */
export async function agreeAndLogin(): Promise<MemberProfile> {
  setState({ status: 'loading', error: null });
  try {
    return await login(CURRENT_PRIVACY_VERSION);
  } catch (err) {
    setState({ status: 'needs-consent', error: err instanceof ApiError ? err.message : '登录失败，请稍后再试' });
    throw err;
  }
}

/** 不同意: forget any token and stay signed out for this run. */
export function declineConsent(): void {
  clearToken();
  setState({ status: 'declined', member: null, error: null });
}

export async function logout(): Promise<void> {
  try {
    if (getToken()) await api.call(memberLogout);
  } catch {
    // The session is dropped locally either way; the server expires it on its own.
  }
  clearToken();
  setState({ status: 'signed-out', member: null, error: null });
}

/** After 注销: the account is gone, so is the token; the next sign-in starts from consent. */
export function forgetSession(): void {
  clearToken();
  setState({ status: 'needs-consent', member: null, error: null });
}

export function updateMember(member: MemberProfile): void {
  setState({ member });
}

/** Tests only: back to a fresh start. */
export function resetSessionForTests(): void {
  inflight = null;
  state = { status: 'idle', member: null, error: null };
  listeners.clear();
}

export { apiBase };
