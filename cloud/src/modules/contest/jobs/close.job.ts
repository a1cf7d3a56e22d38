/** Closes contests on schedule: ranking frozen once voting has ended (see ContestService.closeDue). */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Job, type JobContext } from '../../../core/jobs';
import { Db } from '../../../core/db';
import { ContestService } from '../contest.service';
import { ContestVote } from '../entities/vote.entity';

/** Voter IPs serve the burst checks of a live contest; after this they are dropped. */
export const VOTE_IP_RETENTION_DAYS = 30;

@Provide()
@Scope(ScopeEnum.Singleton)
export class ContestCloseJob {
  @Inject()
  contests!: ContestService;

  @Inject()
  db!: Db;

  @Job({ name: 'contest.vote-ip-retention', cron: '50 3 * * *', leaseSeconds: 300 })
  async dropOldIps(ctx: JobContext): Promise<number> {
    const before = new Date(ctx.now().getTime() - VOTE_IP_RETENTION_DAYS * 86_400_000);
    const r = await this.db.manager
      .createQueryBuilder()
      .update(ContestVote)
      .set({ ip: null })
      .where('created_at < :before AND ip IS NOT NULL', { before })
      .execute();
    return r.affected ?? 0;
  }

  @Job({ name: 'contest.close', cron: '*/1 * * * *', leaseSeconds: 120 })
  async run(ctx: JobContext): Promise<void> {
    const closed = await this.contests.closeDue(ctx.now());
    if (closed.length) ctx.logger.info('[contest.close] closed contests %s', closed.join(', '));
  }
}
