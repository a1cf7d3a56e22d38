/**
 * How the sidebar gets a staff session and the external contact it is looking at.
 *
 *  - WeCom: the sidebar URL is opened after the OAuth redirect with ?code=…&state=…; the code is
 *    exchanged once (identity.wecomLogin) and the session token kept in sessionStorage for this
 *    webview. `state` is a random value this tab stored before it left for OAuth: a code arriving
 *    with any other state (a link someone planted to sign this browser in as them) is not used.
 *  - Dev (the server reports a simulator): ?dev_userid=<wecom userid> mints a code at the simulator
 *    and logs in through the very same wecomLogin call; ?dev_external_userid= stands in for the
 *    WeCom client's getCurExternalContact.
 */
import * as identity from '../../contracts/identity';
import * as system from '../../contracts/system';
import type { RouteResponse } from '../../contracts/route';
import { ApiError, type ApiClient, type TokenStore } from '../shared/api';

export type PublicConfig = RouteResponse<typeof system.publicConfig>;
/**
 * The mini-program the 「发送小程序卡片」 button opens. Not part of the publicConfig contract yet;
 * until the server sends `miniprogram.appId` the button explains that it is not configured.
 */
export type SidebarConfig = PublicConfig & { miniprogram?: { appId: string } | null };

export type LoginOutcome =
  { kind: 'signedIn'; staff: identity.StaffProfile } | { kind: 'needsWecom'; oauthUrl: string | null; autoRedirect: boolean; devHint: boolean };

const LAST_LOGIN_KEY = 'hub.sidebar.lastLogin';
const OAUTH_STATE_KEY = 'hub.sidebar.oauthState';

/** A fresh random state for one OAuth round trip, remembered in this tab's sessionStorage. */
export function newOAuthState(storage: Storage): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  const state = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  try {
    storage.setItem(OAUTH_STATE_KEY, state);
  } catch {
    /* no storage: the code cannot be matched and is refused */
  }
  return state;
}

/** True when `state` is the one this tab sent; the stored value is spent either way. */
export function takeOAuthState(storage: Storage, state: string | null): boolean {
  let expected: string | null = null;
  try {
    expected = storage.getItem(OAUTH_STATE_KEY);
    storage.removeItem(OAUTH_STATE_KEY);
  } catch {
    expected = null;
  }
  return !!state && !!expected && state === expected;
}

/** Where WeCom should send the browser back to: this page, minus the spent OAuth parameters. */
export function oauthReturnUrl(href: string): string {
  const url = new URL(href);
  url.searchParams.delete('code');
  url.searchParams.delete('state');
  url.hash = '';
  return url.toString();
}

export function oauthUrl(corpId: string, agentId: string, href: string, state: string): string {
  const q = [
    `appid=${encodeURIComponent(corpId)}`,
    `redirect_uri=${encodeURIComponent(oauthReturnUrl(href))}`,
    'response_type=code',
    'scope=snsapi_base',
    `state=${encodeURIComponent(state)}`,
    `agentid=${encodeURIComponent(agentId)}`,
  ];
  return `https://open.weixin.qq.com/connect/oauth2/authorize?${q.join('&')}#wechat_redirect`;
}

/** Dev only: the simulator hands out an OAuth code for a WeCom userid, as WeCom would after the redirect. */
export async function mintSimulatorCode(simulatorBaseUrl: string, userid: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(`${simulatorBaseUrl.replace(/\/$/, '')}/__sim/wecom/oauth-codes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userid }),
    });
  } catch {
    throw new Error('无法连接本地模拟器，请确认开发服务已启动');
  }
  const data = (await res.json().catch(() => null)) as { code?: unknown } | null;
  if (!res.ok || typeof data?.code !== 'string') throw new Error(`模拟器未能生成授权码（HTTP ${res.status}）`);
  return data.code;
}

interface LoginDeps {
  api: ApiClient;
  tokens: TokenStore;
  config: PublicConfig;
  href: string;
  storage: Storage;
  inWecom: boolean;
}

export async function signIn({ api, tokens, config, href, storage, inWecom }: LoginDeps): Promise<LoginOutcome> {
  const params = new URL(href).searchParams;
  const dev = config.simulator !== null;
  const state = params.get('state');
  const returned = params.get('code');
  let code: string | null = null;
  if (returned) {
    const loginKey = `code:${returned}`;
    let spent = false;
    try {
      spent = storage.getItem(LAST_LOGIN_KEY) === loginKey;
    } catch {
      spent = false;
    }
    // a reload of the page this tab already signed in with keeps its session; a new code needs our state
    if (!spent && takeOAuthState(storage, state)) code = returned;
  }
  const devUserId = dev ? params.get('dev_userid') : null;
  // A code works once: remember which one this tab already spent so a reload reuses the session.
  const loginKey = code ? `code:${code}` : devUserId ? `dev:${devUserId}` : null;
  let last: string | null = null;
  try {
    last = storage.getItem(LAST_LOGIN_KEY);
  } catch {
    /* no storage: log in every time */
  }

  if (loginKey && loginKey !== last) {
    const oauthCode = code ?? (await mintSimulatorCode(config.simulator!.baseUrl, devUserId!));
    const res = await api.call(identity.wecomLogin, { body: { code: oauthCode } });
    tokens.set(res.token);
    try {
      storage.setItem(LAST_LOGIN_KEY, loginKey);
    } catch {
      /* see above */
    }
    return { kind: 'signedIn', staff: res.staff };
  }

  if (tokens.get()) {
    try {
      return { kind: 'signedIn', staff: await api.call(identity.staffMe) };
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) throw err;
      tokens.clear();
    }
  }

  // a state in the URL means we already came back from OAuth once: never bounce in a loop
  const cameBack = state !== null;
  return {
    kind: 'needsWecom',
    oauthUrl: dev ? null : oauthUrl(config.wecom.corpId, config.wecom.agentId, href, newOAuthState(storage)),
    autoRedirect: !dev && inWecom && !cameBack,
    devHint: dev,
  };
}
