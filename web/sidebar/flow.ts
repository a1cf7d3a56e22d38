/**
 * How the sidebar gets a staff session and the external contact it is looking at.
 *
 *  - WeCom: the sidebar URL is opened after the OAuth redirect with ?code=…; the code is exchanged
 *    once (identity.wecomLogin) and the session token kept in sessionStorage for this webview.
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
  | { kind: 'signedIn'; staff: identity.StaffProfile }
  | { kind: 'needsWecom'; oauthUrl: string | null; autoRedirect: boolean; devHint: boolean };

const LAST_LOGIN_KEY = 'hub.sidebar.lastLogin';

/** Where WeCom should send the browser back to: this page, minus the spent OAuth parameters. */
export function oauthReturnUrl(href: string): string {
  const url = new URL(href);
  url.searchParams.delete('code');
  url.searchParams.delete('state');
  url.hash = '';
  return url.toString();
}

export function oauthUrl(corpId: string, agentId: string, href: string): string {
  const q = [
    `appid=${encodeURIComponent(corpId)}`,
    `redirect_uri=${encodeURIComponent(oauthReturnUrl(href))}`,
    'response_type=code',
    'scope=snsapi_base',
    'state=sidebar',
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
  const code = params.get('code');
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

  // state=sidebar means we already came back from OAuth once: never bounce in a loop.
  const cameBack = params.get('state') === 'sidebar';
  return {
    kind: 'needsWecom',
    oauthUrl: dev ? null : oauthUrl(config.wecom.corpId, config.wecom.agentId, href),
    autoRedirect: !dev && inWecom && !cameBack,
    devHint: dev,
  };
}
