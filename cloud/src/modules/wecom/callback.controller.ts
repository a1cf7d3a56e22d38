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

const MAX_BODY = 64 * 1024;

function readRaw(ctx: Context): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    ctx.req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
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
      const echo = this.callbacks.verifyUrl({ msg_signature: q(ctx, 'msg_signature'), timestamp: q(ctx, 'timestamp'), nonce: q(ctx, 'nonce'), echostr: q(ctx, 'echostr') });
      ctx.type = 'text/plain';
      return echo;
    } catch (err) {
      if (err instanceof CallbackRejected) throw new AppError('WECOM_CALLBACK_REJECTED');
      throw err;
    }
  }

  @Post(WECOM_CALLBACK_PATH)
  async receive(ctx: Context): Promise<string> {
    const raw = typeof (ctx.request as { rawBody?: string }).rawBody === 'string' && (ctx.request as { rawBody?: string }).rawBody ? (ctx.request as { rawBody?: string }).rawBody! : await readRaw(ctx);
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
