/**
 * How files leave the server: compressed (brotli when the browser takes it, else gzip) through
 * koa-compress, and content-hashed build files (index-8OPljJmb.js, 171.9b197d56.js) cached for a
 * year as immutable — a new build has new names, and index.html itself stays no-cache. Also the
 * site icon at /favicon.ico (browsers ask for it on every origin).
 * Runs first in the chain, so it wraps the static files and the API alike.
 */
import * as zlib from 'zlib';
import { type IMiddleware, Middleware } from '@midwayjs/core';
import type { Context, NextFunction } from '@midwayjs/koa';
import compress from 'koa-compress';

/** A Vite (name-8to12chars) or webpack (name.8hex) content hash in a web app's file name. */
export const HASHED_ASSET = /^\/(admin|sidebar|h5)\/.*(?:[-.][A-Za-z0-9_]{8,12})\.(?:js|css|png|jpe?g|svg|gif|webp|woff2?|ttf)$/;

export const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The product's mark: 「私」 on the brand orange, as SVG (one small file, sharp at any size). */
export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#d9480f"/><text x="32" y="45" font-size="38" text-anchor="middle" fill="#fff" font-family="PingFang SC,Microsoft YaHei,Noto Sans CJK SC,sans-serif">私</text></svg>';

@Middleware()
export class DeliveryMiddleware implements IMiddleware<Context, NextFunction> {
  static getName(): string {
    return 'delivery';
  }

  resolve() {
    const compressor = compress({
      threshold: 1024,
      // quality 5: most of brotli's gain at a fraction of the CPU of 11 (responses are compressed per request)
      br: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } },
      gzip: { level: 6 },
      deflate: false,
    });
    return async (ctx: Context, next: NextFunction) => {
      if ((ctx.method === 'GET' || ctx.method === 'HEAD') && (ctx.path === '/favicon.ico' || ctx.path === '/favicon.svg')) {
        ctx.type = 'image/svg+xml';
        ctx.set('cache-control', 'public, max-age=86400');
        ctx.body = FAVICON_SVG;
        return;
      }
      await compressor(ctx as unknown as Parameters<typeof compressor>[0], async () => {
        await next();
        if (ctx.status === 200 && HASHED_ASSET.test(ctx.path)) ctx.set('cache-control', IMMUTABLE);
      });
    };
  }
}
