/**
 * The mini-program's wx.request has no PATCH: its client sends POST with
 * `x-http-method-override: PATCH` (or PUT/DELETE). Honour exactly those, and only on POST, before
 * routing, so one contract (PATCH /api/me) serves every surface.
 */
import { type IMiddleware, Middleware } from '@midwayjs/core';
import type { Context, NextFunction } from '@midwayjs/koa';

const OVERRIDABLE = new Set(['PATCH', 'PUT', 'DELETE']);

@Middleware()
export class MethodOverrideMiddleware implements IMiddleware<Context, NextFunction> {
  static getName(): string {
    return 'methodOverride';
  }

  resolve() {
    return async (ctx: Context, next: NextFunction) => {
      const wanted = ctx.get('x-http-method-override').trim().toUpperCase();
      if (ctx.method === 'POST' && OVERRIDABLE.has(wanted)) ctx.method = wanted;
      return next();
    };
  }
}
