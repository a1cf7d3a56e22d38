import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Job, type JobContext } from '../jobs';
import { SessionService } from './session.service';

/** Expired sessions are refused at once; this only keeps the table small. */
@Provide()
@Scope(ScopeEnum.Singleton)
export class SessionJobs {
  @Inject()
  sessions!: SessionService;

  @Job({ name: 'purge-expired-sessions', cron: '17 * * * *' })
  async purgeExpired(ctx: JobContext): Promise<void> {
    const n = await this.sessions.purgeExpired(ctx.now());
    if (n) ctx.logger.info('[sessions] purged %d expired sessions', n);
  }
}
