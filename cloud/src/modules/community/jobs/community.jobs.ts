/** Scheduled work of the community domain: group SOP tasks as their time comes (every minute). */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Job, type JobContext } from '../../../core/jobs';
import { GroupSopService } from '../sop.service';

@Provide()
@Scope(ScopeEnum.Singleton)
export class CommunityJobs {
  @Inject()
  sops!: GroupSopService;

  @Job({ name: 'community.group-sop', cron: '*/1 * * * *', leaseSeconds: 120 })
  async groupSop(ctx: JobContext): Promise<void> {
    await this.sops.runDue(ctx.now());
  }
}
