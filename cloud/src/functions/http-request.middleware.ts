/**
 * The first middleware of the HTTP cloud function. A function receives the request already read
 * (an API-gateway event's body, or FC's HTTP trigger after the starter read the stream), while the
 * app's body readers (JSON cap and depth check, multipart uploads, WeCom's XML callbacks) read a
 * stream: this hands them ctx.req as a stream of exactly those bytes, with the headers and the
 * client address the gateway reports. On the way out a streamed body (a served upload) is collected
 * into bytes, since a function answers with one buffer.
 */
import { Readable } from 'stream';
import { type IMiddleware, Middleware } from '@midwayjs/core';
import type { Context, NextFunction } from '@midwayjs/koa';

interface GatewayRequest {
  body?: unknown;
  isBase64Encoded?: boolean | string;
  originEvent?: { body?: unknown; isBase64Encoded?: boolean | string };
  getOriginEvent?: () => { body?: unknown; isBase64Encoded?: boolean | string };
}

/** The request's bytes as the gateway delivered them (base64 decoded), without parsing them. */
export function gatewayBodyBytes(req: GatewayRequest): Buffer {
  const event = req.originEvent ?? req.getOriginEvent?.() ?? req;
  let body = event.body ?? (req as { body?: unknown }).body;
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (typeof body === 'object') body = JSON.stringify(body); // a gateway that parsed JSON for us
  const base64 = event.isBase64Encoded === true || event.isBase64Encoded === 'true';
  return Buffer.from(String(body), base64 ? 'base64' : 'utf8');
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return Buffer.concat(chunks);
}

@Middleware()
export class FunctionHttpMiddleware implements IMiddleware<Context, NextFunction> {
  static getName(): string {
    return 'functionHttp';
  }

  resolve() {
    return async (ctx: Context, next: NextFunction) => {
      const original = ctx.req as unknown as GatewayRequest & { headers?: Record<string, string> };
      const bytes = ['GET', 'HEAD', 'OPTIONS'].includes(ctx.method) ? Buffer.alloc(0) : gatewayBodyBytes(original);
      const ip = String(ctx.ip ?? '').replace(/^::ffff:/, '');
      const stream = Readable.from(bytes.length ? [bytes] : []);
      // what the body readers and the client-address code look at on a Node request
      Object.assign(stream, {
        headers: { ...ctx.headers, 'content-length': String(bytes.length) },
        method: ctx.method,
        url: ctx.url,
        socket: { remoteAddress: ip },
      });
      (ctx as unknown as { req: unknown }).req = stream;
      // the gateway has already resolved the client address (FC: clientIP, API gateway: sourceIp)
      Object.defineProperty(ctx.request, 'ip', { configurable: true, get: () => ip });
      Object.defineProperty(ctx, 'ip', { configurable: true, get: () => ip });
      // a function's response takes bytes, not a stream (the parser refuses one): hold a streamed
      // body (a served upload) aside and hand over its bytes once the route is done
      let streamed: Readable | null = null;
      let bodyOf: PropertyDescriptor | undefined;
      for (let o = Object.getPrototypeOf(ctx) as object | null; o && !bodyOf; o = Object.getPrototypeOf(o)) bodyOf = Object.getOwnPropertyDescriptor(o, 'body');
      Object.defineProperty(ctx, 'body', {
        configurable: true,
        get: () => streamed ?? bodyOf?.get?.call(ctx),
        set: (v: unknown) => {
          if (v instanceof Readable) streamed = v;
          else bodyOf?.set?.call(ctx, v);
        },
      });
      await next();
      if (streamed) {
        const bytes = await collect(streamed);
        streamed = null;
        ctx.body = bytes;
      }
    };
  }
}
