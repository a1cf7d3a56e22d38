/** Payment jobs: settle trades whose notification is missing; reconcile yesterday's trade bill. */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Job, type JobContext } from '../../../core/jobs';
import { PaymentService } from '../payment.service';
import { addDaysToKey, dayKey } from '../../../../../contracts/calendar';

@Provide()
@Scope(ScopeEnum.Singleton)
export class PaymentJobs {
  @Inject()
  payments!: PaymentService;

  @Job({ name: 'payment.reconcile', cron: '*/2 * * * *', leaseSeconds: 300 })
  async reconcile(ctx: JobContext) {
    return this.payments.reconcileOpen(ctx.now());
  }

  /** WeChat Pay publishes a day's bill from about 10:00 the next day (Beijing). */
  @Job({ name: 'payment.trade-bill', cron: '30 10 * * *', leaseSeconds: 600 })
  async tradeBill(ctx: JobContext) {
    const yesterday = addDaysToKey(dayKey(ctx.now()), -1);
    return this.payments.reconcileBill(yesterday);
  }
}
