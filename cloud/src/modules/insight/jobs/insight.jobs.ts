/** Scheduled work of insight: roster sync and the dashboards' read models every 10 minutes; the ROI board's monthly history nightly. */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Job, type JobContext } from '../../../core/jobs';
import { InsightService } from '../insight.service';

@Provide()
@Scope(ScopeEnum.Singleton)
export class InsightJobs {
  @Inject()
  insight!: InsightService;

  @Job({ name: 'insight.refresh', cron: '*/10 * * * *', leaseSeconds: 600 })
  async refresh(ctx: JobContext): Promise<{ scopes: number }> {
    return this.insight.refreshAll(ctx.now(), () => ctx.renew());
  }

  /** The last four complete months (their 3-month "after" windows are still filling), chain and every store. */
  @Job({ name: 'insight.roi-months', cron: '50 3 * * *', leaseSeconds: 900 })
  async roiMonths(ctx: JobContext): Promise<{ months: number }> {
    return this.insight.storeRoiMonths(ctx.now(), 4, () => ctx.renew());
  }
}
