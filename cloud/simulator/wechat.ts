/**
 * api.weixin.qq.com stand-in: mini-program login (jscode2session).
 * Codes come from POST /__sim/wechat/codes (what wx.login would hand the mini-program).
 */
import { SimFace, SimRequest, badRequest, field, json } from './router';
import { SimState, randomHex, randomId } from './state';
import { wechatMpRoutes } from './wechat-mp';

export interface WechatFaceOptions {
  appId: string;
  appSecret: string;
}

/** wx.login codes expire after 5 minutes. */
export const WECHAT_CODE_TTL_MS = 5 * 60_000;

const ERRMSG: Record<number, string> = {
  [-1]: 'system error',
  40002: 'invalid grant_type',
  40013: 'invalid appid',
  40001: 'invalid credential, access_token is invalid or not latest',
  40003: 'invalid openid',
  40029: 'invalid code',
  40125: 'invalid appsecret',
  40163: 'code been used',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41001: 'access_token missing',
  41008: 'missing code',
  42001: 'access_token expired',
  45011: 'api minute-quota reach limit  mustslower  retry next minute',
};

/** Real errors look like {"errcode":40029,"errmsg":"invalid code, rid: 6571..."} */
export function wechatError(errcode: number, msg = ERRMSG[errcode] ?? 'error') {
  return { errcode, errmsg: `${msg}, rid: ${randomHex(8)}-${randomHex(8)}-${randomHex(8)}` };
}

interface LoginCode {
  openid: string;
  createdAt: number;
  used: boolean;
}

export function wechatFace(state: SimState, opts: WechatFaceOptions): SimFace {
  /** openid -> unionid (null: the mini-program has no open-platform binding for this user). */
  let members = new Map<string, string | null>();
  let codes = new Map<string, LoginCode>();

  function jscode2session(req: SimRequest) {
    const q = req.query;
    const appid = q.get('appid');
    const secret = q.get('secret');
    const code = q.get('js_code');
    if (!appid) return json(wechatError(41002));
    if (appid !== opts.appId) return json(wechatError(40013));
    if (!secret) return json(wechatError(41004));
    if (secret !== opts.appSecret) return json(wechatError(40125));
    if (q.get('grant_type') !== 'authorization_code') return json(wechatError(40002));
    if (!code) return json(wechatError(41008));
    const entry = codes.get(code);
    if (!entry) return json(wechatError(40029));
    if (entry.used) return json(wechatError(40163));
    if (state.now() - entry.createdAt > WECHAT_CODE_TTL_MS) return json(wechatError(40029));
    entry.used = true;
    const unionid = members.get(entry.openid);
    // Success bodies carry no errcode, like the real API.
    return json({
      session_key: randomId(22) + '==',
      openid: entry.openid,
      ...(unionid ? { unionid } : {}),
    });
  }

  function newCode(req: SimRequest) {
    const openidIn = field(req.body, 'openid');
    const unionidIn = field(req.body, 'unionid');
    if (openidIn !== undefined && (typeof openidIn !== 'string' || !openidIn)) return badRequest('openid must be a non-empty string');
    if (unionidIn !== undefined && unionidIn !== null && (typeof unionidIn !== 'string' || !unionidIn)) {
      return badRequest('unionid must be a non-empty string or null');
    }
    const openid = (openidIn as string | undefined) ?? 'o' + randomId(27);
    let unionid: string | null;
    if (unionidIn !== undefined) unionid = unionidIn as string | null;
    else if (members.has(openid))
      unionid = members.get(openid)!; // same openid => same member
    else unionid = 'o' + randomId(27);
    members.set(openid, unionid);
    const code = randomHex(32);
    codes.set(code, { openid, createdAt: state.now(), used: false });
    return json({ code, openid, unionid });
  }

  const mp = wechatMpRoutes(state, opts, (errcode, msg) => wechatError(errcode, msg));

  return {
    name: 'wechat',
    prefix: '/wechat',
    routes: [{ method: 'GET', path: '/sns/jscode2session', handle: jscode2session }, ...mp.routes],
    control: [{ method: 'POST', path: '/codes', handle: newCode }, ...mp.control],
    faultBody: (errcode) => wechatError(errcode),
    reset() {
      members = new Map();
      codes = new Map();
      mp.reset();
    },
  };
}
