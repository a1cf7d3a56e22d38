/**
 * JSON request bodies (koa-bodyparser is configured to read nothing, config.default.ts): the size cap
 * applies while reading (raw-body), and parsing waits until someone reads ctx.request.body — for
 * contract routes that is after authentication (a request without a valid session never costs a
 * parse), and public routes accept only PUBLIC_BODY_LIMIT bytes (core/route.ts). Before JSON.parse
 * one linear pass refuses nesting deeper than MAX_DEPTH: V8 takes about a second for 400,000 nested
 * brackets, and ~60 ms for a 40,000-key object, time during which every other request waits. The raw
 * text stays on ctx.request.rawBody (signature checks of JSON notifications need the exact bytes).
 */
import { type IMiddleware, Middleware } from '@midwayjs/core';
import type { Context, NextFunction } from '@midwayjs/koa';
import getRawBody from 'raw-body';
import { AppError } from './errors';

export const JSON_LIMIT_BYTES = 1024 * 1024;
/** Far deeper than any contract's body; shallow enough that parsing stays cheap. */
export const MAX_DEPTH = 64;
/**
 * Till batches (up to 500 receipts with their lines) are the one larger JSON body a public route
 * takes: still capped while reading and depth-checked before parsing, and signed by a store's POS key.
 */
export const BULK_BODY_LIMIT = 8 * 1024 * 1024;
const BULK_PATHS = new Set(['/api/pos/receipts']);
export const isBulkPath = (path: string): boolean => BULK_PATHS.has(path);
/** Public routes (sign-in) take small bodies: more is refused before it is parsed. */
export const PUBLIC_BODY_LIMIT = 16 * 1024;

/** Linear: true when brackets outside strings nest deeper than `max`. */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > max) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return {};
  if (nestsDeeperThan(text, MAX_DEPTH)) throw new AppError('BAD_REQUEST', '请求内容层级过深');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AppError('BAD_REQUEST', '请求内容不是合法的 JSON');
  }
  // strict, as koa-bodyparser was configured: an object or an array at the top
  if (parsed === null || typeof parsed !== 'object') throw new AppError('BAD_REQUEST', '请求内容不是合法的 JSON');
  return parsed;
}

@Middleware()
export class JsonBodyMiddleware implements IMiddleware<Context, NextFunction> {
  static getName(): string {
    return 'jsonBody';
  }

  resolve() {
    return async (ctx: Context, next: NextFunction) => {
      if (ctx.method === 'GET' || ctx.method === 'HEAD' || !ctx.request.is('json')) return next();
      // bytes, not a string: a buffer lives outside the JS heap (no GC pressure from junk megabytes)
      let bytes: Buffer;
      try {
        bytes = await getRawBody(ctx.req, {
          limit: BULK_PATHS.has(ctx.path) ? BULK_BODY_LIMIT : JSON_LIMIT_BYTES,
          length: ctx.get('content-length') || undefined,
        });
      } catch (err) {
        const e = err as { type?: string; status?: number };
        if (e.type === 'entity.too.large' || e.status === 413) throw new AppError('PAYLOAD_TOO_LARGE');
        throw new AppError('BAD_REQUEST', '请求内容读取失败');
      }
      const request = ctx.request as typeof ctx.request & { body?: unknown; rawBody?: string; rawBytes?: Buffer };
      request.rawBytes = bytes;
      let text: string | null = null;
      Object.defineProperty(request, 'rawBody', {
        configurable: true,
        enumerable: true,
        get: () => (text ??= bytes.toString('utf8')),
        set: (value: string) => {
          text = value;
        },
      });
      let parsed: { value: unknown } | null = null;
      Object.defineProperty(request, 'body', {
        configurable: true,
        enumerable: true,
        get: () => (parsed ??= { value: parseJson(request.rawBody!) }).value,
        set: (value: unknown) => {
          parsed = { value };
        },
      });
      return next();
    };
  }
}
