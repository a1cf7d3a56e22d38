/** Unpaid pre-orders past their 15 minutes give their stock and slot place back (exactly once). */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Job, type JobContext } from '../../../core/jobs';
import { OrderService } from '../order.service';

@Provide()
@Scope(ScopeEnum.Singleton)
export class PreorderJobs {
  @Inject()
  orders!: OrderService;

  @Job({ name: 'preorder.expire', cron: '* * * * *', leaseSeconds: 120 })
  async expire(ctx: JobContext) {
    let total = 0;
    for (;;) {
      const { expired } = await this.orders.expireDue(ctx.now(), 200);
      total += expired;
      if (expired < 200 || !(await ctx.renew())) break;
    }
    return { expired: total };
  }
}
