/**
 * An invitee's IP serves the same-address check of the referral rules (registrations from one
 * address within 30 days); after that it is dropped, as voter IPs are (issue 13).
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Job, type JobContext } from '../../../core/jobs';
import { Db } from '../../../core/db';
import { ReferralAttribution } from '../entities/referral.entity';

export const REFERRAL_IP_RETENTION_DAYS = 30;

@Provide()
@Scope(ScopeEnum.Singleton)
export class ReferralRetentionJob {
  @Inject()
  db!: Db;

  @Job({ name: 'referral.ip-retention', cron: '55 3 * * *', leaseSeconds: 300 })
  async dropOldIps(ctx: JobContext): Promise<number> {
    const before = new Date(ctx.now().getTime() - REFERRAL_IP_RETENTION_DAYS * 86_400_000);
    const r = await this.db.transaction((em) =>
      em.createQueryBuilder().update(ReferralAttribution).set({ ip: null }).where('registered_at < :before AND ip IS NOT NULL', { before }).execute(),
    );
    return r.affected ?? 0;
  }
}
