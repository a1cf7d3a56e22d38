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

export interface WxacodeOptions {
  /** ≤ 32 visible characters: digits, letters and !#$&'()*+,/:;=?@-._~ (WeChat refuses others: 40169). */
  scene: string;
  /** Page without a leading slash, e.g. packages/contest/entry/index (41030 when it does not exist). */
  page: string;
  /** 280–1280 px, default 430. */
  width?: number;
  /** false lets an unpublished page through (development builds). */
  checkPath?: boolean;
  envVersion?: 'release' | 'trial' | 'develop';
}

export interface SubscribeMessage {
  /** openid of the receiver. */
  touser: string;
  templateId: string;
  /** Page opened from the message, e.g. packages/classes/session/index?id=3 */
  page?: string;
  /** Template fields: { thing1: { value: '…' }, time2: { value: '…' } } */
  data: Record<string, { value: string }>;
  /** developer / trial / formal (default formal). */
  miniprogramState?: 'developer' | 'trial' | 'formal';
}

/** The member did not accept (or used up) the subscription for this template: errcode 43101. Do not retry. */
export const WECHAT_ERRCODE_SUBSCRIBE_REFUSED = 43101;
/** The access_token was refused: refresh once and retry once. */
export const WECHAT_TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 40014, 42001, 41001]);

/** WeChat mini-program server API (api.weixin.qq.com). */
export interface WechatClient {
  /** GET /sns/jscode2session. Throws PlatformError (40029 bad code, 40163 code used). */
  code2Session(code: string): Promise<Code2SessionResult>;
  /**
   * POST /wxa/getwxacodeunlimit: the mini-program code image (JPEG or PNG bytes). WeChat answers
   * the image on success and JSON { errcode } on failure (PlatformError 40169 bad scene, 41030 bad page…).
   */
  getUnlimitedWxacode(opts: WxacodeOptions): Promise<Buffer>;
  /**
   * POST /cgi-bin/message/subscribe/send. PlatformError 43101 (WECHAT_ERRCODE_SUBSCRIBE_REFUSED) when the
   * member has no accepted subscription left for the template; 40037 bad template id; 47003 bad data.
   */
  sendSubscribeMessage(msg: SubscribeMessage): Promise<void>;
  /**
   * POST /wxa/business/getuserphonenumber: the number behind a `<button open-type="getPhoneNumber">`
   * code (once, 5 minutes; paid per success). PlatformError 40029 for a bad, used or old code.
   */
  getPhoneNumber(code: string, openid?: string): Promise<WechatPhoneInfo>;
}
export const WECHAT_CLIENT = 'wechatClient';

export interface WechatPhoneInfo {
  /** With the area code for numbers outside the mainland. */
  phoneNumber: string;
  purePhoneNumber: string;
  countryCode: string;
}

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
  /**
   * POST /cgi-bin/media/upload (multipart, part "media"): temporary media for image/file messages.
   * The media_id lives 3 days from `createdAt`.
   */
  uploadMedia(type: 'image' | 'file', file: { filename: string; contentType: string; data: Buffer }): Promise<{ mediaId: string; createdAt: Date }>;
}
export const WECOM_CLIENT = 'wecomClient';

/**
 * The platform could not be reached or answered something that is not its JSON API
 * (timeout, connection refused, HTTP 5xx, HTML error page). Retrying later may help;
 * services map it to UPSTREAM_UNAVAILABLE.
 */
export class PlatformUnavailableError extends Error {
  constructor(
    public readonly platform: 'wechat' | 'wecom' | 'pay',
    public readonly api: string,
    public readonly reason: 'timeout' | 'network' | 'http' | 'bad_response',
    detail: string,
    public readonly status?: number,
  ) {
    super(`${platform} ${api} unavailable (${reason}): ${detail}`);
    this.name = 'PlatformUnavailableError';
  }
}

/**
 * The OAuth code belonged to someone who is not a member of the corp (WeCom answered
 * openid/external_userid instead of userid). Real WeCom errcode 46004 = "user not found".
 */
export const WECOM_ERRCODE_NOT_MEMBER = 46004;

/** `platform` section of the Midway config (config.default.ts builds it from loadEnv()). */
export interface PlatformConfig {
  wechat: { baseUrl: string; appId: string; appSecret: string; timeoutMs?: number };
  wecom: {
    baseUrl: string;
    corpId: string;
    contactSecret: string;
    agentId: string;
    agentSecret: string;
    callbackToken: string;
    encodingAESKey: string;
    timeoutMs?: number;
  };
}

/** One outgoing platform call as kept for the ops page (never tokens, secrets or codes). */
export interface PlatformCallRecord {
  at: string;
  platform: 'wechat' | 'wecom' | 'pay';
  api: string;
  /** 0 on success, the platform's errcode, or null when no JSON answer came back. */
  errcode: number | null;
  outcome: 'ok' | 'error' | 'timeout' | 'network' | 'http' | 'bad_response';
  ms: number;
  status?: number;
}
