/**
 * WeCom's callback URL (not a JSON contract route: WeCom sends XML and expects text answers).
 * GET answers the decrypted echostr; POST answers `success` right after the durable insert.
 * Forged or foreign callbacks get 403 and nothing is stored.
 */
import { Controller, Get, Inject, Post } from '@midwayjs/core';
import type { Context } from '@midwayjs/koa';
import { WECOM_CALLBACK_PATH } from '../../../../contracts/wecom';
import { AppError } from '../../core/errors';
import { CallbackRejected } from './callback-crypto';
import { CallbackService } from './callback.service';

/** WeCom's envelopes are a few KB; the cap applies to the bytes read, before anything is parsed. */
export const MAX_CALLBACK_BODY = 64 * 1024;

/** The body parser reads JSON only, so an XML body is still unread here: read it up to the cap. */
function readRaw(ctx: Context): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(ctx.get('content-length'));
    if (Number.isFinite(declared) && declared > MAX_CALLBACK_BODY) {
      ctx.req.resume();
      reject(new AppError('PAYLOAD_TOO_LARGE'));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    ctx.req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_CALLBACK_BODY) {
        reject(new AppError('PAYLOAD_TOO_LARGE'));
        ctx.req.destroy();
        return;
      }
      chunks.push(c);
    });
    ctx.req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    ctx.req.on('error', reject);
  });
}

const q = (ctx: Context, k: string): string | undefined => {
  const v = ctx.query[k];
  return typeof v === 'string' ? v : undefined;
};

@Controller('/')
export class WecomCallbackController {
  @Inject()
  callbacks!: CallbackService;

  @Get(WECOM_CALLBACK_PATH)
  async verify(ctx: Context): Promise<string> {
    try {
      const echo = this.callbacks.verifyUrl({
        msg_signature: q(ctx, 'msg_signature'),
        timestamp: q(ctx, 'timestamp'),
        nonce: q(ctx, 'nonce'),
        echostr: q(ctx, 'echostr'),
      });
      ctx.type = 'text/plain';
      return echo;
    } catch (err) {
      if (err instanceof CallbackRejected) throw new AppError('WECOM_CALLBACK_REJECTED');
      throw err;
    }
  }

  @Post(WECOM_CALLBACK_PATH)
  async receive(ctx: Context): Promise<string> {
    // XML only: anything else is refused before a byte of it is read
    if (!ctx.is('text/xml', 'application/xml')) throw new AppError('WECOM_CALLBACK_REJECTED');
    const raw = await readRaw(ctx);
    try {
      await this.callbacks.receive({ msg_signature: q(ctx, 'msg_signature'), timestamp: q(ctx, 'timestamp'), nonce: q(ctx, 'nonce') }, raw);
    } catch (err) {
      if (err instanceof CallbackRejected) {
        ctx.logger.warn('[wecom callback] rejected: %s', err.reason);
        throw new AppError('WECOM_CALLBACK_REJECTED');
      }
      throw err;
    }
    ctx.type = 'text/plain';
    return 'success';
  }
}
