import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Job, type JobContext } from '../../../core/jobs';
import { ImportService } from '../imports.service';
import { PurchasesService } from '../purchases.service';

/** Every minute: resume imports whose runner died or that wait in the queue; prune old member codes and nonces. */
@Provide()
@Scope(ScopeEnum.Singleton)
export class PurchasesJobs {
  @Inject()
  imports!: ImportService;

  @Inject()
  purchases!: PurchasesService;

  @Job({ name: 'purchases.maintain', cron: '* * * * *', leaseSeconds: 60 })
  async run(ctx: JobContext): Promise<void> {
    const resumed = await this.imports.resumeStale(ctx.now());
    await this.purchases.pruneCodes(ctx.now());
    if (resumed) ctx.logger.info('[purchases.maintain] resumed %d import(s)', resumed);
  }
}
