/**
 * qyapi.weixin.qq.com stand-in: tokens, OAuth for the sidebar, JS-SDK tickets.
 *
 * Every API except gettoken validates access_token like the real host (41001 missing,
 * 40014 invalid, 42001 expired). More WeCom APIs (external contacts, tags, welcome messages)
 * are added as further `WecomRoutes` modules that use `WecomSim.auth` and `wecomError`.
 */
import { SimFace, SimRequest, SimResult, SimRoute, badRequest, field, json } from './router';
import { SimState, randomHex, randomId } from './state';

export interface WecomFaceOptions {
  corpId: string;
  contactSecret: string;
  agentId: string;
  agentSecret: string;
}

export type WecomApp = 'contact' | 'agent';

export const WECOM_TOKEN_TTL_SEC = 7200;
export const WECOM_TICKET_TTL_SEC = 7200;
export const WECOM_OAUTH_CODE_TTL_MS = 5 * 60_000;

const ERRMSG: Record<number, string> = {
  [-1]: 'system busy',
  40001: 'invalid secret',
  40013: 'invalid corpid',
  40014: 'invalid access_token',
  40029: 'invalid code',
  40058: 'invalid parameter',
  41001: 'access_token missing',
  41002: 'corpid missing',
  41004: 'corpsecret missing',
  41008: 'missing code',
  42001: 'access_token expired',
  45009: 'api freq out of limit',
  45033: 'api concurrent out of limit',
  48002: 'api forbidden',
  60020: 'not allow to access from your ip',
};

/** Real errors look like {"errcode":40014,"errmsg":"invalid access_token, hint: [...], from ip: ..., more info at ..."} */
export function wecomError(errcode: number, msg = ERRMSG[errcode] ?? 'error') {
  const hint = `${Math.floor(Date.now() / 1000)}-${randomHex(8)}-${randomHex(8)}`;
  return {
    errcode,
    errmsg: `${msg}, hint: [${hint}], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e=${errcode}`,
  };
}

interface TokenInfo {
  app: WecomApp;
  expiresAt: number;
}

interface Ticket {
  value: string;
  expiresAt: number;
}

interface OAuthCode {
  userid?: string;
  openid?: string;
  externalUserId?: string;
  createdAt: number;
  used: boolean;
}

/** A module contributing more WeCom API and control routes (paths relative to /wecom and /__sim/wecom). */
export interface WecomRoutes {
  routes: SimRoute[];
  control?: SimRoute[];
  reset?(): void;
}

export class WecomSim {
  tokens = new Map<string, TokenInfo>();
  current = new Map<WecomApp, string>();
  jsapiTicket?: Ticket;
  agentTicket?: Ticket;
  oauthCodes = new Map<string, OAuthCode>();

  constructor(
    readonly state: SimState,
    readonly opts: WecomFaceOptions,
  ) {}

  /**
   * Validates the request's access_token. Returns the app it belongs to, or the error answer.
   * `apps` limits which app's token the API accepts (48002 otherwise).
   */
  auth(req: SimRequest, apps?: WecomApp[]): { app: WecomApp } | { error: SimResult } {
    const token = req.query.get('access_token');
    if (!token) return { error: json(wecomError(41001)) };
    const info = this.tokens.get(token);
    if (!info) return { error: json(wecomError(40014)) };
    if (this.state.now() >= info.expiresAt) return { error: json(wecomError(42001)) };
    if (apps && !apps.includes(info.app)) return { error: json(wecomError(48002)) };
    return { app: info.app };
  }

  /** Makes every issued token answer 42001 from now on. */
  expireTokens(): number {
    const t = this.state.now();
    let n = 0;
    for (const info of this.tokens.values()) {
      if (info.expiresAt > t) {
        info.expiresAt = t;
        n++;
      }
    }
    return n;
  }

  reset(): void {
    this.tokens = new Map();
    this.current = new Map();
    this.jsapiTicket = undefined;
    this.agentTicket = undefined;
    this.oauthCodes = new Map();
  }

  private gettoken(req: SimRequest): SimResult {
    const corpid = req.query.get('corpid');
    const secret = req.query.get('corpsecret');
    if (!corpid) return json(wecomError(41002));
    if (corpid !== this.opts.corpId) return json(wecomError(40013));
    if (!secret) return json(wecomError(41004));
    const app: WecomApp | undefined = secret === this.opts.contactSecret ? 'contact' : secret === this.opts.agentSecret ? 'agent' : undefined;
    if (!app) return json(wecomError(40001));
    const now = this.state.now();
    // Within its validity the same token is returned again, like the real host.
    let token = this.current.get(app);
    let info = token ? this.tokens.get(token) : undefined;
    if (!token || !info || info.expiresAt <= now) {
      token = randomId(64);
      info = { app, expiresAt: now + WECOM_TOKEN_TTL_SEC * 1000 };
      this.tokens.set(token, info);
      this.current.set(app, token);
    }
    return json({
      errcode: 0,
      errmsg: 'ok',
      access_token: token,
      expires_in: Math.ceil((info.expiresAt - now) / 1000),
    });
  }

  private ticketAnswer(t: Ticket): SimResult {
    return json({ errcode: 0, errmsg: 'ok', ticket: t.value, expires_in: Math.ceil((t.expiresAt - this.state.now()) / 1000) });
  }

  private freshTicket(t: Ticket | undefined): Ticket {
    const now = this.state.now();
    if (t && t.expiresAt > now) return t;
    return { value: randomId(86), expiresAt: now + WECOM_TICKET_TTL_SEC * 1000 };
  }

  private getJsapiTicket(req: SimRequest): SimResult {
    const a = this.auth(req);
    if ('error' in a) return a.error;
    this.jsapiTicket = this.freshTicket(this.jsapiTicket);
    return this.ticketAnswer(this.jsapiTicket);
  }

  private getAgentTicket(req: SimRequest): SimResult {
    const a = this.auth(req, ['agent']);
    if ('error' in a) return a.error;
    if (req.query.get('type') !== 'agent_config') return json(wecomError(40058, 'invalid type'));
    this.agentTicket = this.freshTicket(this.agentTicket);
    return this.ticketAnswer(this.agentTicket);
  }

  private getUserInfo(req: SimRequest): SimResult {
    const a = this.auth(req, ['agent']);
    if ('error' in a) return a.error;
    const code = req.query.get('code');
    if (!code) return json(wecomError(41008));
    const entry = this.oauthCodes.get(code);
    if (!entry || entry.used || this.state.now() - entry.createdAt > WECOM_OAUTH_CODE_TTL_MS) {
      return json(wecomError(40029));
    }
    entry.used = true;
    if (entry.userid) return json({ errcode: 0, errmsg: 'ok', userid: entry.userid });
    // Someone outside the corp: WeCom answers openid (and external_userid if they are a customer).
    return json({
      errcode: 0,
      errmsg: 'ok',
      openid: entry.openid,
      ...(entry.externalUserId ? { external_userid: entry.externalUserId } : {}),
    });
  }

  private newOAuthCode(req: SimRequest): SimResult {
    const userid = field(req.body, 'userid');
    const openid = field(req.body, 'openid');
    const externalUserId = field(req.body, 'external_userid');
    const isStr = (v: unknown) => typeof v === 'string' && v.length > 0;
    if (userid !== undefined && !isStr(userid)) return badRequest('userid must be a non-empty string');
    if (userid === undefined && !isStr(openid)) return badRequest('give userid (corp member) or openid (non-member)');
    if (externalUserId !== undefined && !isStr(externalUserId)) return badRequest('external_userid must be a non-empty string');
    const code = randomHex(32);
    this.oauthCodes.set(code, {
      userid: userid as string | undefined,
      openid: userid === undefined ? (openid as string) : undefined,
      externalUserId: externalUserId as string | undefined,
      createdAt: this.state.now(),
      used: false,
    });
    return json({ code });
  }

  coreRoutes(): WecomRoutes {
    return {
      routes: [
        { method: 'GET', path: '/cgi-bin/gettoken', handle: (r) => this.gettoken(r) },
        { method: 'GET', path: '/cgi-bin/get_jsapi_ticket', handle: (r) => this.getJsapiTicket(r) },
        { method: 'GET', path: '/cgi-bin/ticket/get', handle: (r) => this.getAgentTicket(r) },
        { method: 'GET', path: '/cgi-bin/auth/getuserinfo', handle: (r) => this.getUserInfo(r) },
      ],
      control: [
        { method: 'POST', path: '/oauth-codes', handle: (r) => this.newOAuthCode(r) },
        { method: 'POST', path: '/expire-tokens', handle: () => json({ expired: this.expireTokens() }) },
        {
          method: 'GET',
          path: '/tickets',
          handle: () => json({ jsapi: this.jsapiTicket?.value ?? null, agentConfig: this.agentTicket?.value ?? null }),
        },
      ],
    };
  }
}

/** Later modules (external contacts, callbacks) are passed in `extra` and share the WecomSim state. */
export function wecomFace(state: SimState, opts: WecomFaceOptions, extra: Array<(sim: WecomSim) => WecomRoutes> = []): SimFace {
  const sim = new WecomSim(state, opts);
  const modules = [sim.coreRoutes(), ...extra.map((m) => m(sim))];
  return {
    name: 'wecom',
    prefix: '/wecom',
    routes: modules.flatMap((m) => m.routes),
    control: modules.flatMap((m) => m.control ?? []),
    faultBody: (errcode) => wecomError(errcode),
    reset() {
      sim.reset();
      for (const m of modules) m.reset?.();
    },
  };
}
