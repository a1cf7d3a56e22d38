/**
 * WeCom server API (qyapi.weixin.qq.com, or the simulator's /wecom face).
 *
 * Two apps with their own secrets and tokens: the customer-contact app (external contacts,
 * tags, welcome messages) and the self-built agent app (OAuth for the sidebar, JS-SDK tickets).
 * Tokens and tickets live in the platform_token table via TokenCache, shared by all instances.
 */
import { randomBytes } from 'crypto';
import { ApplicationContext, Config, type IMidwayContainer, Init, Logger, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { InjectEntityModel } from '@midwayjs/typeorm';
import { getJsApiSignature } from '@wecom/crypto';
import { Repository } from 'typeorm';
import { CallRing, PlatformLogger, requestPlatformJson, silentLogger, sleep } from './http';
import { PlatformToken } from './platform-token.entity';
import { ApiRateLimiter, type ChainBudget, ChainApiLimiter, ChainRateLimited, RateLimitOptions, WECOM_CHAIN_BUDGET, type WindowCounter } from './rate-limit';
import { ChainLimits } from '../core/limits';
import { FetchedCredential, TokenCache } from './token-cache';
import { PlatformCallRecord, PlatformConfig, PlatformError, WECOM_CLIENT, WECOM_ERRCODE_NOT_MEMBER, WecomClient, WecomJsapiSignature } from './types';

export type WecomApp = 'contact' | 'agent';

/** The token was rejected: refresh once and retry once. */
export const WECOM_TOKEN_ERRCODES: ReadonlySet<number> = new Set([40014, 42001, 41001]);
/** Too frequent / too concurrent: back off and retry a bounded number of times. */
export const WECOM_BUSY_ERRCODES: ReadonlySet<number> = new Set([45009, 45033]);

/**
 * APIs whose bucket differs from the default. A WelcomeCode dies 20 s after the add event, so
 * send_welcome_msg may burst: capacity C + 60 s x rate stays within WeCom's 10,000 calls/min per API.
 */
export const WECOM_API_RATE_OVERRIDES: Record<string, RateLimitOptions> = {
  'externalcontact/send_welcome_msg': { capacity: 1000, perSecond: 150 },
};

export interface WecomClientOptions {
  config: PlatformConfig['wecom'];
  tokenRepo: Repository<PlatformToken>;
  logger?: PlatformLogger;
  fetch?: typeof fetch;
  /** Clock for token/ticket expiry and signature timestamps. */
  now?: () => number;
  /** Waits before each retry after 45009/45033. Default [200, 400, 800]. */
  backoffMs?: number[];
  /** Per-API in-process limit. Default burst 100, 160/s (WeCom allows 10k/min per API). */
  rateLimit?: RateLimitOptions;
  /** The chain-wide per-API budget's shared counter (core/limits); none = this process only. */
  chainCounter?: WindowCounter;
  chainBudget?: ChainBudget;
  /** How long a call over the chain budget may wait for the window to turn (default 15 s). */
  chainMaxWaitMs?: number;
  refreshMarginMs?: number;
}

export interface WecomApiRequest {
  /** Path on the host, e.g. '/cgi-bin/externalcontact/get'. */
  path: string;
  method?: 'GET' | 'POST';
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

interface GetTokenBody {
  access_token: string;
  expires_in: number;
}
interface TicketBody {
  ticket: string;
  expires_in: number;
}
interface GetUserInfoBody {
  userid?: string;
  user_ticket?: string;
  openid?: string;
  external_userid?: string;
}

@Provide(WECOM_CLIENT)
@Scope(ScopeEnum.Singleton)
export class HttpWecomClient implements WecomClient {
  @Config('platform')
  platformConfig?: PlatformConfig;

  @Logger()
  logger?: PlatformLogger;

  @InjectEntityModel(PlatformToken)
  tokenRepo?: Repository<PlatformToken>;

  @ApplicationContext()
  appCtx?: IMidwayContainer;

  /** Resolved at init: a container without core/limits (a bare platform test) counts in-process only. */
  chainLimits?: ChainLimits | null;

  @Init()
  async resolveChainLimits(): Promise<void> {
    try {
      this.chainLimits = this.appCtx ? await this.appCtx.getAsync(ChainLimits) : null;
    } catch {
      this.chainLimits = null;
    }
  }

  private options?: Omit<WecomClientOptions, 'tokenRepo'>;
  private readonly ring = new CallRing(200);
  private cacheInstance?: TokenCache;
  private limiterInstance?: ApiRateLimiter;
  private chainInstance?: ChainApiLimiter | null;

  /** Plain construction for tests and scripts (no Midway container). */
  static create(options: WecomClientOptions): HttpWecomClient {
    const c = new HttpWecomClient();
    const { tokenRepo, ...rest } = options;
    c.tokenRepo = tokenRepo;
    c.options = rest;
    return c;
  }

  private get cfg(): PlatformConfig['wecom'] {
    const cfg = this.options?.config ?? this.platformConfig?.wecom;
    if (!cfg) throw new Error('platform.wecom config is missing');
    return cfg;
  }

  private get log(): PlatformLogger {
    return this.options?.logger ?? this.logger ?? silentLogger;
  }

  private now(): number {
    return (this.options?.now ?? Date.now)();
  }

  private get cache(): TokenCache {
    if (!this.cacheInstance) {
      if (!this.tokenRepo) throw new Error('platform_token repository is missing');
      this.cacheInstance = new TokenCache(this.tokenRepo, {
        now: () => this.now(),
        refreshMarginMs: this.options?.refreshMarginMs,
        logger: this.log,
      });
    }
    return this.cacheInstance;
  }

  private get limiter(): ApiRateLimiter {
    this.limiterInstance ??= new ApiRateLimiter(
      this.options?.rateLimit ?? { capacity: 100, perSecond: 160 },
      Date.now,
      this.options?.rateLimit ? {} : WECOM_API_RATE_OVERRIDES,
    );
    return this.limiterInstance;
  }

  /** WeCom's per-corp, per-API limits, counted across every instance. */
  private get chain(): ChainApiLimiter | null {
    if (this.chainInstance === undefined) {
      const counter = this.options ? this.options.chainCounter : this.chainLimits;
      this.chainInstance = counter
        ? new ChainApiLimiter(counter, `wecom:${this.cfg.corpId}`, this.options?.chainBudget ?? WECOM_CHAIN_BUDGET, {
            now: () => this.now(),
            maxWaitMs: this.options?.chainMaxWaitMs,
            onStoreError: (err) => this.log.warn(`[wecom] chain-wide rate limit unavailable, calling anyway: ${(err as Error)?.message ?? err}`),
          })
        : null;
    }
    return this.chainInstance;
  }

  private tokenKey(app: WecomApp): string {
    const cfg = this.cfg;
    return app === 'contact' ? `wecom:${cfg.corpId}:contact` : `wecom:${cfg.corpId}:agent:${cfg.agentId}`;
  }

  /** One HTTP call with rate limiting and 45009/45033 backoff; no token handling. */
  private async send<T>(api: string, req: WecomApiRequest): Promise<T> {
    const backoff = this.options?.backoffMs ?? [200, 400, 800];
    for (let attempt = 0; ; attempt++) {
      await this.limiter.take(api);
      try {
        await this.chain?.take(api);
      } catch (err) {
        // our own budget is spent: the same answer as WeCom's "too frequent", so callers retry later
        if (err instanceof ChainRateLimited) throw new PlatformError('wecom', api, 45009, 'api freq out of limit (chain-wide budget)');
        throw err;
      }
      try {
        return await requestPlatformJson<T>(
          { platform: 'wecom', api, baseUrl: this.cfg.baseUrl, timeoutMs: this.cfg.timeoutMs, ...req },
          { logger: this.log, ring: this.ring, fetch: this.options?.fetch },
        );
      } catch (err) {
        if (err instanceof PlatformError && WECOM_BUSY_ERRCODES.has(err.errcode) && attempt < backoff.length) {
          await sleep(backoff[attempt]);
          continue;
        }
        throw err;
      }
    }
  }

  /**
   * access_token of one app, from the shared cache. Pass `rejected` with a token the platform
   * just refused to get a different one.
   */
  getAccessToken(app: WecomApp, rejected?: string): Promise<string> {
    const cfg = this.cfg;
    const secret = app === 'contact' ? cfg.contactSecret : cfg.agentSecret;
    return this.cache.get(
      this.tokenKey(app),
      async (): Promise<FetchedCredential> => {
        const body = await this.send<GetTokenBody>('gettoken', {
          path: '/cgi-bin/gettoken',
          query: { corpid: cfg.corpId, corpsecret: secret },
        });
        return { value: body.access_token, expiresInSec: Number(body.expires_in) || 7200 };
      },
      rejected,
    );
  }

  /**
   * Calls any WeCom API with the given app's token: on 40014/42001/41001 it refreshes the
   * token once and retries once; 45009/45033 back off (see `send`). Later modules
   * (external contacts, tags, welcome messages) go through here.
   */
  async call<T = Record<string, unknown>>(app: WecomApp, api: string, req: WecomApiRequest): Promise<T> {
    let token = await this.getAccessToken(app);
    let refreshed = false;
    for (;;) {
      try {
        return await this.send<T>(api, { ...req, query: { ...req.query, access_token: token } });
      } catch (err) {
        if (err instanceof PlatformError && WECOM_TOKEN_ERRCODES.has(err.errcode) && !refreshed) {
          refreshed = true;
          token = await this.getAccessToken(app, token);
          continue;
        }
        throw err;
      }
    }
  }

  async getUserIdByOAuthCode(code: string): Promise<{ userid: string }> {
    const body = await this.call<GetUserInfoBody>('agent', 'auth/getuserinfo', {
      path: '/cgi-bin/auth/getuserinfo',
      query: { code },
    });
    if (!body.userid) {
      // Non-members get openid/external_userid instead; they are not staff.
      throw new PlatformError('wecom', 'auth/getuserinfo', WECOM_ERRCODE_NOT_MEMBER, 'not a member of the corp');
    }
    return { userid: body.userid };
  }

  async uploadMedia(type: 'image' | 'file', file: { filename: string; contentType: string; data: Buffer }): Promise<{ mediaId: string; createdAt: Date }> {
    // FormData (not a stream): the token retry in `call` can send it again
    const form = new FormData();
    form.append('media', new Blob([file.data], { type: file.contentType }), file.filename);
    const body = await this.call<{ media_id?: string; created_at?: string | number }>('agent', 'media/upload', {
      path: '/cgi-bin/media/upload',
      method: 'POST',
      query: { type },
      body: form,
    });
    if (!body.media_id) throw new PlatformError('wecom', 'media/upload', -1, 'no media_id in the answer');
    const created = Number(body.created_at);
    return { mediaId: body.media_id, createdAt: Number.isFinite(created) && created > 0 ? new Date(created * 1000) : new Date(this.now()) };
  }

  /** The corp jsapi_ticket (for ww.register's getConfigSignature), from the shared cache. */
  getCorpJsapiTicket(): Promise<string> {
    const cfg = this.cfg;
    return this.cache.get(`wecom:${cfg.corpId}:jsapi_ticket:${cfg.agentId}`, async () => {
      const body = await this.call<TicketBody>('agent', 'get_jsapi_ticket', { path: '/cgi-bin/get_jsapi_ticket' });
      return { value: body.ticket, expiresInSec: Number(body.expires_in) || 7200 };
    });
  }

  /** The agent_config ticket (for getAgentConfigSignature), from the shared cache. */
  getAgentJsapiTicket(): Promise<string> {
    const cfg = this.cfg;
    return this.cache.get(`wecom:${cfg.corpId}:agent_config_ticket:${cfg.agentId}`, async () => {
      const body = await this.call<TicketBody>('agent', 'ticket/get', {
        path: '/cgi-bin/ticket/get',
        query: { type: 'agent_config' },
      });
      return { value: body.ticket, expiresInSec: Number(body.expires_in) || 7200 };
    });
  }

  async signCorpJsapi(url: string): Promise<WecomJsapiSignature> {
    return this.sign(await this.getCorpJsapiTicket(), url);
  }

  async signAgentJsapi(url: string): Promise<WecomJsapiSignature> {
    return this.sign(await this.getAgentJsapiTicket(), url);
  }

  private sign(ticket: string, url: string): WecomJsapiSignature {
    // WeCom signs the page URL without its #fragment.
    const pageUrl = url.split('#')[0];
    const nonceStr = randomBytes(12).toString('base64url');
    const timestamp = Math.floor(this.now() / 1000);
    const sig = getJsApiSignature({ ticket, nonceStr, timestamp, url: pageUrl });
    return { timestamp, nonceStr, signature: sig.signature };
  }

  /** Last 200 calls, newest first (for the ops page). */
  recentCalls(): PlatformCallRecord[] {
    return this.ring.list();
  }
}
