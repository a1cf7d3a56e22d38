/**
 * The client's address behind load balancers: X-Forwarded-For is believed only hop by hop from
 * the proxies named in TRUSTED_PROXIES (proxy-addr, the resolver Express uses), so a client
 * cannot pick its own IP by sending the header. Unset = the socket's peer is the client.
 */
import { Config, type IMiddleware, Middleware } from '@midwayjs/core';
import type { Context, NextFunction } from '@midwayjs/koa';
import proxyaddr from 'proxy-addr';
import type { AppEnv } from '../config/env';

export function clientIpResolver(trusted: string[]): (req: Parameters<typeof proxyaddr>[0]) => string {
  if (!trusted.length) return (req) => req.socket?.remoteAddress ?? '';
  const trust = proxyaddr.compile(trusted);
  return (req) => proxyaddr(req, trust);
}

@Middleware()
export class ClientIpMiddleware implements IMiddleware<Context, NextFunction> {
  @Config('hub')
  env!: AppEnv;

  private resolveIp?: ReturnType<typeof clientIpResolver>;

  static getName(): string {
    return 'clientIp';
  }

  resolve() {
    this.resolveIp ??= clientIpResolver(this.env.trustedProxies);
    const resolveIp = this.resolveIp;
    return async (ctx: Context, next: NextFunction) => {
      // a test transport may have no socket address: keep koa's answer then
      const ip = ctx.req.socket?.remoteAddress ? resolveIp(ctx.req) : '';
      if (ip) ctx.request.ip = ip.replace(/^::ffff:/, '');
      return next();
    };
  }
}
