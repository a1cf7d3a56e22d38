import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Job, type JobContext } from '../../../core/jobs';
import { RfmService } from '../rfm.service';

/** Nightly RFM recomputation (03:30 Asia/Shanghai). */
@Provide()
@Scope(ScopeEnum.Singleton)
export class RfmJob {
  @Inject()
  rfm!: RfmService;

  @Job({ name: 'tags.rfm', cron: '30 3 * * *', leaseSeconds: 900 })
  async run(ctx: JobContext): Promise<void> {
    const r = await this.rfm.recompute(ctx.now());
    ctx.logger.info('[tags.rfm] %d members, %d changed tier', r.members, r.changed);
  }
}
