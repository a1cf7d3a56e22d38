/**
 * Security headers on every answer, through helmet (koa-helmet): a Content-Security-Policy that
 * lets the pages load only their own scripts; frame-ancestors 'none' except the WeCom sidebar,
 * which WeCom's clients (and its web version) may embed; HSTS in production (behind TLS);
 * Referrer-Policy no-referrer, so tokens or ids in a URL never leak to another site.
 */
import { Config, type IMiddleware, Middleware } from '@midwayjs/core';
import type { Context, NextFunction } from '@midwayjs/koa';
import type { KoaHelmet } from 'koa-helmet';
import type { AppEnv } from '../config/env';

// the package is CommonJS (module.exports = function)
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS default export
const koaHelmet: KoaHelmet = require('koa-helmet');

/** Where WeCom shows the sidebar from (desktop/mobile clients and the web version). */
export const WECOM_FRAME_ANCESTORS = ['https://work.weixin.qq.com', 'https://*.work.weixin.qq.com', 'https://*.weixin.qq.com'];

type KoaMw = (ctx: Context, next: NextFunction) => Promise<unknown>;

export function securityHeaders(env: Pick<AppEnv, 'NODE_ENV' | 'simulatorEnabled' | 'SIMULATOR_PORT'>): { sidebar: KoaMw; h5: KoaMw; other: KoaMw } {
  const production = env.NODE_ENV === 'production';
  // dev/test only: the H5 preview and the sidebar mint login codes at the local simulator
  const simulator = env.simulatorEnabled ? [`http://127.0.0.1:${env.SIMULATOR_PORT}`, `http://localhost:${env.SIMULATOR_PORT}`] : [];
  // blob:/data: — Taro's H5 upload reads the photo a member chose through fetch(blob:…)
  const connect = ["'self'", 'blob:', 'data:', ...simulator];
  const directives = (frameAncestors: string[], scriptExtra: string[] = []) => ({
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'", ...scriptExtra],
    // antd and Taro set inline styles
    styleSrc: ["'self'", "'unsafe-inline'"],
    // avatars from WeCom/WeChat CDNs, attachment previews, QR codes drawn into data:/blob: URLs
    imgSrc: ["'self'", 'data:', 'blob:', 'https:', ...simulator],
    fontSrc: ["'self'", 'data:'],
    connectSrc: connect,
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors,
    ...(production ? { upgradeInsecureRequests: [] } : { upgradeInsecureRequests: null }),
  });
  const common = {
    hsts: production ? { maxAge: 31536000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' as const },
    // the mini-program's H5 and the pages load uploads cross-origin in dev (simulator, bench)
    crossOriginResourcePolicy: { policy: 'same-site' as const },
    crossOriginEmbedderPolicy: false,
  };
  const build = (frameAncestors: string[], scriptExtra?: string[], frameguard = true) =>
    koaHelmet({
      ...common,
      contentSecurityPolicy: { useDefaults: false, directives: directives(frameAncestors, scriptExtra) },
      // X-Frame-Options cannot name WeCom's hosts: the sidebar relies on frame-ancestors alone
      frameguard: frameguard ? { action: 'deny' } : false,
    }) as unknown as KoaMw;
  return {
    sidebar: build(WECOM_FRAME_ANCESTORS, [], false),
    // Taro's H5 shell carries one inline bootstrap script (rem sizing); the H5 is the dev/test preview
    h5: build(["'none'"], ["'unsafe-inline'"]),
    other: build(["'none'"]),
  };
}

@Middleware()
export class SecurityHeadersMiddleware implements IMiddleware<Context, NextFunction> {
  @Config('hub')
  env!: AppEnv;

  static getName(): string {
    return 'securityHeaders';
  }

  resolve() {
    const h = securityHeaders(this.env);
    return async (ctx: Context, next: NextFunction) => {
      const pick = ctx.path === '/sidebar' || ctx.path.startsWith('/sidebar/') ? h.sidebar : ctx.path === '/h5' || ctx.path.startsWith('/h5/') ? h.h5 : h.other;
      return pick(ctx, next);
    };
  }
}
