/**
 * Front doors of the one-port server: `/` -> /admin/, `/admin` -> /admin/, and the single-page
 * apps' index.html for their client-side routes (paths under the prefix without a file extension).
 * Files themselves are served by @midwayjs/static-file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Config, type IMiddleware, Middleware } from '@midwayjs/core';
import type { Context, NextFunction } from '@midwayjs/koa';

export interface WebApp {
  name: string;
  prefix: string;
  dir: string;
}

@Middleware()
export class WebAppsMiddleware implements IMiddleware<Context, NextFunction> {
  @Config('webApps')
  apps!: WebApp[];

  static getName(): string {
    return 'webApps';
  }

  resolve() {
    return async (ctx: Context, next: NextFunction) => {
      if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
      if (ctx.path === '/') return ctx.redirect('/admin/');
      for (const app of this.apps) {
        if (ctx.path === app.prefix) return ctx.redirect(`${app.prefix}/${ctx.search}`);
        if (!ctx.path.startsWith(`${app.prefix}/`)) continue;
        const last = ctx.path.slice(ctx.path.lastIndexOf('/') + 1);
        if (last.includes('.')) break; // a file: static-file serves it (or 404s)
        const index = path.join(app.dir, 'index.html');
        try {
          const html = await fs.promises.readFile(index);
          ctx.type = 'html';
          // the shell must not be cached, or a new build's hashed assets are never picked up
          ctx.set('cache-control', 'no-cache');
          ctx.body = html;
          return;
        } catch {
          break; // not built: fall through to the JSON 404
        }
      }
      return next();
    };
  }
}
