/**
 * The outside world, behind small interfaces with one real HTTP implementation each.
 * Dev and tests point the same implementations at the local simulator (cloud/simulator).
 * Provider names are what services @Inject by.
 */

/** Error from WeChat/WeCom carrying the platform's errcode (e.g. 40029, 40163, 42001, 45009). */
export class PlatformError extends Error {
  constructor(
    public readonly platform: 'wechat' | 'wecom' | 'pay',
    public readonly api: string,
    public readonly errcode: number,
    public readonly errmsg: string,
  ) {
    super(`${platform} ${api} failed: ${errcode} ${errmsg}`);
    this.name = 'PlatformError';
  }
}

export interface Code2SessionResult {
  openid: string;
  unionid?: string;
  /** Never leaves the server. */
  sessionKey: string;
}

/** WeChat mini-program server API (api.weixin.qq.com). */
export interface WechatClient {
  /** GET /sns/jscode2session. Throws PlatformError (40029 bad code, 40163 code used). */
  code2Session(code: string): Promise<Code2SessionResult>;
}
export const WECHAT_CLIENT = 'wechatClient';

export interface WecomJsapiSignature {
  timestamp: number;
  nonceStr: string;
  signature: string;
}

/** WeCom server API (qyapi.weixin.qq.com). Tokens are cached in the database, shared by instances. */
export interface WecomClient {
  /** GET /cgi-bin/auth/getuserinfo with the agent token: OAuth code -> member userid (staff). */
  getUserIdByOAuthCode(code: string): Promise<{ userid: string }>;
  /** Signature for ww.register's getConfigSignature (jsapi_ticket of the corp). */
  signCorpJsapi(url: string): Promise<WecomJsapiSignature>;
  /** Signature for ww.register's getAgentConfigSignature (ticket type agent_config). */
  signAgentJsapi(url: string): Promise<WecomJsapiSignature>;
}
export const WECOM_CLIENT = 'wecomClient';
