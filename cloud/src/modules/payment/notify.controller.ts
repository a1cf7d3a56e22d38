/**
 * WeChat Pay's notification URL (payments and refunds). Not a contract route: WeChat Pay defines
 * the wire format — the raw body is verified before it is parsed, success is 204 with no body, a
 * failure is 4xx/5xx with {"code":"FAIL","message":…} so WeChat retries.
 */
import { Controller, Inject, Post } from '@midwayjs/core';
import type { Context } from '@midwayjs/koa';
import { PaymentService } from './payment.service';

@Controller('/')
export class PayNotifyController {
  @Inject()
  payments!: PaymentService;

  @Post('/api/pay/notify', { summary: 'WeChat Pay v3 notification (TRANSACTION.SUCCESS, REFUND.*)' })
  async notify(ctx: Context): Promise<void> {
    const raw = (ctx.request as { rawBody?: string }).rawBody;
    if (typeof raw !== 'string' || !raw) {
      ctx.status = 400;
      ctx.body = { code: 'FAIL', message: '请求体为空' };
      return;
    }
    try {
      const answer = await this.payments.acceptNotification(ctx.headers, raw);
      ctx.status = answer.status;
      if (answer.body) ctx.body = answer.body;
      else ctx.body = null;
    } catch (err) {
      ctx.logger.error('[pay] notification failed: %s', (err as Error).stack ?? err);
      ctx.status = 500;
      ctx.body = { code: 'FAIL', message: '处理失败' };
    }
  }
}
