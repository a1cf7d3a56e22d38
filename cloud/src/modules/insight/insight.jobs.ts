/** Scheduled work of insight: roster sync and the dashboards' read models, every 10 minutes. */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Job, type JobContext } from '../../core/jobs';
import { InsightService } from './insight.service';

@Provide()
@Scope(ScopeEnum.Singleton)
export class InsightJobs {
  @Inject()
  insight!: InsightService;

  @Job({ name: 'insight.refresh', cron: '*/10 * * * *', leaseSeconds: 600 })
  async refresh(ctx: JobContext): Promise<{ scopes: number }> {
    return this.insight.refreshAll(ctx.now(), () => ctx.renew());
  }
}
