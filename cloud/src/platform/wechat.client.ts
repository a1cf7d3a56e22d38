/**
 * WeChat mini-program server API (api.weixin.qq.com, or the simulator's /wechat face).
 *
 * The access_token comes from /cgi-bin/stable_token (it does not invalidate the token other
 * instances hold, unlike /cgi-bin/token) and is cached in platform_token through TokenCache,
 * like the WeCom tokens. Calls that the platform answers with a token error refresh once and retry once.
 */
import { Config, Logger, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { InjectEntityModel } from '@midwayjs/typeorm';
import { Repository } from 'typeorm';
import { buildUrl, CallRing, DEFAULT_TIMEOUT_MS, PlatformLogger, requestPlatformJson, silentLogger } from './http';
import { PlatformToken } from './platform-token.entity';
import { FetchedCredential, TokenCache } from './token-cache';
import {
  Code2SessionResult,
  PlatformCallRecord,
  PlatformConfig,
  PlatformError,
  PlatformUnavailableError,
  SubscribeMessage,
  WECHAT_CLIENT,
  WECHAT_TOKEN_ERRCODES,
  WechatClient,
  WechatPhoneInfo,
  WxacodeOptions,
} from './types';

export interface WechatClientOptions {
  config: PlatformConfig['wechat'];
  logger?: PlatformLogger;
  fetch?: typeof fetch;
  /** Needed for the APIs that take an access_token (wxacode, subscribe messages). */
  tokenRepo?: Repository<PlatformToken>;
  now?: () => number;
}

interface StableTokenBody {
  access_token: string;
  expires_in: number;
}

interface Jscode2SessionBody {
  openid?: string;
  session_key?: string;
  unionid?: string;
  errcode?: number;
  errmsg?: string;
}

@Provide(WECHAT_CLIENT)
@Scope(ScopeEnum.Singleton)
export class HttpWechatClient implements WechatClient {
  @Config('platform')
  platformConfig?: PlatformConfig;

  @Logger()
  logger?: PlatformLogger;

  @InjectEntityModel(PlatformToken)
  tokenRepo?: Repository<PlatformToken>;

  private options?: WechatClientOptions;
  private readonly ring = new CallRing(200);
  private cacheInstance?: TokenCache;

  /** Plain construction for tests and scripts (no Midway container). */
  static create(options: WechatClientOptions): HttpWechatClient {
    const c = new HttpWechatClient();
    c.options = options;
    return c;
  }

  private get cfg(): PlatformConfig['wechat'] {
    const cfg = this.options?.config ?? this.platformConfig?.wechat;
    if (!cfg) throw new Error('platform.wechat config is missing');
    return cfg;
  }

  private get sink() {
    return { logger: this.options?.logger ?? this.logger ?? silentLogger, ring: this.ring, fetch: this.options?.fetch };
  }

  async code2Session(code: string): Promise<Code2SessionResult> {
    const cfg = this.cfg;
    const body = await requestPlatformJson<Jscode2SessionBody>(
      {
        platform: 'wechat',
        api: 'sns/jscode2session',
        baseUrl: cfg.baseUrl,
        path: '/sns/jscode2session',
        query: { appid: cfg.appId, secret: cfg.appSecret, js_code: code, grant_type: 'authorization_code' },
        timeoutMs: cfg.timeoutMs,
      },
      this.sink,
    );
    if (!body.openid || !body.session_key) {
      // errcode 0 without an openid is not a usable login; report it like a platform error.
      throw new PlatformError('wechat', 'sns/jscode2session', -1, 'answer without openid/session_key');
    }
    return { openid: body.openid, sessionKey: body.session_key, ...(body.unionid ? { unionid: body.unionid } : {}) };
  }

  private get cache(): TokenCache {
    if (!this.cacheInstance) {
      const repo = this.options?.tokenRepo ?? this.tokenRepo;
      if (!repo) throw new Error('platform_token repository is missing');
      this.cacheInstance = new TokenCache(repo, { now: this.options?.now, logger: this.sink.logger });
    }
    return this.cacheInstance;
  }

  /**
   * The mini-program access_token from the shared cache (stable_token). After the platform refused
   * `rejected`, ask with force_refresh when the normal answer is that same token again.
   */
  getAccessToken(rejected?: string): Promise<string> {
    const cfg = this.cfg;
    const fetchToken = async (force: boolean): Promise<StableTokenBody> =>
      requestPlatformJson<StableTokenBody>(
        {
          platform: 'wechat',
          api: 'cgi-bin/stable_token',
          baseUrl: cfg.baseUrl,
          path: '/cgi-bin/stable_token',
          method: 'POST',
          body: { grant_type: 'client_credential', appid: cfg.appId, secret: cfg.appSecret, force_refresh: force },
          timeoutMs: cfg.timeoutMs,
        },
        this.sink,
      );
    return this.cache.get(
      `wechat:${cfg.appId}:access_token`,
      async (): Promise<FetchedCredential> => {
        let body = await fetchToken(false);
        if (rejected !== undefined && body.access_token === rejected) body = await fetchToken(true);
        return { value: body.access_token, expiresInSec: Number(body.expires_in) || 7200 };
      },
      rejected,
    );
  }

  /** Runs `fn` with a token; on a token errcode refreshes once and retries once. */
  private async withToken<T>(fn: (token: string) => Promise<T>): Promise<T> {
    let token = await this.getAccessToken();
    let refreshed = false;
    for (;;) {
      try {
        return await fn(token);
      } catch (err) {
        if (err instanceof PlatformError && WECHAT_TOKEN_ERRCODES.has(err.errcode) && !refreshed) {
          refreshed = true;
          token = await this.getAccessToken(token);
          continue;
        }
        throw err;
      }
    }
  }

  async getUnlimitedWxacode(opts: WxacodeOptions): Promise<Buffer> {
    const body = {
      scene: opts.scene,
      page: opts.page,
      width: opts.width ?? 430,
      check_path: opts.checkPath ?? true,
      env_version: opts.envVersion ?? 'release',
    };
    return this.withToken((token) => this.requestImage('wxa/getwxacodeunlimit', '/wxa/getwxacodeunlimit', token, body));
  }

  async sendSubscribeMessage(msg: SubscribeMessage): Promise<void> {
    const cfg = this.cfg;
    const body = {
      touser: msg.touser,
      template_id: msg.templateId,
      ...(msg.page ? { page: msg.page } : {}),
      data: msg.data,
      miniprogram_state: msg.miniprogramState ?? 'formal',
      lang: 'zh_CN',
    };
    await this.withToken((token) =>
      requestPlatformJson(
        {
          platform: 'wechat',
          api: 'cgi-bin/message/subscribe/send',
          baseUrl: cfg.baseUrl,
          path: '/cgi-bin/message/subscribe/send',
          method: 'POST',
          query: { access_token: token },
          body,
          timeoutMs: cfg.timeoutMs,
        },
        this.sink,
      ),
    );
  }

  async getPhoneNumber(code: string, openid?: string): Promise<WechatPhoneInfo> {
    const cfg = this.cfg;
    const body = await this.withToken((token) =>
      requestPlatformJson<{ phone_info?: { phoneNumber?: unknown; purePhoneNumber?: unknown; countryCode?: unknown } }>(
        {
          platform: 'wechat',
          api: 'wxa/business/getuserphonenumber',
          baseUrl: cfg.baseUrl,
          path: '/wxa/business/getuserphonenumber',
          method: 'POST',
          query: { access_token: token },
          body: { code, ...(openid ? { openid } : {}) },
          timeoutMs: cfg.timeoutMs,
        },
        this.sink,
      ),
    );
    const info = body.phone_info;
    if (!info || typeof info.purePhoneNumber !== 'string') throw new PlatformError('wechat', 'wxa/business/getuserphonenumber', -1, 'phone_info missing');
    return {
      phoneNumber: String(info.phoneNumber ?? info.purePhoneNumber),
      purePhoneNumber: info.purePhoneNumber,
      countryCode: String(info.countryCode ?? ''),
    };
  }

  /**
   * POST JSON, expect an image: WeChat answers the bytes on success and a JSON { errcode } body on
   * failure (sometimes with an image content type), so the first byte decides, not only the header.
   */
  private async requestImage(api: string, path: string, token: string, body: unknown): Promise<Buffer> {
    const cfg = this.cfg;
    const sink = this.sink;
    const started = Date.now();
    const finish = (outcome: PlatformCallRecord['outcome'], errcode: number | null, status?: number) => {
      const ms = Date.now() - started;
      sink.ring.push({ at: new Date(started).toISOString(), platform: 'wechat', api, errcode, outcome, ms, status });
      const line = `[platform] wechat ${api} outcome=${outcome} errcode=${errcode ?? '-'} ms=${ms}${status ? ` status=${status}` : ''}`;
      if (outcome === 'ok') sink.logger.info(line);
      else if (outcome === 'error') sink.logger.warn(line);
      else sink.logger.error(line);
    };
    const timeoutMs = cfg.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let res: Response;
    let buf: Buffer;
    try {
      res = await (sink.fetch ?? fetch)(buildUrl(cfg.baseUrl, path, { access_token: token }), {
        method: 'POST',
        signal: AbortSignal.timeout(timeoutMs),
        headers: { 'content-type': 'application/json', accept: 'image/*, application/json' },
        body: JSON.stringify(body),
      });
      buf = Buffer.from(await res.arrayBuffer());
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
      finish(timedOut ? 'timeout' : 'network', null);
      throw new PlatformUnavailableError(
        'wechat',
        api,
        timedOut ? 'timeout' : 'network',
        timedOut ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.message),
      );
    }
    if (!res.ok) {
      finish('http', null, res.status);
      throw new PlatformUnavailableError('wechat', api, 'http', `HTTP ${res.status}`, res.status);
    }
    const first = buf.subarray(0, 16).toString('latin1').trimStart();
    if (first.startsWith('{')) {
      let parsed: { errcode?: number; errmsg?: string } | undefined;
      try {
        parsed = JSON.parse(buf.toString('utf8'));
      } catch {
        parsed = undefined;
      }
      const errcode = Number(parsed?.errcode ?? -1);
      finish('error', errcode, res.status);
      throw new PlatformError('wechat', api, Number.isNaN(errcode) ? -1 : errcode, String(parsed?.errmsg ?? 'not an image'));
    }
    const isJpeg = buf.length > 3 && buf[0] === 0xff && buf[1] === 0xd8;
    const isPng = buf.length > 8 && buf[0] === 0x89 && buf.toString('latin1', 1, 4) === 'PNG';
    if (!isJpeg && !isPng) {
      finish('bad_response', null, res.status);
      throw new PlatformUnavailableError('wechat', api, 'bad_response', `neither an image nor JSON (${buf.length} bytes)`, res.status);
    }
    finish('ok', 0, res.status);
    return buf;
  }

  /** Last 200 calls, newest first (for the ops page). */
  recentCalls(): PlatformCallRecord[] {
    return this.ring.list();
  }
}
