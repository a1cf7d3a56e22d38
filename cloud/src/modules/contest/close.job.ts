/** Closes contests on schedule: ranking frozen once voting has ended (see ContestService.closeDue). */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Job, type JobContext } from '../../core/jobs';
import { ContestService } from './contest.service';

@Provide()
@Scope(ScopeEnum.Singleton)
export class ContestCloseJob {
  @Inject()
  contests!: ContestService;

  @Job({ name: 'contest.close', cron: '*/1 * * * *', leaseSeconds: 120 })
  async run(ctx: JobContext): Promise<void> {
    const closed = await this.contests.closeDue(ctx.now());
    if (closed.length) ctx.logger.info('[contest.close] closed contests %s', closed.join(', '));
  }
}
